"""The printable sheet for many people: streamed card by card, each QR code scannable."""

from __future__ import annotations

import html
import io
import re
from datetime import UTC, datetime, timedelta

import numpy as np
import zxingcpp

from bot.db.models import Role
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


def test_every_card_carries_a_qr_code_of_its_own_link() -> None:
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
