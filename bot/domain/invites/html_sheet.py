"""Invitations as a printable A4 sheet: one card per person, grouped by who hands them out.

Each facilitator's cards start on a new page so the pages can be given to them as they are;
a card is never split across pages. Everything is inline (CSS, QR codes as SVG), so the file
can be mailed or printed offline. Every value from the roster is HTML-escaped.

The sheet is written card by card to a stream, so 100,000 cards (some 260 MB of HTML) are
never held in memory. Each QR code is made once, by zxing-cpp's C++ encoder (about 0.2 ms
where the pure-Python segno took 4 ms: ten minutes for a regency's sheet), on every core
for a large sheet (docs/PERFORMANCE.md).
"""

from __future__ import annotations

import io
import multiprocessing
import os
import re
from collections.abc import Callable, Generator, Iterable, Mapping
from datetime import datetime
from html import escape
from itertools import groupby
from typing import TextIO

import zxingcpp

from bot.db.models import Role
from bot.domain.invites.issue import InviteRow
from bot.domain.invites.links import invite_link, username_for
from bot.lib.i18n import N_, Translator

ROLE_LABELS = {
    Role.PARTICIPANT: N_("participant"),
    Role.FACILITATOR: N_("facilitator"),
    Role.COORDINATOR: N_("coordinator"),
    Role.STAFF: N_("staff"),
    Role.PARTNER: N_("buying partner (mitra)"),
}

_CSS = """
@page { size: A4; margin: 8mm; }
* { box-sizing: border-box; }
body { margin: 0; color: #000; font: 8.5pt/1.25 "Noto Sans", "DejaVu Sans", Arial, sans-serif; }
h1 { font-size: 12pt; margin: 0 0 1mm; }
.intro { margin: 0 0 2mm; }
.group { break-before: page; page-break-before: always; }
.group:first-of-type { break-before: auto; page-break-before: auto; }
.group h2 { font-size: 10pt; margin: 0 0 2mm; }
/* Two columns of four cards on A4 (8 a page): a fixed size, so a long name or place
   cannot push a card onto the next page; the dashed border is where to cut. */
.card {
  display: inline-block; vertical-align: top; width: 97mm; height: 64mm; margin: 0;
  padding: 3mm 4mm; overflow: hidden; border: 0.3mm dashed #444;
  break-inside: avoid; page-break-inside: avoid;
}
.top { display: flex; gap: 3mm; }
.qr svg { display: block; width: 30mm; height: 30mm; } /* the symbol at least 2.5 cm */
.who { min-width: 0; flex: 1; }
/* A person's name matters most on the card: up to two lines before it is shortened. */
.name {
  font-size: 11pt; font-weight: bold; margin: 0 0 1mm; overflow-wrap: anywhere;
  display: -webkit-box; -webkit-line-clamp: 2; -webkit-box-orient: vertical; overflow: hidden;
}
dl { margin: 0; display: grid; grid-template-columns: auto minmax(0, 1fr); gap: 0 2mm; }
dt { color: #444; }
/* One line each: a long cohort or village name is shortened with "…", not wrapped. */
dd { margin: 0; white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
.code {
  font: bold 13pt/1.2 "DejaVu Sans Mono", "Liberation Mono", "Courier New", monospace;
  letter-spacing: 0.04em; margin: 1mm 0 0; white-space: nowrap;
}
.link { font: 6.5pt monospace; word-break: break-all; color: #333; }
.how { margin: 1.5mm 0 0; padding-left: 4mm; font-size: 8pt; }
@media screen {
  body { max-width: 200mm; margin: 5mm auto; }
}
"""


# Quiet zone around the symbol, in modules (the page margin and the card's padding add more).
_QR_BORDER = 2
_DARK_RUN = re.compile(rb"\x00+")  # zxing-cpp's image: 0 is a dark module, 255 a light one
# Path pieces by number, made once: a hundred thousand codes repeat the same few hundred.
# A row starts at its left edge ("M2 7.5"); each run of dark modules is a move from the end
# of the last one and a stroke ("m3 0h2").
_MAX_SIZE = 177 + 2 * _QR_BORDER  # QR version 40
_ROW_START = [f"M{_QR_BORDER} {y + _QR_BORDER}.5" for y in range(_MAX_SIZE)]
_RUN = [[f"m{gap} 0h{length}" for length in range(_MAX_SIZE)] for gap in range(_MAX_SIZE)]

# From this many codes on, they are made by a pool of processes, one per core.
_PARALLEL_MIN_CODES = 2000

# Called after each card with (cards written, cards in all).
SheetProgress = Callable[[int, int], None]


def qr_svg(link: str) -> str:
    """The link's QR code as inline SVG: one path, a stroke per run of dark modules."""
    # Medium error correction survives a crumpled or smudged paper card.
    symbol = zxingcpp.create_barcode(link, zxingcpp.BarcodeFormat.QRCode, ec_level="M")
    image = symbol.to_image(add_quiet_zones=False)
    size = int(image.shape[0])
    # One byte per module, row after row (a buffer, though the stub does not say so).
    pixels = memoryview(image).tobytes()  # type: ignore[arg-type]
    parts: list[str] = []
    for y in range(size):
        parts.append(_ROW_START[y])
        row_start = end = y * size
        for run in _DARK_RUN.finditer(pixels, row_start, row_start + size):
            start = run.start()
            parts.append(_RUN[start - end][run.end() - start])
            end = run.end()
    full = size + 2 * _QR_BORDER
    return (
        f'<svg viewBox="0 0 {full} {full}" class="qr-code">'
        f'<path stroke="#000" d="{"".join(parts)}"/></svg>'
    )


def _group_title(t: Translator, row: InviteRow) -> str:
    if row.supervisor_id is None:
        return t.gettext("Without a facilitator")
    return t.gettext("Facilitator: {name} ({id})").format(
        name=row.supervisor_name or "", id=row.supervisor_id
    )


def _field(label: str, value: str | None) -> str:
    if not value:
        return ""
    return f"<dt>{label}</dt><dd>{escape(value)}</dd>"


class _Cards:
    """Cards in one language: labels translated and escaped once, dates formatted once each
    (a sheet of 100,000 has a handful of expiry dates)."""

    def __init__(self, t: Translator) -> None:
        self.t = t
        label = {
            key: escape(t.gettext(text))
            for key, text in (
                ("id", N_("ID")),
                ("role", N_("Role")),
                ("village", N_("Village")),
                ("cohort", N_("Cohort")),
                ("facilitator", N_("Facilitator")),
                ("supervisor", N_("Supervisor")),
                ("valid", N_("Valid until")),
            )
        }
        self.label = label
        self.roles = {role: t.gettext(text) for role, text in ROLE_LABELS.items()}
        self.steps_link = self._steps(
            N_("Scan the QR code with your phone camera, or open the link."),
            N_("Telegram opens the Kabar bot: press Start."),
        )
        self.steps_typed = self._steps(
            N_("Open Telegram and find the Kabar bot."), N_("Send it this message:")
        )
        self._dates: dict[datetime, str] = {}

    def _steps(self, *steps: str) -> str:
        return "".join(f"<li>{escape(self.t.gettext(step))}</li>" for step in steps)

    def _date(self, value: datetime) -> str:
        text = self._dates.get(value)
        if text is None:
            text = self._dates[value] = self.t.format_date(value, "long")
        return text

    def card(self, row: InviteRow, link: str, qr: str) -> str:
        """One card; `link` and `qr` (its SVG) empty when the bot's username is unknown."""
        label = self.label
        place = ", ".join(part for part in (row.village, row.district) if part)
        participant = row.role is Role.PARTICIPANT
        fields = (
            _field(label["id"], row.person_id)
            + ("" if participant else _field(label["role"], self.roles[row.role]))
            + _field(label["village"], place)
            + _field(label["cohort"], row.cohort)
            + _field(label["facilitator" if participant else "supervisor"], row.supervisor_name)
            + _field(label["valid"], self._date(row.expires_at) if row.expires_at else None)
        )
        if link:
            top = f'<div class="qr">{qr}</div>'
            how = self.steps_link
            code_line = (
                f'<div class="code">{escape(row.code)}</div><div class="link">{escape(link)}</div>'
            )
        else:
            top = ""
            how = self.steps_typed
            code_line = f'<div class="code">/start {escape(row.code)}</div>'
        return (
            '<article class="card">'
            f'<div class="top">{top}<div class="who">'
            f'<p class="name">{escape(row.name)}</p><dl>{fields}</dl></div></div>'
            f'<ol class="how">{how}</ol>{code_line}'
            "</article>"
        )


def _qr_codes(links: list[str]) -> Generator[str, None, None]:
    """Each link's QR code, in order: on every core for a large sheet (the codes are most
    of its time), here for a small one (no processes to start)."""
    processes = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else 1
    if processes < 2 or len(links) < _PARALLEL_MIN_CODES:
        yield from map(qr_svg, links)
        return
    # Forked on Linux (cheap, and counted in the command's own CPU time); started before
    # the first card is written, so before a progress bar's thread is (bot/cli/invites.py).
    with multiprocessing.Pool(processes) as pool:
        yield from pool.imap(qr_svg, links, chunksize=256)


def _group_key(row: InviteRow) -> tuple[int, str, str]:
    # Facilitators by name; cards nobody hands out (no supervisor) come last.
    if row.supervisor_id is None:
        return (1, "", "")
    return (0, (row.supervisor_name or "").casefold(), row.supervisor_id)


def write_html(
    rows: Iterable[InviteRow],
    out: TextIO,
    *,
    username: str | None,
    t: Translator,
    generated_at: datetime,
    on_progress: SheetProgress | None = None,
    by_cohort: Mapping[str, str] | None = None,
) -> int:
    """Write the whole sheet, one self-contained HTML document, to `out`; return the cards.
    A cohort in `by_cohort` has its own bot: its cards' links and QR codes open that bot."""
    ordered = sorted(
        rows,
        key=lambda row: (
            *_group_key(row),
            (row.village or "").casefold(),
            row.name.casefold(),
            row.person_id,
        ),
    )
    title = t.gettext("Kabar invitations")
    intro = t.gettext(
        "Printed {date}. Each code works once. Cut out each card and give it to the person "
        "named on it."
    ).format(date=t.format_date(generated_at, "long"))
    out.write(
        "<!DOCTYPE html>\n"
        f'<html lang="{escape(t.locale)}"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{escape(title)}</title><style>{_CSS}</style></head><body>"
        f'<h1>{escape(title)}</h1><p class="intro">{escape(intro)}</p>'
    )
    if not ordered:
        out.write(
            "<p>{}</p>".format(
                escape(t.gettext("Everyone is registered: there are no invitations to print."))
            )
        )
    cards = _Cards(t)
    links = [
        invite_link(username_for(username, by_cohort, row.cohort), row.code) for row in ordered
    ]
    qr_codes = _qr_codes([link for link in links if link])  # in order, for the cards with one
    written = 0
    try:
        for _, members in groupby(ordered, key=_group_key):
            group = list(members)
            heading = _group_title(t, group[0])
            count = t.gettext("Cards: {count}").format(count=t.format_number(len(group)))
            out.write(f'<section class="group"><h2>{escape(heading)} · {escape(count)}</h2>')
            for row in group:
                link = links[written]
                out.write(cards.card(row, link, next(qr_codes) if link else ""))
                written += 1
                if on_progress is not None:
                    on_progress(written, len(ordered))
            out.write("</section>")
    finally:
        qr_codes.close()  # ends the pool of processes now, not when collected
    out.write("</body></html>\n")
    return written


def render_html(
    rows: Iterable[InviteRow],
    *,
    username: str | None,
    t: Translator,
    generated_at: datetime,
) -> str:
    """The whole sheet as one string (for a few cards; `write_html` streams)."""
    out = io.StringIO()
    write_html(rows, out, username=username, t=t, generated_at=generated_at)
    return out.getvalue()
