"""The outbox: every Bot API call is a row, written in the transaction that decided it.

A sender drains the rows (see bot/tg/sender.py); a crash between deciding and sending loses
nothing, because the decision and the row commit together.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any, Literal

from sqlalchemy import Row, and_, func, insert, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import OutboxMessage, OutboxStatus, Priority
from bot.db.models.base import table_of
from bot.delivery.messages import ApiCall, Outgoing


def enqueue(
    session: AsyncSession,
    messages: Iterable[Outgoing | ApiCall],
    *,
    now: datetime,
    not_before: datetime | None = None,
) -> list[OutboxMessage]:
    rows: list[OutboxMessage] = []
    for message in messages:
        if isinstance(message, Outgoing):
            method, payload = message.api_call()
        else:
            method, payload = message.method, message.payload
        row = OutboxMessage(
            chat_id=message.chat_id,
            person_id=message.person_id,
            method=method,
            payload=payload,
            priority=message.priority,
            status=OutboxStatus.PENDING,
            not_before=not_before or now,
            attempts=0,
            created_at=now,
            dedup_key=message.dedup_key,
        )
        session.add(row)
        rows.append(row)
    return rows


async def enqueue_many(
    session: AsyncSession,
    messages: Sequence[Outgoing | ApiCall],
    *,
    now: datetime,
    not_before: datetime | None = None,
) -> None:
    """Like `enqueue`, as one multi-row INSERT (the hot path: a reply per answer)."""
    if not messages:
        return
    rows: list[dict[str, Any]] = []
    for message in messages:
        if isinstance(message, Outgoing):
            method, payload = message.api_call()
        else:
            method, payload = message.method, message.payload
        rows.append(
            {
                "chat_id": message.chat_id,
                "person_id": message.person_id,
                "method": method,
                "payload": payload,
                "priority": message.priority,
                "status": OutboxStatus.PENDING,
                "not_before": not_before or now,
                "attempts": 0,
                "created_at": now,
                "dedup_key": message.dedup_key,
            }
        )
    await session.execute(insert(table_of(OutboxMessage)), rows)


async def claim_due(
    session: AsyncSession,
    *,
    now: datetime,
    worker: str,
    limit: int,
    stale_after_s: float = 120,
    lane: Literal["replies", "bulk"] | None = None,
) -> list[Row[Any]]:
    """Claim up to `limit` due rows for this worker, most urgent first.

    `lane` takes only replies, or only bulk messages (check-ins, reminders, broadcasts);
    None takes both.
    A row stuck in `sending` longer than `stale_after_s` belonged to a worker that died
    mid-send; it is claimed again (at most the messages in flight at a crash repeat).
    Core statements on the table: the sender needs a few columns, not ORM objects.
    """
    from datetime import timedelta

    table = table_of(OutboxMessage)
    stale = now - timedelta(seconds=stale_after_s)
    due = (
        select(table.c.id)
        .where(
            or_(
                and_(table.c.status == OutboxStatus.PENDING, table.c.not_before <= now),
                and_(table.c.status == OutboxStatus.SENDING, table.c.claimed_at < stale),
            )
        )
        .order_by(table.c.priority, table.c.not_before, table.c.id)
        .limit(limit)
    )
    if lane == "replies":
        due = due.where(table.c.priority == Priority.REPLY)
    elif lane == "bulk":
        due = due.where(table.c.priority != Priority.REPLY)
    if session.bind is not None and session.bind.dialect.name == "postgresql":
        due = due.with_for_update(skip_locked=True)
    ids = list((await session.execute(due)).scalars())
    if not ids:
        return []
    # A conditional UPDATE is the claim on SQLite, where FOR UPDATE does not exist.
    claimed = await session.execute(
        update(table)
        .where(
            table.c.id.in_(ids),
            or_(
                table.c.status == OutboxStatus.PENDING,
                and_(table.c.status == OutboxStatus.SENDING, table.c.claimed_at < stale),
            ),
        )
        .values(
            status=OutboxStatus.SENDING,
            claimed_at=now,
            claimed_by=worker,
            attempts=table.c.attempts + 1,
        )
        .returning(
            table.c.id,
            table.c.chat_id,
            table.c.method,
            table.c.payload,
            table.c.attempts,
            table.c.priority,
            table.c.not_before,
        )
    )
    rows = list(claimed.all())
    rows.sort(key=lambda row: (row.priority, row.not_before, row.id))
    return rows


async def pending_count(session: AsyncSession) -> int:
    result = await session.execute(
        select(func.count())
        .select_from(OutboxMessage)
        .where(OutboxMessage.status.in_([OutboxStatus.PENDING, OutboxStatus.SENDING]))
    )
    return int(result.scalar_one())
