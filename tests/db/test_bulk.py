"""Batches written by `BulkWriter` while the next ones are made: all of them, in order,
and a batch the database refuses fails the whole transaction, not just itself."""

from __future__ import annotations

from datetime import UTC, datetime

import asyncpg
import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import DBAPIError

from bot.db.bulk import BulkWriter
from bot.db.database import Database
from bot.db.models import AuditEntry
from bot.db.models.base import table_of

AT = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)


async def _write(db: Database, batches: list[list[str | None]]) -> None:
    table = table_of(AuditEntry)
    async with db.transaction() as session, BulkWriter(session) as writer:
        for actions in batches:
            ids = await writer.next_ids(table, len(actions))
            shared = {"at": AT, "actor": "cli", "details": {}}
            await writer.write(table, shared, ("id", "action"), zip(ids, actions, strict=True))


async def test_batches_sent_one_after_another_are_all_written_in_order(db: Database) -> None:
    batches = [[f"b{b}-{n}" for n in range(150)] for b in range(5)]
    await _write(db, batches)
    async with db.sessions() as session:
        written = list(await session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)))
    assert written == [action for batch in batches for action in batch]


async def test_a_refused_batch_among_others_leaves_nothing_written(db: Database) -> None:
    refused = [f"b1-{n}" for n in range(149)] + [None]  # an action is required
    # PostgreSQL's COPY goes to asyncpg itself, whose error SQLAlchemy does not wrap.
    with pytest.raises((DBAPIError, asyncpg.NotNullViolationError)):
        await _write(db, [["b0-0"] * 150, refused, ["b2-0"] * 150, ["b3-0"] * 150])
    async with db.sessions() as session:
        assert await session.scalar(select(func.count()).select_from(AuditEntry)) == 0
