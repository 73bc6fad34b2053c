"""Invitations as a printable A4 sheet: one card per person, grouped by who hands them out.

Each facilitator's cards start on a new page so the pages can be given to them as they are;
a card is never split across pages. Everything is inline (CSS, QR codes as SVG), so the file
can be mailed or printed offline. Every value from the roster is HTML-escaped.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from html import escape
from itertools import groupby

import segno

from bot.db.models import Role
from bot.domain.invites.issue import InviteRow
from bot.domain.invites.links import invite_link
from bot.lib.i18n import N_, Translator

ROLE_LABELS = {
    Role.PARTICIPANT: N_("participant"),
    Role.FACILITATOR: N_("facilitator"),
    Role.COORDINATOR: N_("coordinator"),
    Role.STAFF: N_("staff"),
}

_CSS = """
@page { size: A4; margin: 10mm; }
* { box-sizing: border-box; }
body { margin: 0; color: #000; font: 10pt/1.3 "Noto Sans", "DejaVu Sans", Arial, sans-serif; }
h1 { font-size: 14pt; margin: 0 0 1mm; }
.intro { margin: 0 0 4mm; }
.group { break-before: page; page-break-before: always; }
.group:first-of-type { break-before: auto; page-break-before: auto; }
.group h2 { font-size: 12pt; margin: 0 0 3mm; }
.card {
  display: inline-block; vertical-align: top; width: 94mm; margin: 0 0 3mm; padding: 4mm;
  border: 1px dashed #444; break-inside: avoid; page-break-inside: avoid;
}
.card:nth-of-type(odd) { margin-right: 2mm; }
.top { display: flex; gap: 3mm; }
.qr svg { display: block; width: 32mm; height: 32mm; }
.name { font-size: 12pt; font-weight: bold; margin: 0 0 1mm; overflow-wrap: anywhere; }
dl { margin: 0; display: grid; grid-template-columns: auto 1fr; gap: 0 2mm; }
dt { color: #444; }
dd { margin: 0; overflow-wrap: anywhere; }
.code {
  font: bold 14pt/1.2 "DejaVu Sans Mono", "Liberation Mono", "Courier New", monospace;
  letter-spacing: 0.04em; margin: 2mm 0 1mm; white-space: nowrap;
}
.link { font: 7pt monospace; word-break: break-all; color: #333; }
.how { margin: 1mm 0 0; padding-left: 4mm; font-size: 9pt; }
"""


def _qr_svg(link: str) -> str:
    # Medium error correction survives a crumpled or smudged paper card.
    return str(segno.make(link, error="m").svg_inline(scale=1, border=2, omitsize=True))


def _group_title(t: Translator, row: InviteRow) -> str:
    if row.supervisor_id is None:
        return t.gettext("Without a facilitator")
    return t.gettext("Facilitator: {name} ({id})").format(
        name=row.supervisor_name or "", id=row.supervisor_id
    )


def _field(label: str, value: str | None) -> str:
    if not value:
        return ""
    return f"<dt>{escape(label)}</dt><dd>{escape(value)}</dd>"


def _card(t: Translator, row: InviteRow, username: str | None) -> str:
    link = invite_link(username, row.code)
    place = ", ".join(part for part in (row.village, row.district) if part)
    fields = [
        _field(t.gettext("ID"), row.person_id),
        _field(t.gettext("Role"), t.gettext(ROLE_LABELS[row.role]))
        if row.role is not Role.PARTICIPANT
        else "",
        _field(t.gettext("Village"), place),
        _field(t.gettext("Cohort"), row.cohort),
        _field(
            t.gettext("Facilitator") if row.role is Role.PARTICIPANT else t.gettext("Supervisor"),
            row.supervisor_name,
        ),
        _field(
            t.gettext("Valid until"),
            t.format_date(row.expires_at, "long") if row.expires_at else None,
        ),
    ]
    if link:
        qr = f'<div class="qr">{_qr_svg(link)}</div>'
        steps = [
            t.gettext("Scan the QR code with your phone camera, or open the link."),
            t.gettext("Telegram opens the Kabar bot: press Start."),
        ]
        code_line = (
            f'<div class="code">{escape(row.code)}</div><div class="link">{escape(link)}</div>'
        )
    else:
        qr = ""
        steps = [
            t.gettext("Open Telegram and find the Kabar bot."),
            t.gettext("Send it this message:"),
        ]
        code_line = f'<div class="code">/start {escape(row.code)}</div>'
    how = "".join(f"<li>{escape(step)}</li>" for step in steps)
    return (
        '<article class="card">'
        f'<div class="top">{qr}<div class="who">'
        f'<p class="name">{escape(row.name)}</p><dl>{"".join(fields)}</dl></div></div>'
        f'<ol class="how">{how}</ol>{code_line}'
        "</article>"
    )


def _group_key(row: InviteRow) -> tuple[int, str, str]:
    # Facilitators by name; cards nobody hands out (no supervisor) come last.
    if row.supervisor_id is None:
        return (1, "", "")
    return (0, (row.supervisor_name or "").casefold(), row.supervisor_id)


def render_html(
    rows: Iterable[InviteRow],
    *,
    username: str | None,
    t: Translator,
    generated_at: datetime,
) -> str:
    """The whole sheet as one self-contained HTML document."""
    ordered = sorted(
        rows,
        key=lambda row: (
            *_group_key(row),
            (row.village or "").casefold(),
            row.name.casefold(),
            row.person_id,
        ),
    )
    sections: list[str] = []
    for _, members in groupby(ordered, key=_group_key):
        group = list(members)
        title = _group_title(t, group[0])
        count = t.gettext("Cards: {count}").format(count=t.format_number(len(group)))
        cards = "".join(_card(t, row, username) for row in group)
        sections.append(
            f'<section class="group"><h2>{escape(title)} · {escape(count)}</h2>{cards}</section>'
        )
    title = t.gettext("Kabar invitations")
    intro = t.gettext(
        "Printed {date}. Each code works once. Cut out each card and give it to the person "
        "named on it."
    ).format(date=t.format_date(generated_at, "long"))
    if not sections:
        sections.append(
            "<p>{}</p>".format(
                escape(t.gettext("Everyone is registered: there are no invitations to print."))
            )
        )
    return (
        "<!DOCTYPE html>\n"
        f'<html lang="{escape(t.locale)}"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{escape(title)}</title><style>{_CSS}</style></head><body>"
        f'<h1>{escape(title)}</h1><p class="intro">{escape(intro)}</p>'
        f"{''.join(sections)}</body></html>\n"
    )
