"""Many rows written at once: a round's conversations and first messages.

An INSERT through SQLAlchemy converts every bound value through its column type one by
one (a timestamp, a status, a JSON document), and building those parameters was most of
the time a round of 100,000 families took to open. Here the values the rows share are
converted once, the rest once per row, and the rows go to the driver as they are:
PostgreSQL's COPY (asyncpg's binary copy) or SQLite's executemany. The database writes
one batch while Python makes the next (`BulkWriter`): two cores, both busy.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from typing import Any

from sqlalchemy import Table, func, select, text
from sqlalchemy.engine import Dialect
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

Convert = Callable[[Any], Any]

# Ids fetched from a PostgreSQL sequence at a time: each fetch waits for the writes in
# flight, so a round of 100,000 waits ten times, not a hundred.
ID_BLOCK = 10_000
# Rows made between two chances for the batch in flight to move on.
YIELD_EVERY = 100


def _processor(table: Table, name: str, dialect: Dialect) -> Convert | None:
    """What SQLAlchemy would do to a value of this column before the driver sees it."""
    return table.c[name].type.dialect_impl(dialect).bind_processor(dialect)


def _once_per_object(convert: Convert) -> Convert:
    """`convert` for values that are a few objects repeated over many rows (a group's
    state): each object converted once. The objects are kept, so their ids stay theirs."""
    done: dict[int, tuple[Any, Any]] = {}

    def converted(value: Any) -> Any:
        seen = done.get(id(value))
        if seen is None:
            seen = done[id(value)] = (value, convert(value))
        return seen[1]

    return converted


class BulkWriter:
    """Writes batches of rows in the session's transaction; a batch is sent off and
    written while the caller makes the next. Used as `async with BulkWriter(session) as
    writer:`, which waits for the last batch; call `flush` before anything else uses the
    session inside."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session
        self._writing: asyncio.Task[None] | None = None
        self._ids: dict[str, list[int]] = {}
        self._last_id: dict[str, int] = {}

    async def __aenter__(self) -> BulkWriter:
        return self

    async def __aexit__(self, kind: type[BaseException] | None, *_: object) -> None:
        if kind is None:
            await self.flush()
            return
        # Failing already: the batch in flight must end before the transaction rolls back.
        with contextlib.suppress(Exception):
            await self.flush()

    async def flush(self) -> None:
        """Wait for the batch in flight; its error, if it failed, is raised here."""
        writing, self._writing = self._writing, None
        if writing is not None:
            await writing

    async def next_ids(self, table: Table, count: int) -> list[int]:
        """`count` fresh ids for `table`'s integer key, to write with the rows (COPY and
        executemany return nothing)."""
        (key,) = table.primary_key.columns
        if self.session.get_bind().dialect.name != "postgresql":
            # This transaction writes already, so it holds SQLite's one write lock: no one
            # else takes ids until it ends, and ours follow the largest one.
            if table.name not in self._last_id:
                await self.flush()
                last = await self.session.scalar(select(func.coalesce(func.max(key), 0)))
                self._last_id[table.name] = int(last or 0)
            first = self._last_id[table.name] + 1
            self._last_id[table.name] += count
            return list(range(first, first + count))
        spare = self._ids.setdefault(table.name, [])
        if len(spare) < count:
            await self.flush()
            result = await self.session.execute(
                text(
                    f"SELECT nextval(pg_get_serial_sequence('{table.name}', '{key.name}'))"
                    " FROM generate_series(1, :count)"
                ),
                {"count": max(ID_BLOCK, count - len(spare))},
            )
            spare += sorted(result.scalars())
        ids, self._ids[table.name] = spare[:count], spare[count:]
        return ids

    async def write(
        self,
        table: Table,
        shared: Mapping[str, Any],
        columns: Sequence[str],
        rows: Iterable[Sequence[Any]],
        *,
        repeated: Collection[str] = (),
    ) -> int:
        """Insert one row per item of `rows` (values for `columns`, in order), each also
        with the `shared` values; the number of rows. `repeated` names columns whose
        values are a few objects used by many rows. Column defaults are not applied: name
        every column that needs a value. Returns once the rows are sent off, not written."""
        connection = await self.session.connection()
        dialect = connection.dialect
        fixed = tuple(
            value if (convert := _processor(table, name, dialect)) is None else convert(value)
            for name, value in shared.items()
        )
        converters = [_processor(table, name, dialect) for name in columns]
        converters = [
            _once_per_object(convert) if convert is not None and name in repeated else convert
            for name, convert in zip(columns, converters, strict=True)
        ]
        # Only the columns that need it are converted: a generator over every column of
        # every row was a fifth of the Python time of a round's opening.
        active = [(at, convert) for at, convert in enumerate(converters) if convert is not None]
        records: list[tuple[Any, ...]] = []
        # A COPY in flight runs only while this coroutine waits: without a pause now and then
        # it would be sent, and the server would work, only once all of this batch is made,
        # one after the other instead of side by side. (SQLite's executemany runs in its own
        # thread, which pauses do not help: measured, docs/PERFORMANCE.md.)
        pausing = self._writing is not None and dialect.name == "postgresql"
        for made, row in enumerate(rows, 1):
            if pausing and made % YIELD_EVERY == 0:
                await asyncio.sleep(0)
            if len(row) != len(columns):
                raise ValueError(f"{len(row)} values for {len(columns)} columns")
            values = list(row)
            for at, convert in active:
                value = values[at]
                if value is not None:
                    values[at] = convert(value)
            values += fixed
            records.append(tuple(values))
        await self.flush()
        if records:
            names = [*columns, *shared]
            self._writing = asyncio.create_task(_send(connection, table.name, names, records))
        return len(records)


async def _send(
    connection: AsyncConnection, table: str, names: list[str], records: list[tuple[Any, ...]]
) -> None:
    if connection.dialect.name == "postgresql":
        raw = await connection.get_raw_connection()
        driver: Any = raw.driver_connection
        await driver.copy_records_to_table(table, records=records, columns=names)
        return
    marks = ", ".join("?" for _ in names)
    await connection.exec_driver_sql(
        f"INSERT INTO {table} ({', '.join(names)}) VALUES ({marks})", records
    )
