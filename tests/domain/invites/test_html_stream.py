"""The printable sheet for many people: streamed card by card, each QR code scannable."""

from __future__ import annotations

import asyncio
import html
import io
import os
import pty
import re
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
import pytest
import zxingcpp

from bot.db.database import Database
from bot.db.models import Person, Role
from bot.domain.invites import html_sheet
from bot.domain.invites.codes import new_code
from bot.domain.invites.html_sheet import write_html
from bot.domain.invites.issue import InviteRow
from bot.lib.i18n import translator

NOW = datetime(2026, 1, 5, 1, 0, tzinfo=UTC)
CARD = re.compile(
    r'<article class="card">.*?<svg viewBox="0 0 (\d+) \1"[^>]*><path stroke="#000" '
    r'd="([^"]+)"/></svg>.*?<div class="link">([^<]+)</div></article>'
)


def _rows(count: int) -> list[InviteRow]:
    return [
        InviteRow(
            person_id=f"KPM-{number:05d}",
            name=f"Ibu {number}",
            role=Role.PARTICIPANT,
            code=new_code(),
            expires_at=NOW + timedelta(days=90),
            cohort="kopi",
            village="Jorongan",
            district=None,
            language=None,
            supervisor_id=f"PDP-{number % 3}",
            supervisor_name=f"Pendamping {number % 3}",
            is_new=True,
        )
        for number in range(count)
    ]


def _decode(size: int, path: str) -> str:
    """Draw the card's SVG path as a phone camera would see it, and read it."""
    modules = np.full((size, size), 255, np.uint8)
    for top, runs in re.findall(r"M2 (\d+)\.5((?:m\d+ 0h\d+)*)", path):
        x = 2
        for gap, length in re.findall(r"m(\d+) 0h(\d+)", runs):
            x += int(gap)
            modules[int(top), x : x + int(length)] = 0
            x += int(length)
    picture = np.kron(modules, np.ones((4, 4), np.uint8))
    found = zxingcpp.read_barcode(picture)
    assert found is not None
    return str(found.text)


@pytest.mark.parametrize("pool_from", [10_000, 10], ids=["here", "pool"])
def test_every_card_carries_a_qr_code_of_its_own_link(
    pool_from: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A large sheet has its codes made by a pool of processes: still each on its own card.
    monkeypatch.setattr(html_sheet, "_PARALLEL_MIN_CODES", pool_from)
    out = io.StringIO()
    written = write_html(
        _rows(40), out, username="kabar_test_bot", t=translator("en"), generated_at=NOW
    )
    cards = CARD.findall(out.getvalue())
    assert written == len(cards) == 40
    for size, path, link in cards:
        assert _decode(int(size), path) == html.unescape(link)
    assert len({link for _size, _path, link in cards}) == 40


class _Recorder(io.StringIO):
    def __init__(self) -> None:
        super().__init__()
        self.sizes: list[int] = []

    def write(self, text: str) -> int:
        self.sizes.append(len(text))
        return super().write(text)


def test_the_sheet_is_written_card_by_card_with_progress() -> None:
    out = _Recorder()
    progress: list[tuple[int, int]] = []
    write_html(
        _rows(300),
        out,
        username="kabar_test_bot",
        t=translator("en"),
        generated_at=NOW,
        on_progress=lambda done, total: progress.append((done, total)),
    )
    # Never the whole sheet (about a megabyte) in one piece: a card at a time.
    assert sum(out.sizes) > 500_000
    assert max(out.sizes) < 10_000
    assert progress == [(done, 300) for done in range(1, 301)]


def _seed_staff(database_url: str, count: int) -> None:
    async def main() -> None:
        db = Database(database_url)
        try:
            async with db.transaction() as session:
                session.add_all(
                    Person(
                        id=f"STF-{number:05d}",
                        role=Role.STAFF,
                        name=f"Staf {number}",
                        created_at=NOW,
                        updated_at=NOW,
                    )
                    for number in range(count)
                )
        finally:
            await db.dispose()

    asyncio.run(main())


def _on_a_terminal(database_url: str, workdir: Path, *args: str) -> str:
    """What `kabar invites ARGS` shows on standard error when that is a terminal."""
    master, slave = pty.openpty()
    environment = dict(
        os.environ,
        KABAR_DATABASE_URL=database_url,
        KABAR_LOCALE="en",
        KABAR_BOT_USERNAME="kabar_test_bot",
        TERM="xterm-256color",
        COLUMNS="100",
    )
    process = subprocess.Popen(
        [sys.executable, "-m", "bot", "invites", *args],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=slave,
        env=environment,
        cwd=workdir,
    )
    os.close(slave)
    shown = bytearray()
    while True:  # read as it comes, so that a full terminal buffer never blocks kabar
        try:
            chunk = os.read(master, 4096)
        except OSError:  # the terminal closed: kabar has ended
            break
        if not chunk:
            break
        shown += chunk
    os.close(master)
    assert process.wait(timeout=120) == 0, shown.decode(errors="replace")
    return shown.decode(errors="replace")


def test_a_progress_bar_on_a_terminal_unless_quiet(database_url: str, tmp_path: Path) -> None:
    _seed_staff(database_url, 2_500)
    sheet = tmp_path / "sheet.html"
    shown = _on_a_terminal(database_url, tmp_path, "--format", "html", "--output", str(sheet))
    assert "Making cards" in shown
    assert "2,500 invitations (2,500 new) written to" in shown
    page = sheet.read_text(encoding="utf-8")
    # The codes were made by the pool of processes, the bar drawn beside it: all there.
    assert page.count('<article class="card">') == page.count("<svg") == 2_500
    quiet = _on_a_terminal(
        database_url, tmp_path, "--format", "html", "--quiet", "--output", str(sheet)
    )
    assert quiet == ""
