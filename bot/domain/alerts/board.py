"""The alert board for staff and coordinators: every alert, its family and facilitator, why,
how old, and the last thing anyone did about it; unacknowledged ones first."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, case, func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from bot.db.models import Alert, AlertAction, AlertStatus, Cohort, Person
from bot.domain.alerts.cards import ACTION_LABELS, REASONS
from bot.domain.alerts.notes import note_text
from bot.domain.cohorts import require_cohort
from bot.lib.i18n import N_, Translator

LIVE = (AlertStatus.OPEN, AlertStatus.ACKNOWLEDGED)
STATUS_WORDS = {
    AlertStatus.OPEN: N_("not acknowledged"),
    AlertStatus.ACKNOWLEDGED: N_("acknowledged"),
    AlertStatus.RESOLVED: N_("resolved"),
    AlertStatus.CLOSED: N_("closed by itself"),
}
WITH_COORDINATOR = N_("{status}, with the coordinator")
LAST_ACTION = N_("{action} by {name}, {when}")
LAST_NOTE = N_("📝 Note by {name}, {when}: {note}")


@dataclass(frozen=True, slots=True)
class BoardRow:
    alert_id: int
    person_id: str
    name: str
    village: str | None
    cohort: str | None
    facilitator_id: str | None  # the family's facilitator (whom the alert went to first)
    facilitator: str | None
    rule: str
    status: AlertStatus
    level: str  # facilitator, or coordinator once escalated
    opened_at: datetime
    last_action: str | None
    last_action_at: datetime | None
    last_actor: str | None
    last_note: str | None = None  # a note's words, when the last action is a note


async def alert_board(
    session: AsyncSession,
    *,
    live_only: bool = False,
    cohort: str | None = None,
    facilitator: str | None = None,
    scope: ColumnElement[bool] | None = None,
    offset: int = 0,
    limit: int | None = None,
) -> list[BoardRow]:
    """Alerts, unacknowledged first, then acknowledged, then the closed ones; oldest first
    within each. `scope` is a filter on the family (`Person`), as from
    `facilitators.scope.visible_families`. Raises CohortError for an unknown cohort."""
    supervisor, actor = aliased(Person), aliased(Person)
    last = (
        select(AlertAction.alert_id, func.max(AlertAction.id).label("action_id"))
        .group_by(AlertAction.alert_id)
        .subquery()
    )
    order = case(
        (Alert.status == AlertStatus.OPEN, 0),
        (Alert.status == AlertStatus.ACKNOWLEDGED, 1),
        else_=2,
    )
    statement = (
        select(
            Alert.id,
            Person.id,
            Person.name,
            Person.village,
            Cohort.name,
            supervisor.id,
            supervisor.name,
            Alert.rule,
            Alert.status,
            Alert.level,
            Alert.opened_at,
            AlertAction.action,
            AlertAction.at,
            actor.name,
            AlertAction.note,
        )
        .join(Person, Person.id == Alert.person_id)
        .outerjoin(Cohort, Cohort.id == Person.cohort_id)
        .outerjoin(supervisor, supervisor.id == Person.supervisor_id)
        .outerjoin(last, last.c.alert_id == Alert.id)
        .outerjoin(AlertAction, AlertAction.id == last.c.action_id)
        .outerjoin(actor, actor.id == AlertAction.actor_id)
        .where(*await _filters(session, live_only, cohort, facilitator, scope))
        .order_by(order, Alert.opened_at, Alert.id)
        .offset(offset)
        .limit(limit)
    )
    rows = (await session.execute(statement)).all()
    return [
        BoardRow(
            alert_id=alert_id,
            person_id=person_id,
            name=name,
            village=village,
            cohort=cohort_name,
            facilitator_id=facilitator_id,
            facilitator=facilitator_name,
            rule=rule,
            status=status,
            level=level,
            opened_at=opened_at,
            last_action=action,
            last_action_at=action_at,
            last_actor=actor_name,
            last_note=note,
        )
        for (
            alert_id,
            person_id,
            name,
            village,
            cohort_name,
            facilitator_id,
            facilitator_name,
            rule,
            status,
            level,
            opened_at,
            action,
            action_at,
            actor_name,
            note,
        ) in rows
    ]


async def board_counts(
    session: AsyncSession, *, scope: ColumnElement[bool] | None = None
) -> dict[AlertStatus, int]:
    """How many alerts of each status the board (with the same `scope`) holds."""
    rows = await session.execute(
        select(Alert.status, func.count())
        .join(Person, Person.id == Alert.person_id)
        .where(*await _filters(session, False, None, None, scope))
        .group_by(Alert.status)
    )
    return {status: count for status, count in rows.all()}


async def _filters(
    session: AsyncSession,
    live_only: bool,
    cohort: str | None,
    facilitator: str | None,
    scope: ColumnElement[bool] | None,
) -> list[ColumnElement[bool]]:
    """The board's filters, on Alert and on the family as `Person`."""
    found: list[ColumnElement[bool]] = []
    if live_only:
        found.append(Alert.status.in_(LIVE))
    if cohort is not None:
        found.append(Person.cohort_id == (await require_cohort(session, cohort)).id)
    if facilitator is not None:
        found.append(Person.supervisor_id == facilitator)
    if scope is not None:
        found.append(scope)
    return found


# How the CLI table and the Telegram board say a row, in the reader's language.


def age_days(row: BoardRow, now: datetime) -> int:
    return max((now - row.opened_at).days, 0)


def age_text(row: BoardRow, now: datetime, t: Translator) -> str:
    days = age_days(row, now)
    return t.ngettext("{count} day", "{count} days", days).format(count=t.format_number(days))


def reason_text(row: BoardRow, t: Translator) -> str:
    return t.gettext(REASONS[row.rule]) if row.rule in REASONS else row.rule


def status_text(row: BoardRow, t: Translator) -> str:
    status = t.gettext(STATUS_WORDS[row.status])
    if row.level == "coordinator":
        return t.gettext(WITH_COORDINATOR).format(status=status)
    return status


def last_action_text(row: BoardRow, t: Translator, tz: str, fmt: str) -> str | None:
    """ "Contacted by Wagiyem, 4 Jan 10:00"; None when nobody has acted yet."""
    if row.last_action is None or row.last_action_at is None:
        return None
    if row.last_action == "note" and row.last_note:
        # The note itself: the words typed, or that a voice note is there to hear.
        return t.gettext(LAST_NOTE).format(
            name=row.last_actor or "—",
            when=t.format_datetime(row.last_action_at, tz, fmt),
            note=note_text(row.last_note, t),
        )
    label = ACTION_LABELS.get(row.last_action)
    return t.gettext(LAST_ACTION).format(
        action=t.gettext(label) if label else row.last_action,
        name=row.last_actor or "—",
        when=t.format_datetime(row.last_action_at, tz, fmt),
    )
