"""The one place for SQL that SQLite and PostgreSQL spell differently.

Inserts that skip or overwrite on conflict, JSON built in SQL, and the advisory-lock test
of whether a worker is alive. Everything else in Kabar is written once for both.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator, Sequence
from contextlib import asynccontextmanager
from typing import Any, TypeVar

from sqlalchemy import Float, Table, func, text
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.expression import ColumnElement
from sqlalchemy.sql.functions import FunctionElement

from bot.db.types import JSONType

# Advisory lock keys (two int4 keys: class, object). Locks are per database, so two Kabar
# databases on one server do not compete.
LEADER_LOCK_CLASS = 0x4B41_4241  # "KABA"
LEADER_LOCK_OBJECT = 1
WORKER_LOCK_CLASS = 0x4B41_4257  # "KABW"; the object is hashtext(worker name)
# Told (NOTIFY) when outbox rows were written that the leader's sender must look for;
# channels are per database, like the locks.
OUTBOX_CHANNEL = "kabar_outbox"


def is_postgresql(session: AsyncSession) -> bool:
    return session.get_bind().dialect.name == "postgresql"


@asynccontextmanager
async def jit_off(session: AsyncSession) -> AsyncIterator[None]:
    """PostgreSQL's JIT compilation off for the statements inside, in this transaction.

    Big set-based statements have a high estimated cost, so PostgreSQL JIT-compiles them:
    about 0.5 s at 100,000 families, more than it saves. An error inside rolls the
    transaction back, and the setting with it (set_config(..., true) is transaction-local).
    """
    if not is_postgresql(session):
        yield
        return
    jit = await session.scalar(text("SELECT current_setting('jit')"))
    await session.execute(text("SELECT set_config('jit', 'off', true)"))
    yield
    await session.execute(text("SELECT set_config('jit', :jit, true)"), {"jit": jit})


async def one_snapshot(session: AsyncSession) -> None:
    """Every statement of this transaction sees the database as of its first (PostgreSQL's
    REPEATABLE READ; call before any statement). SQLite's writing transactions take turns,
    so they see one state anyway. A write to a row another transaction changed meanwhile
    fails (SerializationError) instead of overwriting it: the caller's work is run again."""
    if is_postgresql(session):
        await session.connection(execution_options={"isolation_level": "REPEATABLE READ"})


async def notify_outbox(session: AsyncSession) -> None:
    """Tell the leader's sender, in whatever process, that rows are waiting (PostgreSQL;
    SQLite has one process, which wakes its sender itself). Sent when the transaction
    commits, and not at all if it rolls back; several in one transaction arrive as one."""
    if is_postgresql(session):
        await session.execute(text("SELECT pg_notify(:channel, '')"), {"channel": OUTBOX_CHANNEL})


# SQLite's helper threads for one large sort (PRAGMA threads): the sort of half a million
# answers then uses the machine's second core (docs/PERFORMANCE.md, #15).
SORT_THREADS = 2


_T = TypeVar("_T")
# Values in one IN list: below every driver's parameter limit (SQLite's, asyncpg's 32,767).
IN_LIST_SIZE = 5_000


def in_lists(values: Sequence[_T]) -> Iterator[Sequence[_T]]:
    """`values` in slices of `IN_LIST_SIZE`, one statement each."""
    for start in range(0, len(values), IN_LIST_SIZE):
        yield values[start : start + IN_LIST_SIZE]


@asynccontextmanager
async def large_sorts(session: AsyncSession, work_mem: str) -> AsyncIterator[None]:
    """The statements inside sort half a million rows or more. PostgreSQL: `work_mem` per
    sort in this transaction, so the sort stays in memory instead of spilling to disk
    (default 4 MB). SQLite: helper threads sort parts of it in parallel."""
    if is_postgresql(session):
        before = await session.scalar(text("SELECT current_setting('work_mem')"))
        await session.execute(
            text("SELECT set_config('work_mem', :size, true)"), {"size": work_mem}
        )
        yield
        await session.execute(text("SELECT set_config('work_mem', :size, true)"), {"size": before})
        return
    # A connection's setting: back as it was after, for whatever the pool hands it to next
    # (after an error it may keep the threads: they only ever serve large sorts).
    threads = int(await session.scalar(text("PRAGMA threads")) or 0)
    await session.execute(text(f"PRAGMA threads = {SORT_THREADS}"))
    yield
    await session.execute(text(f"PRAGMA threads = {threads}"))


def json_array_items(session: AsyncSession, column: Any, name: str) -> Any:
    """A JSON array column's items as a table with one text column, `value`, to join:
    json_each on SQLite, jsonb_array_elements_text on PostgreSQL."""
    function = (
        func.jsonb_array_elements_text(column) if is_postgresql(session) else func.json_each(column)
    )
    return function.table_valued("value").alias(name)


def insert_for(session: AsyncSession, table: Any) -> Any:
    """The dialect's own INSERT (which knows ON CONFLICT) for `table`."""
    module: Any = postgresql if is_postgresql(session) else sqlite
    return module.insert(table)


def insert_skipping_conflicts(
    session: AsyncSession, table: Any, keys: Sequence[str] | None = None
) -> Any:
    """INSERT … ON CONFLICT DO NOTHING, so a race on a unique index is not an error;
    `keys` names the unique columns (any conflict when None)."""
    index = list(keys) if keys is not None else None
    return insert_for(session, table).on_conflict_do_nothing(index_elements=index)


async def insert_ignore(
    session: AsyncSession, table: Table, rows: Sequence[dict[str, Any]], keys: Sequence[str]
) -> None:
    """Insert `rows`, skipping those whose `keys` exist already."""
    if rows:
        await session.execute(insert_skipping_conflicts(session, table, keys), list(rows))


def claimant_gone_sql(column: str) -> str:
    """SQL (PostgreSQL) that is true when the worker named in `column` holds no worker
    lock, i.e. its process or its connection is gone. A hash collision only makes a dead
    worker look alive, and its claims then wait for their timeout."""
    return (
        "NOT EXISTS (SELECT 1 FROM pg_locks AS lk WHERE lk.locktype = 'advisory'"
        " AND lk.database = (SELECT oid FROM pg_database WHERE datname = current_database())"
        f" AND lk.classid = {WORKER_LOCK_CLASS}::oid AND lk.objid = hashtext({column})::oid"
        " AND lk.objsubid = 2 AND lk.granted)"
    )


class json_object(FunctionElement[Any]):  # noqa: N801 - named like the SQL function
    """A JSON object built in SQL from key, value pairs: json_object / jsonb_build_object."""

    type = JSONType
    inherit_cache = True
    name = "json_object"


class embed_json(FunctionElement[Any]):  # noqa: N801 - named like the SQL function
    """A JSON column as a value inside json_object (SQLite stores JSON as text)."""

    type = JSONType
    inherit_cache = True
    name = "embed_json"


@compiles(json_object, "sqlite")
def _json_object_sqlite(element: json_object, compiler: SQLCompiler, **kw: Any) -> str:
    return f"json_object({compiler.process(element.clauses, **kw)})"


@compiles(json_object, "postgresql")
def _json_object_postgresql(element: json_object, compiler: SQLCompiler, **kw: Any) -> str:
    # Keys are bound parameters: asyncpg cannot infer their type in a VARIADIC "any" call.
    pairs = [compiler.process(clause, **kw) for clause in element.clauses]
    typed = [f"CAST({sql} AS TEXT)" if i % 2 == 0 else sql for i, sql in enumerate(pairs)]
    return f"jsonb_build_object({', '.join(typed)})"


@compiles(embed_json, "sqlite")
def _embed_json_sqlite(element: embed_json, compiler: SQLCompiler, **kw: Any) -> str:
    return f"json({compiler.process(element.clauses, **kw)})"


@compiles(embed_json, "postgresql")
def _embed_json_postgresql(element: embed_json, compiler: SQLCompiler, **kw: Any) -> str:
    return compiler.process(element.clauses, **kw)


def pairs(**values: ColumnElement[Any] | str | int | None) -> json_object:
    args: list[Any] = []
    for key, value in values.items():
        args.extend((key, value))
    return json_object(*args)


class hours_between(FunctionElement[Any]):  # noqa: N801 - named like an SQL function
    """Hours from the second timestamp to the first, as a float: julianday differences on
    SQLite (which stores timestamps as text), epoch differences on PostgreSQL."""

    type = Float()
    inherit_cache = True
    name = "hours_between"


@compiles(hours_between, "sqlite")
def _hours_between_sqlite(element: hours_between, compiler: SQLCompiler, **kw: Any) -> str:
    later, earlier = (compiler.process(clause, **kw) for clause in element.clauses)
    return f"((julianday({later}) - julianday({earlier})) * 24.0)"


@compiles(hours_between, "postgresql")
def _hours_between_postgresql(element: hours_between, compiler: SQLCompiler, **kw: Any) -> str:
    later, earlier = (compiler.process(clause, **kw) for clause in element.clauses)
    # date_part is a double; EXTRACT is numeric since PostgreSQL 14, slower per row.
    return f"(date_part('epoch', ({later}) - ({earlier})) / 3600.0)"
