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

SQLite has one writer at a time (a database-wide lock from a transaction's first write to
its commit; WAL mode, bot/db/database.py), so no SQL is needed there: a transaction
whose first statement writes, as the update processor's does (the inbox rows it takes),
and a round's opening (the round's row before its people are read), cannot interleave
with an erasure in another process. A read made before a transaction's first write is
outside it (Python's sqlite3 begins a transaction at the first write: such a read sees
what another connection commits meanwhile), so a writer that read a person that way and
writes for them later is not covered on SQLite.
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
    none): first the openings under way are waited for, then the writers holding the row."""
    await _erasure_lock(session, "pg_advisory_xact_lock")
    found = await session.execute(
        select(Person)
        .where(Person.id == person_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    return found.scalar_one_or_none()


async def hold_off_erasures(session: AsyncSession) -> None:
    """No erasure commits between here and this transaction's end (PostgreSQL): call before
    reading the people to write for. One lock, however many people."""
    await _erasure_lock(session, "pg_advisory_xact_lock_shared")


async def _erasure_lock(session: AsyncSession, function: str) -> None:
    """The erasures' advisory lock, exclusive or shared by `function` (PostgreSQL only)."""
    if is_postgresql(session):
        await session.execute(
            text(f"SELECT {function}(:class, :object)"),
            {"class": ERASURE_LOCK_CLASS, "object": ERASURE_LOCK_OBJECT},
        )


async def people_still_here(session: AsyncSession, person_ids: Collection[str]) -> set[str]:
    """Of `person_ids`, those not erased, locked FOR KEY SHARE until the transaction ends
    (PostgreSQL): an erasure waits for this transaction, or this statement waited for the
    erasure and the person is gone. On SQLite all of them, without a statement (see above)."""
    if not person_ids or not is_postgresql(session):
        return set(person_ids)
    people, here = table_of(Person), set[str]()
    for ids in in_lists(list(person_ids)):
        here.update(
            await session.scalars(
                select(people.c.id)
                .where(people.c.id.in_(ids))
                # FOR KEY SHARE (`key_share` alone is FOR NO KEY UPDATE): writers do not
                # wait for each other, nor for a change of the person's other columns.
                .with_for_update(read=True, key_share=True)
            )
        )
    return here
