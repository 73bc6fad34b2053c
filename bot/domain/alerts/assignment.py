"""Who receives a new alert: the facilitator, or straight their coordinator when the
facilitator cannot receive it."""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, and_, case, or_

from bot.domain.alerts.schema import accounts, people

FACILITATOR = "facilitator"
COORDINATOR = "coordinator"


def assignment(
    supervisor_id: ColumnElement[str | None],
) -> tuple[Any, ColumnElement[bool], ColumnElement[str], ColumnElement[str | None]]:
    """Who gets an alert: the facilitator, or their coordinator if the facilitator can't
    receive it (no Telegram account, or an unreachable one) and a coordinator exists."""
    facilitator = people.alias("facilitator")
    facilitator_account = accounts.alias("facilitator_account")
    joined = facilitator.outerjoin(
        facilitator_account, facilitator_account.c.person_id == facilitator.c.id
    )
    straight = and_(
        or_(facilitator_account.c.id.is_(None), facilitator_account.c.unreachable_at.is_not(None)),
        facilitator.c.supervisor_id.is_not(None),
    )
    level = case((straight, COORDINATOR), else_=FACILITATOR)
    assignee = case((straight, facilitator.c.supervisor_id), else_=supervisor_id)
    return (
        (joined, facilitator.c.id == supervisor_id),
        straight,
        level,
        assignee,
    )
