"""/tolong: a participant asks for help, and an alert opens at once (see assignment.py)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String, case, literal, null, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.dialect import insert_skipping_conflicts, pairs
from bot.db.models import Alert, AlertAction, AlertStatus
from bot.domain.alerts.assignment import assignment
from bot.domain.alerts.schema import ALERT_COLUMNS, LIVE, Rule, at, people


async def ask_for_help(
    session: AsyncSession, person_id: str, now: datetime, note: str | None
) -> Alert | None:
    """/tolong: open a help alert now. None if one is already live (the note is added to it
    as an action, so the facilitator still sees it)."""
    (fac_join, fac_on), straight, level, assignee = assignment(people.c.supervisor_id)
    rows = (
        select(
            people.c.id,
            literal(Rule.HELP.value, String(32)),
            literal(AlertStatus.OPEN.value, String(24)),
            level,
            assignee,
            null(),
            pairs(source="command", note=note),
            at(now),
            case((straight, at(now)), else_=null()),
        )
        .select_from(people.outerjoin(fac_join, fac_on))
        .where(people.c.id == person_id)
    )
    statement = (
        insert_skipping_conflicts(session, Alert).from_select(ALERT_COLUMNS, rows).returning(Alert)
    )
    alert: Alert | None = (await session.scalars(statement)).one_or_none()
    if alert is not None:
        return alert
    live = await session.scalar(
        select(Alert).where(
            Alert.person_id == person_id,
            Alert.rule == Rule.HELP.value,
            Alert.status.in_(LIVE),
        )
    )
    if live is not None and note:
        session.add(
            AlertAction(alert_id=live.id, actor_id=person_id, action="note", note=note, at=now)
        )
    return None
