"""`Person.status` kept in step with the facts: paused, else unreachable, else quiet (the
unresponsive streak), else not-producing, else active."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ColumnElement, case, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import ParticipantStatus
from bot.domain.alerts.family_facts import facts, streak
from bot.domain.alerts.schema import at, people


def _new_status() -> ColumnElement[str]:
    return case(
        (facts.c.paused, ParticipantStatus.PAUSED.value),
        (facts.c.unreachable_at.is_not(None), ParticipantStatus.UNREACHABLE.value),
        (streak(facts.c.missed_streak, facts.c.missed_threshold), ParticipantStatus.QUIET.value),
        (
            streak(facts.c.dry_streak, facts.c.dry_threshold),
            ParticipantStatus.NOT_PRODUCING.value,
        ),
        else_=ParticipantStatus.ACTIVE.value,
    )


async def sync_statuses(session: AsyncSession, now: datetime) -> int:
    status = _new_status()
    result = await session.execute(
        update(people)
        .where(people.c.id == facts.c.person_id, people.c.status != status)
        .values(status=status, updated_at=at(now))
    )
    return int(getattr(result, "rowcount", 0) or 0)
