"""The alert board for staff and coordinators: every alert, its family and facilitator, why,
how old, and the last thing anyone did about it; unacknowledged ones first."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import case, func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from bot.db.models import Alert, AlertAction, AlertStatus, Cohort, Person
from bot.domain.cohorts import require_cohort

LIVE = (AlertStatus.OPEN, AlertStatus.ACKNOWLEDGED)


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


async def alert_board(
    session: AsyncSession,
    *,
    live_only: bool = False,
    cohort: str | None = None,
    facilitator: str | None = None,
) -> list[BoardRow]:
    """Alerts, unacknowledged first, then acknowledged, then the closed ones; oldest first
    within each. Raises CohortError for an unknown cohort."""
    family, supervisor, actor = aliased(Person), aliased(Person), aliased(Person)
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
            family.id,
            family.name,
            family.village,
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
        )
        .join(family, family.id == Alert.person_id)
        .outerjoin(Cohort, Cohort.id == family.cohort_id)
        .outerjoin(supervisor, supervisor.id == family.supervisor_id)
        .outerjoin(last, last.c.alert_id == Alert.id)
        .outerjoin(AlertAction, AlertAction.id == last.c.action_id)
        .outerjoin(actor, actor.id == AlertAction.actor_id)
        .order_by(order, Alert.opened_at, Alert.id)
    )
    if live_only:
        statement = statement.where(Alert.status.in_(LIVE))
    if cohort is not None:
        statement = statement.where(family.cohort_id == (await require_cohort(session, cohort)).id)
    if facilitator is not None:
        statement = statement.where(family.supervisor_id == facilitator)
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
        ) in rows
    ]
