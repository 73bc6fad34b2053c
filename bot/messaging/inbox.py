"""Received updates, stored (deduplicated by update_id) before Telegram is told we have them.

Several workers may share one PostgreSQL inbox. A worker claims only the oldest unprocessed
update of each chat that no live worker holds (`claim_heads`), so a chat's updates are
handled one at a time and in order, and chats in parallel across workers. While an update
is handled its row stays locked (`take`), so nobody can take the claim over mid-way. On
SQLite there is one process, which reads the backlog directly (`unprocessed`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Row, bindparam, or_, select, text, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.dialect import claimant_gone_sql, insert_ignore
from bot.db.models import InboxUpdate
from bot.messaging import admission
from bot.messaging.admission import Storable

MAX_ATTEMPTS = 3
# A claim whose worker is still alive but has not started on it for this long is taken
# over (a claim of a dead worker is taken over at once, see claimant_gone_sql).
STALE_CLAIM_S = 30.0


@dataclass(frozen=True, slots=True)
class Claimed:
    update_id: int
    payload: dict[str, Any]


async def store(session: AsyncSession, updates: Sequence[dict[str, Any]], now: datetime) -> None:
    """Keep each update once, however often Telegram delivers it; ValueError if one of them
    cannot be stored (receivers check first: bot/tg/intake.py)."""
    checked = [admission.check(u) for u in updates]
    for item in checked:
        if isinstance(item, admission.Refused):
            raise ValueError(f"update {item.update_id} cannot be stored: {item.reason}")
    await store_checked(session, [item for item in checked if isinstance(item, Storable)], now)


async def store_checked(session: AsyncSession, updates: Sequence[Storable], now: datetime) -> None:
    """Keep each checked update once, however often Telegram delivers it."""
    rows = [
        {
            "update_id": u.update_id,
            "chat_id": u.chat_id,
            "payload": u.payload,
            "raw": u.raw,
            "received_at": now,
            "attempts": 0,
        }
        for u in updates
    ]
    await insert_ignore(session, InboxUpdate.__table__, rows, ["update_id"])  # type: ignore[arg-type]


_BACKLOG = (
    select(InboxUpdate.update_id, InboxUpdate.chat_id, InboxUpdate.payload)
    .where(InboxUpdate.processed_at.is_(None))
    .order_by(InboxUpdate.update_id)
    .limit(bindparam("limit"))
)


async def unprocessed(session: AsyncSession, limit: int) -> list[Row[tuple[int, int | None, Any]]]:
    """The backlog in arrival order, (update_id, chat_id, payload) rows (SQLite: the only
    process reading the inbox). Columns, not ORM objects: they are only read."""
    return list(await session.execute(_BACKLOG, {"limit": limit}))


# The oldest unprocessed update of each chat (updates without a chat stand alone), when
# nobody holds it. FOR UPDATE … SKIP LOCKED passes over heads another worker is claiming
# or handling right now; the quals on `i` are rechecked against the newest row version.
_CLAIMABLE_HEADS = """
WITH heads AS (
    SELECT DISTINCT ON (chat_id, CASE WHEN chat_id IS NULL THEN update_id END) update_id
    FROM inbox_updates
    WHERE processed_at IS NULL
    ORDER BY chat_id, CASE WHEN chat_id IS NULL THEN update_id END, update_id
)
SELECT i.update_id
FROM inbox_updates AS i JOIN heads AS h ON h.update_id = i.update_id
WHERE i.processed_at IS NULL
  AND (i.claimed_by IS NULL OR i.claimed_at < :stale OR {gone})
ORDER BY i.update_id
LIMIT :limit
FOR UPDATE OF i SKIP LOCKED
"""


async def claim_heads(
    session: AsyncSession,
    *,
    worker: str,
    now: datetime,
    limit: int,
    stale_after_s: float = STALE_CLAIM_S,
) -> list[Claimed]:
    """Claim up to `limit` updates for `worker`, at most one per chat (PostgreSQL).

    Commit right after, so other workers see the claims; handle each with `take`.
    """
    stale = now - timedelta(seconds=stale_after_s)
    query = text(_CLAIMABLE_HEADS.format(gone=claimant_gone_sql("i.claimed_by")))
    ids = list((await session.execute(query, {"stale": stale, "limit": limit})).scalars())
    if not ids:
        return []
    # Re-checked with a fresh snapshot: a claim another worker committed after the query's
    # snapshot must win, not be overwritten.
    claimed = await session.execute(
        update(InboxUpdate)
        .where(
            InboxUpdate.update_id.in_(ids),
            InboxUpdate.processed_at.is_(None),
            or_(
                InboxUpdate.claimed_by.is_(None),
                InboxUpdate.claimed_by == worker,
                InboxUpdate.claimed_at < stale,
                text(claimant_gone_sql("inbox_updates.claimed_by")),
            ),
        )
        .values(claimed_by=worker, claimed_at=now)
        .returning(InboxUpdate.update_id, InboxUpdate.payload)
        .execution_options(synchronize_session=False)
    )
    rows = [Claimed(int(update_id), payload) for update_id, payload in claimed.all()]
    rows.sort(key=lambda row: row.update_id)
    return rows


async def take(session: AsyncSession, update_id: int, worker: str | None, now: datetime) -> bool:
    """Mark an update handled, in the transaction that handles it; False if not ours.

    One conditional UPDATE: it also locks the row on PostgreSQL until the transaction ends,
    so a claim cannot be taken over while the handler runs; if the handler fails, the
    rollback un-marks it. With a `worker`, the claim must still be ours.
    """
    return update_id in await take_many(session, [update_id], worker, now)


async def take_many(
    session: AsyncSession, update_ids: Sequence[int], worker: str | None, now: datetime
) -> set[int]:
    """`take` for a group of updates handled in one transaction: the ids that were ours."""
    statement = update(InboxUpdate).where(
        InboxUpdate.update_id.in_(update_ids), InboxUpdate.processed_at.is_(None)
    )
    if worker is not None:
        statement = statement.where(InboxUpdate.claimed_by == worker)
    result = await session.execute(
        statement.values(processed_at=now)
        .returning(InboxUpdate.update_id)
        .execution_options(synchronize_session=False)
    )
    return {int(update_id) for update_id in result.scalars()}


async def record_failure(
    session: AsyncSession,
    update_id: int,
    error: str,
    now: datetime,
    worker: str | None = None,
) -> bool:
    """Count a failed attempt and free the claim; True when the update is given up on.

    With a `worker`, only its own claim counts: if another worker took the update over
    meanwhile, this failure is not ours to record.
    """
    query = select(InboxUpdate).where(InboxUpdate.update_id == update_id)
    if worker is not None:
        query = query.where(InboxUpdate.claimed_by == worker).with_for_update()
    row = (await session.execute(query)).scalar_one_or_none()
    if row is None:
        return False
    if row.processed_at is not None:
        return False
    row.attempts += 1
    row.error = error[:2000]
    row.claimed_by = None
    row.claimed_at = None
    give_up = row.attempts >= MAX_ATTEMPTS
    if give_up:
        row.processed_at = now
    return give_up
