"""A broadcast's delivery report, person by person: who did not get it, and why."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import literal, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import (
    Broadcast,
    BroadcastSkip,
    BroadcastStatus,
    OutboxMessage,
    OutboxStatus,
    Person,
    TelegramAccount,
)
from bot.domain.broadcasts.errors import BroadcastError
from bot.domain.broadcasts.lifecycle import MSG_NO_SUCH
from bot.messaging.cancels import CANCELLED

# Why a person did not get it, as the report's `reason` column says.
REASONS = ("paused", "unreachable", "no-figures", "blocked", "failed", "cancelled", "waiting")


@dataclass(frozen=True, slots=True)
class Undelivered:
    person_id: str
    name: str
    village: str | None
    reason: str  # one of REASONS
    detail: str  # Telegram's words for a failure; empty otherwise


async def undelivered(session: AsyncSession, broadcast_id: int) -> list[Undelivered]:
    """Everyone in the audience who has not got it, by reason then id."""
    skipped = select(
        BroadcastSkip.person_id, BroadcastSkip.reason, literal("").label("detail")
    ).where(BroadcastSkip.broadcast_id == broadcast_id)
    outbox = OutboxMessage
    unsent = (
        select(outbox.person_id, outbox.status, outbox.error, TelegramAccount.unreachable_at)
        .outerjoin(TelegramAccount, TelegramAccount.person_id == outbox.person_id)
        .where(outbox.broadcast_id == broadcast_id, outbox.status != OutboxStatus.SENT)
    )
    rows: list[tuple[str, str, str]] = [
        (person_id, reason, detail) for person_id, reason, detail in await session.execute(skipped)
    ]
    for person_id, status, error, gone in await session.execute(unsent):
        if person_id is None:
            continue  # every broadcast row names its person
        if status in (OutboxStatus.PENDING, OutboxStatus.SENDING):
            rows.append((person_id, "waiting", ""))
        elif error == CANCELLED:
            rows.append((person_id, "cancelled", ""))
        elif gone is not None:
            rows.append((person_id, "blocked", error or ""))
        else:
            rows.append((person_id, "failed", error or ""))
    people = {
        person.id: person
        for person in await session.scalars(
            select(Person).where(Person.id.in_([row[0] for row in rows]))
        )
    }
    found = [
        Undelivered(pid, people[pid].name, people[pid].village, reason, detail)
        for pid, reason, detail in rows
        if pid in people
    ]
    found.sort(key=lambda u: (REASONS.index(u.reason), u.person_id))
    return found


@dataclass(frozen=True, slots=True)
class Overview:
    id: int
    status: BroadcastStatus
    actor: str
    audience: str
    send_at: datetime
    repeat: str | None
    parent_id: int | None
    recipients: int | None
    skipped: int | None
    text: str


async def overview(session: AsyncSession, *, limit: int = 50) -> list[Overview]:
    """The latest broadcasts, newest first."""
    found = await session.scalars(select(Broadcast).order_by(Broadcast.id.desc()).limit(limit))
    return [
        Overview(
            b.id,
            b.status,
            b.actor,
            b.audience,
            b.send_at,
            b.repeat,
            b.parent_id,
            b.recipients,
            b.skipped,
            b.text,
        )
        for b in found
        if b.status is not BroadcastStatus.DRAFT
    ]


async def require(session: AsyncSession, broadcast_id: int) -> Broadcast:
    found = await session.get(Broadcast, broadcast_id)
    if found is None or found.status is BroadcastStatus.DRAFT:
        raise BroadcastError(MSG_NO_SUCH, id=broadcast_id)
    return found
