"""How a facilitator's families answered, round by round, counted in SQL."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import case, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import FollowUpRecord, Person, RecordStatus, Role, Round


@dataclass(frozen=True, slots=True)
class RoundActivity:
    opened_at: datetime
    producing: int
    not_producing: int
    unfinished: int
    missed: int


async def activity(
    session: AsyncSession, facilitator_id: str, *, rounds: int = 12
) -> list[RoundActivity]:
    """The last `rounds` rounds their families were asked in, oldest first."""
    record, family = FollowUpRecord, Person
    answered = record.status == RecordStatus.ANSWERED
    rows = (
        await session.execute(
            select(
                Round.id,
                Round.opened_at,
                func.sum(case((answered & (record.produced.is_(True)), 1), else_=0)),
                func.sum(case((answered & (record.produced.is_not(True)), 1), else_=0)),
                func.sum(case((record.status == RecordStatus.PARTIAL, 1), else_=0)),
                func.sum(case((record.status == RecordStatus.MISSED, 1), else_=0)),
            )
            .join(record, record.round_id == Round.id)
            .join(family, family.id == record.person_id)
            .where(family.supervisor_id == facilitator_id, family.role == Role.PARTICIPANT)
            .group_by(Round.id, Round.opened_at)
            .order_by(Round.opened_at.desc(), Round.id.desc())
            .limit(rounds)
        )
    ).all()
    return [
        RoundActivity(opened, int(yes or 0), int(no or 0), int(part or 0), int(miss or 0))
        for _id, opened, yes, no, part, miss in reversed(rows)
    ]
