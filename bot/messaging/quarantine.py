"""The quarantine (dead letters): updates that could not be stored or handled.

An update lands here instead of being retried forever: it is acknowledged like any other,
so one bad update holds back nobody. Each update is quarantined once (by update_id), and a
chat is told at most once an hour that a message of theirs could not be read, however many
bad updates it sends.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.dialect import insert_skipping_conflicts
from bot.db.models import QuarantinedUpdate
from bot.messaging.admission import Refused

NOTICE_EVERY = timedelta(hours=1)


@dataclass(frozen=True, slots=True)
class Entry:
    """A quarantined update as `kabar status` shows it (no body: it may hold personal data)."""

    update_id: int | None
    reason: str
    quarantined_at: datetime


async def put(session: AsyncSession, refused: Sequence[Refused], now: datetime) -> list[Refused]:
    """Set the updates aside; those not quarantined before (a redelivery is not new)."""
    added = []
    for item in refused:
        # One statement each: ON CONFLICT needs to say which rows were new.
        statement = (
            insert_skipping_conflicts(session, QuarantinedUpdate.__table__, ["update_id"])
            .values(
                update_id=item.update_id,
                chat_id=item.chat_id,
                reason=item.reason[:200],
                raw=item.raw,
                quarantined_at=now,
            )
            .returning(QuarantinedUpdate.id)
        )
        if (await session.execute(statement)).first() is not None:
            added.append(item)
    return added


async def may_notify(session: AsyncSession, chat_id: int, now: datetime) -> bool:
    """Whether the chat has not been told of a quarantined message within NOTICE_EVERY."""
    told = await session.scalar(
        select(func.count())
        .select_from(QuarantinedUpdate)
        .where(
            QuarantinedUpdate.chat_id == chat_id,
            QuarantinedUpdate.notified_at > now - NOTICE_EVERY,
        )
    )
    return not told


async def mark_notified(session: AsyncSession, update_id: int | None, now: datetime) -> None:
    if update_id is not None:
        await session.execute(
            update(QuarantinedUpdate)
            .where(QuarantinedUpdate.update_id == update_id)
            .values(notified_at=now)
        )


async def count(session: AsyncSession) -> int:
    return int(await session.scalar(select(func.count()).select_from(QuarantinedUpdate)) or 0)


async def latest(session: AsyncSession, limit: int) -> list[Entry]:
    """The most recently quarantined updates, newest first."""
    rows = await session.execute(
        select(
            QuarantinedUpdate.update_id,
            QuarantinedUpdate.reason,
            QuarantinedUpdate.quarantined_at,
        )
        .order_by(QuarantinedUpdate.quarantined_at.desc(), QuarantinedUpdate.id.desc())
        .limit(limit)
    )
    return [Entry(update_id, reason, at) for update_id, reason, at in rows]
