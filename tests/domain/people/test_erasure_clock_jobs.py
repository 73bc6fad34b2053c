"""A clock job that read a person before an erasure committed, and writes for them after
it (a reminder, a weekly digest, a broadcast): nothing is written under the erased id, and
nothing goes to their chat; the job does not fail on them, and counts only what it wrote.

The erasure runs on a second `Database` (its own connections: `kabar person forget` beside
`kabar run`), started by the job itself right before its first statement that writes (or,
on PostgreSQL, locks the person). Python's sqlite3 begins a transaction at its first write,
so on SQLite all the job read came from before the erasure: the case bot/db/person_locks.py
once left open there. Both databases; no sleeps: the erasure happens at that statement.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import event, select
from sqlalchemy.util import await_only

from bot.app.services import Services
from bot.db.database import Database
from bot.db.facts import recall
from bot.db.models import (
    Broadcast,
    BroadcastSkip,
    Conversation,
    OutboxMessage,
    ParticipantStatus,
    Person,
)
from bot.domain.broadcasts.dispatch import start_due, write_next
from bot.domain.people.erasure import forget
from bot.domain.reports.weekly import WEEKLY_DIGEST, send_weekly_digests
from bot.domain.rounds.scheduler import tick
from tests.domain.broadcasts.support import broadcast_to_all
from tests.domain.rounds.support import facilitator_on_telegram, seed_cohort

SITI, ANI = "tenun-2026-00000", "tenun-2026-00001"
SITI_CHAT, ANI_CHAT = 10_000, 10_001
FACILITATOR, FACILITATOR_CHAT = "tenun-2026-F", 4242
MONDAY = datetime(2026, 1, 12, 1, 0, tzinfo=UTC)  # 08:00 in Jakarta: a round opens
READS = ("SELECT", "WITH", "PRAGMA")
LOCKS = ("FOR KEY SHARE", "PG_ADVISORY")  # what an erasure waits for (PostgreSQL)


def _writes_or_locks(statement: str) -> bool:
    said = statement.lstrip().upper()
    return not said.startswith(READS) or any(lock in said for lock in LOCKS)


@contextmanager
def erased_at_first_write(db: Database, other: Database, person_id: str) -> Iterator[list[str]]:
    """While open, `person_id` is erased through `other` (committed) right before `db`'s
    next statement that writes or takes a lock an erasure would wait for; the statement
    is appended to the list yielded."""
    seen: list[str] = []

    async def erase() -> None:
        async with other.transaction() as session:
            await forget(session, person_id, actor="operator", now=MONDAY, media=None)

    def before(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if seen or not _writes_or_locks(statement):
            return
        seen.append(statement)
        await_only(erase())  # the job's statement waits here, in the job's own task

    engine = db.engine.sync_engine
    event.listen(engine, "before_cursor_execute", before)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", before)


async def _erasing(
    db: Database, database_url: str, person_id: str, job: Callable[[], Awaitable[object]]
) -> None:
    other = Database(database_url)  # another process's connections
    try:
        with erased_at_first_write(db, other, person_id) as seen:
            await job()
    finally:
        await other.dispose()
    assert seen, "the job wrote nothing: the erasure never ran"


async def _to(db: Database, person_id: str, chat_id: int) -> list[tuple[str | None, int]]:
    """Outbox rows still under the person's id or still to go to their chat."""
    async with db.sessions() as session:
        rows = await session.execute(
            select(OutboxMessage.person_id, OutboxMessage.chat_id).where(
                (OutboxMessage.person_id == person_id) | (OutboxMessage.chat_id == chat_id)
            )
        )
        return [(row.person_id, row.chat_id) for row in rows]


async def test_a_reminder_read_before_her_erasure_is_not_written_for_her(
    db: Database, database_url: str
) -> None:
    await seed_cohort(db, 2)
    runner = Services().runner
    await tick(db, now=MONDAY, runner=runner)  # the round opens for Siti and Ani
    due = MONDAY + timedelta(hours=24)  # their reminders are due
    before = await _conversation(db, SITI)

    await _erasing(db, database_url, SITI, lambda: tick(db, now=due, runner=runner))

    assert await _to(db, SITI, SITI_CHAT) == []
    assert await _to(db, ANI, ANI_CHAT) != []  # Ani's greeting and her reminder
    # Her check-in, now under the anonymous id, is as the erasure left it: not reminded,
    # not written again from the copy the reminder had read.
    async with db.sessions() as session:
        after = await session.get(Conversation, before["id"])
        assert after is not None and after.person_id.startswith("anon-")
        assert _columns(after) == before | {"person_id": after.person_id}


async def _conversation(db: Database, person_id: str) -> dict[str, object]:
    async with db.sessions() as session:
        found = await session.scalar(
            select(Conversation).where(Conversation.person_id == person_id)
        )
        assert found is not None
        return _columns(found)


def _columns(conversation: Conversation) -> dict[str, object]:
    return {c.key: getattr(conversation, c.key) for c in Conversation.__table__.columns}


async def test_a_digest_read_before_its_facilitators_erasure_is_not_written(
    db: Database, database_url: str
) -> None:
    await seed_cohort(db, 2)
    await facilitator_on_telegram(db)
    runner = Services().runner
    next_monday = MONDAY + timedelta(weeks=1)
    await tick(db, now=MONDAY, runner=runner)
    await tick(db, now=next_monday, runner=runner)  # the first round closes: a digest is due

    written: list[int] = []

    async def digest() -> None:
        written.append(await send_weekly_digests(db, now=next_monday, timezone="Asia/Jakarta"))

    await _erasing(db, database_url, FACILITATOR, digest)

    assert await _to(db, FACILITATOR, FACILITATOR_CHAT) == []
    # The week's digests are done, and what is recorded is what was written: none.
    assert written == [0]
    async with db.sessions() as session:
        assert await recall(session, WEEKLY_DIGEST) == {"week": "2026-W04", "sent": 0}


async def _broadcast_started(db: Database) -> None:
    await broadcast_to_all(db, "Halo {nama}, pengering tiba Kamis.", now=MONDAY)
    async with db.transaction() as session:  # the clock's first transaction
        await start_due(session, now=MONDAY)


async def _chunk(db: Database) -> None:
    """The clock's next transaction: a chunk's recipients read, then written."""
    async with db.transaction() as session:
        await write_next(session, now=MONDAY)


async def _broadcast(db: Database) -> tuple[Broadcast, list[str]]:
    async with db.sessions() as session:
        broadcast = await session.scalar(select(Broadcast))
        assert broadcast is not None
        skipped = await session.scalars(select(BroadcastSkip.person_id))
        return broadcast, list(skipped)


async def test_a_broadcast_chunk_read_before_her_erasure_is_not_written_for_her(
    db: Database, database_url: str
) -> None:
    await seed_cohort(db, 2)
    await _broadcast_started(db)

    await _erasing(db, database_url, SITI, lambda: _chunk(db))

    assert await _to(db, SITI, SITI_CHAT) == []
    assert [chat for _, chat in await _to(db, ANI, ANI_CHAT)] == [ANI_CHAT]
    broadcast, skipped = await _broadcast(db)
    assert (broadcast.recipients, broadcast.skipped, skipped) == (1, 0, [])
    assert broadcast.queued_at is not None


async def test_a_broadcast_chunk_that_would_skip_her_finishes_when_she_is_erased(
    db: Database, database_url: str
) -> None:
    """Paused, she was to be written down as skipped: the chunk does not fail on her
    erased id (a key checks that one), and is not written again on the next run."""
    await seed_cohort(db, 2)
    async with db.transaction() as session:
        siti = await session.get(Person, SITI)
        assert siti is not None
        siti.status, siti.paused_at = ParticipantStatus.PAUSED, MONDAY
    await _broadcast_started(db)

    await _erasing(db, database_url, SITI, lambda: _chunk(db))

    broadcast, skipped = await _broadcast(db)
    assert (broadcast.recipients, broadcast.skipped, skipped) == (1, 0, [])
    assert broadcast.queued_at is not None  # every recipient written, in that one run
    assert [chat for _, chat in await _to(db, ANI, ANI_CHAT)] == [ANI_CHAT]
