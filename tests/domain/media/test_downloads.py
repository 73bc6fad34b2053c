"""The copies of media for staff, against the fake Bot API and a real database: where the
folder is, files too big (known from the message, from getFile, or from Telegram's refusal)
skipped without a byte written, and the bytes Telegram holds saved, readable by Kabar alone."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import select
from telegram import Bot

from bot.db.database import Database
from bot.db.models import Attachment
from bot.domain.media.downloads import Fetched, download_due
from bot.domain.media.folder import media_folder, relative_path
from bot.domain.people.erasure import forget
from bot.sandbox.fakeapi import FakeTelegram
from bot.tg.files import TelegramFiles
from tests.support.process import TEST_TOKEN
from tests.support.programme import seed_programme

NOW = datetime(2026, 1, 12, 1, 0, tzinfo=UTC)
LIMIT = 1000


def test_the_media_folder_is_beside_a_sqlite_database_or_where_configured() -> None:
    assert media_folder("sqlite:////srv/kabar/kabar.db") == Path("/srv/kabar/media")
    assert media_folder("sqlite:///kabar.db") == Path("media")
    assert media_folder("postgresql://kabar@db/kabar") == Path("media")
    assert media_folder("postgresql://kabar@db/kabar", "/var/lib/kabar") == Path("/var/lib/kabar")


def test_a_roster_id_cannot_lead_the_path_out_of_the_folder() -> None:
    assert relative_path("../../etc", 7, "photo", ".jpg") == "etc/7-photo.jpg"
    assert relative_path("KPM 01/x", 8, "voice", ".oga") == "KPM_01_x/8-voice.oga"


@pytest.fixture
def open_umask() -> Iterator[None]:
    """A process whose umask would let anyone read what it writes."""
    previous = os.umask(0)
    yield
    os.umask(previous)


async def test_files_too_big_are_skipped_and_the_rest_saved_privately(
    db: Database, tmp_path: Path, open_umask: None
) -> None:
    await seed_programme(db)
    async with FakeTelegram() as tg:
        family = tg.user(2001)
        small = (await family.send_voice(content=b"OggS" + b"k" * 100))["voice"]["file_id"]
        big = (await family.send_voice(content=b"OggS" + b"b" * LIMIT))["voice"]["file_id"]
        refused = (await family.send_voice(content=b"OggS" + b"r" * 10))["voice"]["file_id"]
        async with db.transaction() as session:
            sizes = ((refused, None), (small, None), (big, None), ("known", LIMIT + 1))
            for file_id, size in sizes:
                session.add(
                    Attachment(
                        person_id="KPM-01",
                        kind="voice",
                        purpose="problem_note",
                        telegram_file_id=file_id,
                        created_at=NOW,
                        size_bytes=size,  # unknown for files kept before sizes were
                    )
                )
        # Telegram itself refuses the first file asked for as above its limit.
        tg.faults.add("getFile", status=400, description="Bad Request: file is too big")
        folder = tmp_path / "media"
        async with Bot(TEST_TOKEN, base_url=tg.api_url, base_file_url=tg.file_url) as bot:
            files = TelegramFiles(bot)
            assert await download_due(db, files, folder, now=NOW, max_bytes=LIMIT) == 4
            assert await download_due(db, files, folder, now=NOW, max_bytes=LIMIT) == 0
        getfiles = [call.method for call in tg.calls if call.method == "getFile"]
        content = tg.file_content(small)

    async with db.sessions() as session:
        rows = {
            a.telegram_file_id: a for a in (await session.execute(select(Attachment))).scalars()
        }
    assert {file_id: row.download_status for file_id, row in rows.items()} == {
        refused: "skipped",
        small: "saved",
        big: "skipped",  # getFile said how big: not downloaded
        "known": "skipped",
    }
    assert len(getfiles) == 3  # none for the one whose size was known too big
    saved = rows[small]
    assert (saved.download_attempts, saved.local_path) == (1, f"KPM-01/{saved.id}-voice.oga")
    copy = folder / saved.local_path
    assert copy.read_bytes() == content
    assert stat.S_IMODE(copy.stat().st_mode) == 0o600
    assert stat.S_IMODE(copy.parent.stat().st_mode) == 0o700
    written = [p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()]
    assert written == [saved.local_path]  # nothing of the others, no partial file


async def test_a_file_fetched_while_its_sender_is_erased_is_not_kept(
    db: Database, tmp_path: Path
) -> None:
    await seed_programme(db)
    async with db.transaction() as session:
        session.add(
            Attachment(
                person_id="KPM-01",
                kind="photo",
                purpose="problem_note",
                telegram_file_id="on-its-way",
                created_at=NOW,
            )
        )

    class ErasedMeanwhile:
        """Telegram's answer arrives after `kabar person forget KPM-01` committed."""

        async def fetch(self, file_id: str, max_bytes: int) -> Fetched:
            async with db.transaction() as session:
                await forget(session, "KPM-01", actor="operator", now=NOW, media=tmp_path)
            return Fetched(b"\xff\xd8 her photo", ".jpg")

    folder = tmp_path / "media"
    assert await download_due(db, ErasedMeanwhile(), folder, now=NOW) == 1
    assert [p for p in folder.rglob("*") if p.is_file()] == []
    assert not (folder / "KPM-01").exists()
