"""/peringatan for staff and coordinators: the alert board, a page at a time.

The page is built from `alert_board` filtered by `scope.visible_families` of the person
asking, so what it shows depends only on who asks, never on what a button claims.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import AlertStatus, Person
from bot.domain.alerts import board, cards
from bot.domain.facilitators.scope import visible_families
from bot.domain.facilitators.views import Page, numbered_page, page_count
from bot.lib.i18n import N_, Translator
from bot.messaging.messages import Button

# Eight entries of at most ~420 characters (names clipped) stay under Telegram's 4,096.
PER_PAGE = 8
NAME_CLIP = 40
WHEN_FORMAT = "d MMM HH:mm"

BOARD_HEADER = N_(
    "Alerts: {count}, not acknowledged: {open}. Unacknowledged ones first; "
    "tap a number to see the card and act:"
)
BOARD_ENTRY = N_(
    "{number}. {name} ({id}), {village} — {reason}\n👤 {facilitator} · {age} · {status}"
)
BOARD_LAST = N_("↳ {action}")
BOARD_NO_ACTION = N_("↳ no action yet")
NO_ALERTS = N_("No alerts.")


def _clip(text: str | None) -> str:
    if not text:
        return "—"
    return text if len(text) <= NAME_CLIP else text[: NAME_CLIP - 1] + "…"


async def board_page(
    session: AsyncSession, viewer: Person, t: Translator, page: int, now: datetime, tz: str
) -> Page:
    """Every alert on the families `viewer` may see, numbered, a button per live one."""
    scope = visible_families(viewer)
    assert scope is not None, "callers refuse participants first"
    counts = await board.board_counts(session, scope=scope)
    total = sum(counts.values())
    if total == 0:
        return Page(t.gettext(NO_ALERTS))
    pages = page_count(total, PER_PAGE)
    page = min(page, pages)
    first = (page - 1) * PER_PAGE
    rows = await board.alert_board(session, scope=scope, offset=first, limit=PER_PAGE)
    lines = [
        t.gettext(BOARD_HEADER).format(
            count=t.format_number(total),
            open=t.format_number(counts.get(AlertStatus.OPEN, 0)),
        )
    ]
    numbers: list[Button] = []
    for number, row in enumerate(rows, start=first + 1):
        row = replace(row, last_actor=_clip(row.last_actor))
        lines.append("")
        lines.append(
            t.gettext(BOARD_ENTRY).format(
                number=number,
                name=_clip(row.name),
                id=row.person_id,
                village=_clip(row.village),
                reason=board.reason_text(row, t),
                facilitator=_clip(row.facilitator),
                age=board.age_text(row, now, t),
                status=board.status_text(row, t),
            )
        )
        last = board.last_action_text(row, t, tz, WHEN_FORMAT)
        lines.append(
            t.gettext(BOARD_LAST).format(action=last)
            if last is not None
            else t.gettext(BOARD_NO_ACTION)
        )
        if row.status in board.LIVE:
            # The card handler checks may_act again: the button grants nothing by itself.
            numbers.append(Button(str(number), f"{cards.PREFIX}:{row.alert_id}:show"))
    return numbered_page(lines, numbers, page, pages, t)
