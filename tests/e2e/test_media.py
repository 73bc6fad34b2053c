"""Photos and voice notes can be seen and heard: a family's photo and voice note from a
check-in come with the alert card and with /peserta (sent again by Telegram file id), a
facilitator's notes show on the card, and staff get a private copy of each file in the
media folder, fetched in the background (a failing download is tried again, then given
up; a file too big is skipped; no reply waits for any of it)."""

from __future__ import annotations

import asyncio
import csv
import io
import stat
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.db.database import Database
from bot.db.models import Alert, Attachment
from bot.domain.alerts.watch import RULES_EVERY
from bot.domain.media.downloads import MAX_ATTEMPTS, retry_wait
from bot.domain.media.folder import media_folder
from bot.lib.clock import FakeClock
from bot.sandbox.fakeapi import FakeTelegram, FakeUser, TranscriptEntry
from tests.e2e.test_escalation import MONDAY, alert_cards, kabar, register, until
from tests.support.chat import kabar_command, said, settled
from tests.support.programme import CODES, NOW, invite, seed_programme

pytestmark = pytest.mark.e2e

COORDINATOR_CODE = "krd01-aaaaa-bbbbb-ccccc"
MAX_BYTES = 10_000  # the download limit in this test: the facilitator's long voice note is above


async def attachment(db: Database, file_id: str) -> Attachment:
    async with db.sessions() as session:
        return (
            await session.execute(select(Attachment).where(Attachment.telegram_file_id == file_id))
        ).scalar_one()


async def settles(db: Database, file_id: str, **expected: object) -> Attachment:
    """Until the attachment's row has the `expected` values (the job runs every 0.1 s)."""
    async with asyncio.timeout(15):
        while True:
            row = await attachment(db, file_id)
            if all(getattr(row, name) == value for name, value in expected.items()):
                return row
            await asyncio.sleep(0.05)


async def media(user: FakeUser, kind: str) -> TranscriptEntry:
    return (await user.replies_until(lambda e: e.kind == kind))[-1]


async def card_edited(user: FakeUser, card: TranscriptEntry, needle: str) -> TranscriptEntry:
    """The card, once edited to say `needle` (other replies may come before or after)."""

    def edits() -> list[TranscriptEntry]:
        return [
            e
            for e in user.transcript()
            if e.kind == "edit" and e.message_id == card.message_id and needle in e.text
        ]

    await until(lambda: bool(edits()))
    return edits()[-1]


def photo_id(message: dict[str, object]) -> str:
    sizes = message["photo"]
    assert isinstance(sizes, list)
    return str(sizes[-1]["file_id"])  # the largest, as Kabar keeps it


def voice_id(message: dict[str, object]) -> str:
    voice = message["voice"]
    assert isinstance(voice, dict)
    return str(voice["file_id"])


async def test_photos_and_voice_notes_reach_the_facilitator_and_the_media_folder(
    database_url: str, db: Database, tmp_path: Path
) -> None:
    await seed_programme(db)
    async with db.transaction() as session:
        invite(session, {"KRD-01": COORDINATOR_CODE})
    # Beside the database on SQLite (its folder's media/); where configured otherwise.
    on_postgres = database_url.startswith("postgres")
    configured = str(tmp_path / "pg-media") if on_postgres else None
    folder = media_folder(database_url, configured)
    if not on_postgres:
        assert folder == tmp_path / "media"
    clock = FakeClock(NOW + timedelta(hours=1))
    async with (
        FakeTelegram() as tg,
        # None: the default folder, beside the SQLite database.
        kabar(tg, database_url, clock, media_dir=configured, media_max_bytes=MAX_BYTES),
    ):
        wagiyem = tg.user(3001, first_name="Wagiyem", language_code="id")
        siti = tg.user(3003, first_name="Siti", language_code="id")
        arif = tg.user(3002, first_name="Arif", language_code="id")
        await register(arif, COORDINATOR_CODE)
        await register(wagiyem, CODES["PDP-01"])
        await register(siti, CODES["KPM-01"])

        # The round opens; Siti names a problem and tells it in a voice note.
        await settled(db)  # nothing in flight when the clock jumps (claims would go stale)
        clock.set(MONDAY)
        await said(siti, "Apakah Anda memproduksi")
        await siti.press("Ya")
        await said(siti, "Berapa banyak yang Anda produksi")
        await siti.send_text("2 kg")
        await said(siti, "Berapa banyak yang terjual")
        await siti.send_text("1")
        await said(siti, "Berapa uang yang Anda terima")
        await siti.send_text("50rb")
        await said(siti, "Bolehkah Kabar menawarkannya")  # 1 kg left over
        await siti.press("Tidak")
        await said(siti, "Apakah ada yang menghambat")
        await siti.press("Alat atau peralatan")
        await siti.replies_until(lambda e: e.kind == "edit")
        await siti.press("Selesai")
        await said(siti, "Ceritakan sedikit")
        # Telegram is slow to serve that file, then fails: Siti's next answer is taken
        # while the download still waits.
        tg.faults.add("getFile", status=500, delay=5.0, times=1)
        voice = voice_id(await siti.send_voice(content=b"OggS" + b"suara-siti" * 50))
        await said(siti, "dihubungi pendamping")
        await until(lambda: ("getfile", "500") in tg.faults.injected)
        await siti.press("Ya")
        await said(siti, "kirim foto produk")
        assert not [call for call in tg.calls if call.method == "getFile"], "no reply waits"
        failed_once = await settles(db, voice, download_attempts=1, download_status="pending")
        assert failed_once.download_after == MONDAY + retry_wait(1)

        # Her photo arrives and is copied for staff: the bytes Telegram holds, 0600 in 0700.
        photo = photo_id(await siti.send_photo(caption="Keripik minggu ini"))
        await said(siti, "Periksa jawaban Anda")
        saved = await settles(db, photo, download_status="saved")
        assert saved.local_path == f"KPM-01/{saved.id}-photo.jpg"
        copy = folder / saved.local_path
        assert copy.read_bytes() == tg.file_content(photo)
        assert stat.S_IMODE(copy.stat().st_mode) == 0o600
        assert stat.S_IMODE(copy.parent.stat().st_mode) == 0o700
        assert stat.S_IMODE(folder.stat().st_mode) == 0o700

        # Telegram keeps failing for the voice note: tried again after each wait, then
        # given up, its row saying so.
        tg.faults.add("getFile", status=500, times=None)
        for attempt in range(2, MAX_ATTEMPTS + 1):
            await settled(db)
            clock.advance(retry_wait(attempt - 1))
            await settles(db, voice, download_attempts=attempt)
        given_up = await settles(db, voice, download_status="failed")
        assert (given_up.local_path, given_up.download_after) == (None, None)
        await settled(db)
        clock.advance(retry_wait(MAX_ATTEMPTS))
        await asyncio.sleep(0.5)  # several runs of the job: none tries it again
        assert (await attachment(db, voice)).download_attempts == MAX_ATTEMPTS
        tg.faults.clear()

        # She sends her answers and asked for a visit: the facilitator gets the card, then
        # her photo and her voice note, sent again by the same file ids.
        await siti.press("✅ Kirim")
        await said(siti, "Terima kasih! Jawaban Anda tersimpan")
        await settled(db)
        clock.advance(RULES_EVERY)  # the rules run at least this often, whatever changed
        await until(lambda: len(alert_cards(wagiyem)) == 1)
        card = alert_cards(wagiyem)[0]
        assert "Siti Rahayu (KPM-01), Jorongan\nmeminta bantuan" in card.text
        shown_photo = await media(wagiyem, "photo")
        assert photo_id(shown_photo.raw) == photo
        assert shown_photo.text.startswith("Foto terakhir dari Siti Rahayu, 12 Jan 2026")
        assert shown_photo.text.endswith("“Keripik minggu ini”")
        shown_voice = await media(wagiyem, "voice")
        assert voice_id(shown_voice.raw) == voice
        assert shown_voice.text.startswith("Pesan suara terakhir dari Siti Rahayu, 12 Jan 2026")

        # /peserta shows them too.
        await wagiyem.send_command("peserta", "Siti")
        await said(wagiyem, "Siti Rahayu (KPM-01)")
        assert photo_id((await media(wagiyem, "photo")).raw) == photo
        assert voice_id((await media(wagiyem, "voice")).raw) == voice

        # A typed note appears on the card it was added from.
        async with db.sessions() as session:
            alert = (await session.execute(select(Alert))).scalar_one()
        await wagiyem.press_data(f"a:{alert.id}:n", message_id=card.message_id)
        await said(wagiyem, "Ketik catatan Anda")
        await wagiyem.send_text("Sudah saya telepon, alatnya rusak")
        await said(wagiyem, "Catatan tersimpan.")
        typed = (
            "→ 📝 Catatan oleh Wagiyem Sulistyo, 12 Jan 09:31: “Sudah saya telepon, alatnya rusak”"
        )
        edited = await card_edited(wagiyem, card, typed)
        assert edited.text.splitlines()[0] == card.text.splitlines()[0]
        assert edited.buttons == card.buttons
        # The coordinator's board says it as the last thing done about the alert.
        await arif.send_command("peringatan")
        board = await said(arif, "Peringatan: 1")
        assert "↳ 📝 Catatan oleh Wagiyem Sulistyo, 12 Jan 09:31: Sudah saya telepon" in board.text

        # A voice note too long to copy: said on the card, sent with it, never fetched.
        await wagiyem.press_data(f"a:{alert.id}:n", message_id=card.message_id)
        await said(wagiyem, "Ketik catatan Anda")
        gets = len([call for call in tg.calls if call.method == "getFile"])
        note = voice_id(await wagiyem.send_voice(duration=90, content=b"\x00" * (MAX_BYTES + 1)))
        await said(wagiyem, "Catatan tersimpan.")
        spoken = "→ 🎤 Catatan suara oleh Wagiyem Sulistyo, 12 Jan 09:31"
        edited = await card_edited(wagiyem, card, spoken)
        assert typed in edited.text
        skipped = await settles(db, note, download_status="skipped")
        assert skipped.local_path is None
        assert len([call for call in tg.calls if call.method == "getFile"]) == gets

        # The card shown again from /peringatan: both notes, the family's media, the note.
        await wagiyem.send_command("peringatan")
        await said(wagiyem, "Peringatan terbuka untuk Anda")
        await wagiyem.press("1")
        again = await said(wagiyem, "⚠️ Siti Rahayu (KPM-01)")
        assert "“Sudah saya telepon, alatnya rusak”" in again.text
        assert "🎤 Catatan suara oleh Wagiyem Sulistyo" in again.text
        assert photo_id((await media(wagiyem, "photo")).raw) == photo
        assert voice_id((await media(wagiyem, "voice")).raw) == voice
        on_alert = await media(wagiyem, "voice")
        assert voice_id(on_alert.raw) == note
        assert on_alert.text.startswith("Catatan suara pada peringatan tentang Siti Rahayu")

    # The export says where the photo's copy is, relative to the media folder.
    exported = await kabar_command(database_url, tmp_path, "records", "export", "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(exported)))
    (record,) = [row for row in rows if row["participant_id"] == "KPM-01"]
    assert record["media_files"] == saved.local_path
    assert record["attachments"] == f"voice:{voice};photo:{photo}"
