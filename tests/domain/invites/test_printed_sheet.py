"""The invitation sheet as it comes out of a printer: headless Chromium prints it to PDF
with its own stylesheet, and the pages are counted and looked at."""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
import pypdfium2
import zxingcpp

from bot.db.models import Role
from bot.domain.invites.codes import new_code
from bot.domain.invites.html_sheet import write_html
from bot.domain.invites.issue import InviteRow
from bot.domain.invites.links import invite_link
from bot.lib.i18n import translator
from tests.support.browser import print_to_pdf

NOW = datetime(2026, 1, 5, 1, 0, tzinfo=UTC)
DPI = 150
A4_MM = (210, 297)
LONG_COHORT = "pelatihan-pengolahan-serat-pelepah-pisang-kabupaten-probolinggo-angkatan-2026"


def rows(count: int, facilitator: str = "PDP-1") -> list[InviteRow]:
    return [
        InviteRow(
            person_id=f"KPM-{facilitator}-{number:03d}",
            name=f"Ibu Sri Wahyuningsih Rahayu Setyaningrum {number}",  # longer than a card
            role=Role.PARTICIPANT,
            code=new_code(),
            expires_at=NOW + timedelta(days=90),
            cohort=LONG_COHORT,
            village="Sumberkare Wetan",
            district="Wonomerto",
            language=None,
            supervisor_id=facilitator,
            supervisor_name="Wagiyem Sulistyo",
            is_new=True,
        )
        for number in range(count)
    ]


def printed(tmp_path: Path, cards: list[InviteRow]) -> pypdfium2.PdfDocument:
    page = tmp_path / "invitations.html"
    with page.open("w", encoding="utf-8") as out:
        write_html(cards, out, username="kabar_bot", t=translator("id"), generated_at=NOW)
    pdf = tmp_path / "invitations.pdf"
    print_to_pdf(page, pdf, tmp_path / "chromium-profile")
    return pypdfium2.PdfDocument(pdf)


def test_eight_cards_a_page_each_qr_code_at_least_2_5_cm_and_readable(tmp_path: Path) -> None:
    cards = rows(20)
    document = printed(tmp_path, cards)
    # One facilitator's 20 cards: 8 a page, the first page too (with the title).
    assert len(document) == math.ceil(20 / 8) == 3
    links = {invite_link("kabar_bot", card.code) for card in cards}
    found: list[str] = []
    for number, page in enumerate(document):
        width_mm, height_mm = (points / 72 * 25.4 for points in page.get_size())
        assert (round(width_mm), round(height_mm)) == A4_MM
        image = page.render(scale=DPI / 72).to_pil()
        if number == 0:
            # For a person to look at: `pytest --basetemp=DIR`, then DIR/…/page-1.png.
            image.save(tmp_path / "page-1.png")
        codes = zxingcpp.read_barcodes(np.asarray(image.convert("L")))
        assert len(codes) == (8 if number < 2 else 4)
        for code in codes:
            found.append(code.text)
            corners = code.position
            side_px = math.dist(
                (corners.top_left.x, corners.top_left.y), (corners.top_right.x, corners.top_right.y)
            )
            # The symbol without its quiet zone, as a camera must see it.
            assert side_px / DPI * 25.4 >= 25, side_px
    assert sorted(found) == sorted(links)


def test_each_facilitator_starts_a_page_of_their_own(tmp_path: Path) -> None:
    document = printed(tmp_path, rows(9, "PDP-1") + rows(3, "PDP-2"))
    # 9 cards: two pages; 3 more for the next facilitator start a third.
    assert len(document) == 3
