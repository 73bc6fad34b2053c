"""Leadership and inbox claims between workers sharing one PostgreSQL database.

In-process: each "worker" is an Elector (its locks) and a worker name (its claims).
"""

from __future__ import annotations

import asyncio
import os
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select, text

from bot.app.leader import Elector, release_orphaned_claims
from bot.db.database import Database
from bot.db.models import InboxUpdate, OutboxMessage, OutboxStatus
from bot.messaging import inbox
from bot.messaging.messages import Outgoing
from bot.messaging.outbox import enqueue

ON_POSTGRES = os.environ.get("KABAR_TEST_DATABASE_URL", "").startswith("postgres")
pg_only = pytest.mark.skipif(not ON_POSTGRES, reason="needs KABAR_TEST_DATABASE_URL=postgresql…")

NOW = datetime(2026, 3, 2, 3, 0, tzinfo=UTC)


def _update(update_id: int, chat: int | None) -> dict[str, object]:
    if chat is None:
        return {"update_id": update_id, "poll": {"id": "p"}}
    return {"update_id": update_id, "message": {"message_id": update_id, "chat": {"id": chat}}}


async def _claim(db: Database, worker: str, **kwargs: object) -> list[int]:
    async with db.transaction() as session:
        claimed = await inbox.claim_heads(
            session,
            worker=worker,
            now=kwargs.pop("now", NOW),
            limit=100,
            **kwargs,  # type: ignore[arg-type]
        )
    return [c.update_id for c in claimed]


async def _finish(db: Database, update_id: int, worker: str) -> None:
    async with db.transaction() as session:
        assert await inbox.take(session, update_id, worker, NOW)


@pg_only
async def test_only_the_oldest_update_of_each_chat_is_claimed_and_only_once(db: Database) -> None:
    async with db.transaction() as session:
        chats = [10, 10, 10, 20, 20, None, None]
        updates = [_update(number, chat) for number, chat in enumerate(chats, start=1)]
        await inbox.store(session, updates, NOW)
    a, b = Elector(db, "worker-a"), Elector(db, "worker-b")
    await a.start()
    await b.start()
    try:
        assert await _claim(db, "worker-a") == [1, 4, 6, 7]
        assert await _claim(db, "worker-b") == []  # every head is held by a live worker

        await _finish(db, 1, "worker-a")
        assert await _claim(db, "worker-b") == [2]  # chat 10 moves on, in order
        async with db.transaction() as session:
            assert not await inbox.take(session, 2, "worker-a", NOW)  # not a's claim

        # A claim held too long by a live worker goes stale and is taken over.
        later = NOW + timedelta(seconds=inbox.STALE_CLAIM_S + 1)
        assert await _claim(db, "worker-b", now=later) == [2, 4, 6, 7]
        assert await _claim(db, "worker-a", now=later) == []

        # A worker that dies (its connection ends) loses its claims at once.
        await b.close()
        assert await _claim(db, "worker-a") == [2, 4, 6, 7]
    finally:
        await a.close()
        await b.close()


@pg_only
async def test_a_claim_being_handled_cannot_be_taken_over(db: Database) -> None:
    async with db.transaction() as session:
        await inbox.store(session, [_update(1, 10)], NOW)
    assert await _claim(db, "worker-a") == [1]  # worker-a holds no worker lock: looks dead
    async with db.transaction() as session:
        assert await inbox.take(session, 1, "worker-a", NOW)  # row locked while handled
        assert await _claim(db, "worker-b") == []
    assert await _claim(db, "worker-b") == []
    async with db.sessions() as session:
        row = await session.get(InboxUpdate, 1)
    assert row is not None and row.processed_at is not None and row.claimed_by == "worker-a"


@pg_only
async def test_one_leader_and_the_next_takes_over_when_it_goes(db: Database) -> None:
    first = Elector(db, "worker-a", retry_s=0.1, check_s=0.1)
    second = Elector(db, "worker-b", retry_s=0.1, check_s=0.1)
    stop = asyncio.Event()
    try:
        assert await first.acquire(stop)
        campaign = asyncio.create_task(second.acquire(stop))
        await asyncio.sleep(0.5)
        assert not campaign.done()

        await first.close()  # as when its process dies: the connection ends
        async with asyncio.timeout(5):
            assert await campaign

        watch = asyncio.create_task(first.held(stop))  # first no longer holds it
        async with asyncio.timeout(5):
            await watch
    finally:
        stop.set()
        await first.close()
        await second.close()


@pg_only
async def test_orphaned_sending_rows_are_released_only_when_their_worker_is_gone(
    db: Database,
) -> None:
    alive = Elector(db, "worker-alive")
    await alive.start()
    try:
        async with db.transaction() as session:
            await enqueue(session, [Outgoing(chat_id=c, text="halo") for c in (1, 2, 3)], now=NOW)
            query = select(OutboxMessage).order_by(OutboxMessage.id)
            rows = (await session.execute(query)).scalars().all()
            for row, owner in zip(rows, ("worker-dead", "worker-alive", "worker-me"), strict=True):
                row.status = OutboxStatus.SENDING
                row.claimed_by = owner
                row.claimed_at = NOW
        async with db.transaction() as session:
            assert await release_orphaned_claims(session, "worker-me") == 1
        async with db.sessions() as session:
            states = {
                row.chat_id: (row.status, row.claimed_by)
                for row in (await session.execute(select(OutboxMessage))).scalars()
            }
    finally:
        await alive.close()
    assert states == {
        1: (OutboxStatus.PENDING, None),
        2: (OutboxStatus.SENDING, "worker-alive"),
        3: (OutboxStatus.SENDING, "worker-me"),
    }


async def test_on_sqlite_a_process_always_leads(tmp_path: object) -> None:
    db = Database(f"sqlite:///{tmp_path}/lead.db")
    try:
        elector = Elector(db, "solo")
        assert await elector.acquire(asyncio.Event())
        stop = asyncio.Event()
        stop.set()
        await elector.held(stop)  # returns only when stopped
        await elector.close()
    finally:
        await db.dispose()


@pg_only
async def test_a_leader_whose_connection_is_cut_notices_and_another_leads(db: Database) -> None:
    first = Elector(db, "worker-cut", retry_s=0.1, check_s=0.1)
    second = Elector(db, "worker-next", retry_s=0.1, check_s=0.1)
    stop = asyncio.Event()
    try:
        assert await first.acquire(stop)
        watch = asyncio.create_task(first.held(stop))
        async with db.transaction() as session:  # an operator or a failover ends its session
            await session.execute(
                text(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                    " WHERE application_name = 'kabar worker-cut'"
                )
            )
        async with asyncio.timeout(5):
            await watch
            assert not first.is_leader
            assert await second.acquire(stop)
    finally:
        stop.set()
        await first.close()
        await second.close()
