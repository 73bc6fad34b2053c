"""What serialises an erasure with the transactions that write a person's id where no
foreign key checks it: the outbox's and the conversations' `person_id` (`PERSON_REFERENCE`,
migrations 0015 and 0018).

Without a key, a transaction that read a person before an erasure and wrote a message or a
conversation for them after the erasure's statements, committing later, left a row under
the erased id: a message that was then sent, or personal data that outlived the erasure.
On PostgreSQL (READ COMMITTED) the locks below close that window:

- the erasure locks the person's row FOR UPDATE before anything else (`lock_erased`);
- a writer locks the people it writes for FOR KEY SHARE, one statement per batch, as a
  key's check would (`people_still_here`), and leaves out those that are gone. Whoever
  locks first goes first: a writer that waited sees the row deleted; an erasure that
  waited then moves or deletes the rows the writer committed.
- a round's opening writes 100,000 such rows: locking as many people would write each
  one's tuple. It takes a shared advisory lock before it reads its people
  (`hold_off_erasures`), which an erasure takes exclusively: an erasure waits for the
  openings under way, and an opening for the erasure under way, then reads the people
  without the erased one.

A writer that changed a row the erasure then changes (the person's conversation) before
it locks the person deadlocks with the erasure, as it did with the keys; PostgreSQL ends
one of them and nothing is left under the erased id either way (tests/domain/people/
test_erasure_race.py).

SQLite has one writer at a time: a database-wide lock from a transaction's first write to
its commit (WAL mode, bot/db/database.py), and what a transaction reads once it holds the
lock is the last commit. Python's sqlite3 begins a transaction only at its first write, so
a read before that is outside it: a clock job that read a family, then an erasure that
committed in another process (`kabar person forget` beside `kabar run`), then the job's
reminder for her was a message to an erased chat. So on SQLite the same three calls take
the write lock first (`BEGIN IMMEDIATE`, unless the transaction has written already) and
then read the people: the erasure before anything else, a writer before it checks who is
still here, a round's opening before it reads its families. Whoever takes the lock first
goes first; the other waits for its commit (busy_timeout). Only transactions that are
about to write take it: a read-only one never does.
"""

from __future__ import annotations

from collections.abc import Collection

from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.dialect import in_lists, is_postgresql
from bot.db.models import Person
from bot.db.models.base import table_of

# Advisory lock key (two int4 keys: class, object), per database like the others
# (bot/db/dialect.py): shared by round openings, exclusive for an erasure.
ERASURE_LOCK_CLASS = 0x4B41_4245  # "KABE"
ERASURE_LOCK_OBJECT = 1


async def lock_erased(session: AsyncSession, person_id: str) -> Person | None:
    """The person to erase, their row locked until the transaction ends (None if there is
    none): first the openings under way are waited for, then the writers holding the row
    (on SQLite: whichever transaction writes)."""
    await _erasure_lock(session, "pg_advisory_xact_lock")
    found = await session.execute(
        select(Person)
        .where(Person.id == person_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    return found.scalar_one_or_none()


async def hold_off_erasures(session: AsyncSession) -> None:
    """No erasure commits between here and this transaction's end: call before reading the
    people to write for. One lock, however many people."""
    await _erasure_lock(session, "pg_advisory_xact_lock_shared")


async def _erasure_lock(session: AsyncSession, function: str) -> None:
    """The erasures' advisory lock, exclusive or shared by `function`; on SQLite the
    database's write lock, which every writer shares with the erasures."""
    if is_postgresql(session):
        await session.execute(
            text(f"SELECT {function}(:class, :object)"),
            {"class": ERASURE_LOCK_CLASS, "object": ERASURE_LOCK_OBJECT},
        )
    else:
        await _sqlite_write_lock(session)


async def _sqlite_write_lock(session: AsyncSession) -> None:
    """From here to its end this transaction is SQLite's one writer, and reads the last
    commit. A transaction that has written holds the lock already (sqlite3 began it then)."""
    await session.flush()  # pending changes would begin it under the statement below
    raw = (await (await session.connection()).get_raw_connection()).driver_connection
    if raw is not None and not raw.in_transaction:  # aiosqlite's, i.e. sqlite3's
        await session.execute(text("BEGIN IMMEDIATE"))


async def people_still_here(session: AsyncSession, person_ids: Collection[str]) -> set[str]:
    """Of `person_ids`, those not erased, locked FOR KEY SHARE until the transaction ends
    (PostgreSQL): an erasure waits for this transaction, or this statement waited for the
    erasure and the person is gone. On SQLite the transaction takes the write lock first,
    with the same effect for the whole database (see above)."""
    if not person_ids:
        return set()
    postgresql = is_postgresql(session)
    if not postgresql:
        await _sqlite_write_lock(session)
    people, here = table_of(Person), set[str]()
    for ids in in_lists(list(person_ids)):
        query = select(people.c.id).where(people.c.id.in_(ids))
        if postgresql:
            # FOR KEY SHARE (`key_share` alone is FOR NO KEY UPDATE): writers do not wait
            # for each other, nor for a change of the person's other columns.
            query = query.with_for_update(read=True, key_share=True)
        here.update(await session.scalars(query))
    return here
