"""`kabar db copy`: every row of one database into another, empty one at the same schema
(moving from SQLite to PostgreSQL, or back), with the counts compared table by table."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Integer, Table, bindparam, func, insert, select, text, update
from sqlalchemy.ext.asyncio import AsyncConnection

from bot.db.database import Database
from bot.db.models import Base

CHUNK = 2_000  # rows a statement: bounded memory whatever the table's size


class TargetNotEmptyError(Exception):
    """The target already holds rows: copying would mix two programmes."""

    def __init__(self, table: str) -> None:
        super().__init__(table)
        self.table = table


@dataclass(frozen=True, slots=True)
class TableCount:
    table: str
    source: int
    target: int


async def _count(connection: AsyncConnection, table: Table) -> int:
    return int(await connection.scalar(select(func.count()).select_from(table)) or 0)


def _self_references(table: Table) -> list[str]:
    """Columns pointing at the same table (a person's supervisor, a broadcast's parent):
    written after the rows, as a row may name one that comes later."""
    return [fk.parent.name for fk in table.foreign_keys if fk.column.table is table]


async def _copy_table(source: AsyncConnection, target: AsyncConnection, table: Table) -> None:
    later = _self_references(table)
    key = [column.name for column in table.primary_key]
    links: list[dict[str, Any]] = []
    result = await source.stream(select(table).order_by(*table.primary_key))
    async for rows in result.partitions(CHUNK):
        batch = [dict(row._mapping) for row in rows]
        for row in batch:
            if later and any(row[name] is not None for name in later):
                links.append({**{f"k_{k}": row[k] for k in key}, **{n: row[n] for n in later}})
                row.update(dict.fromkeys(later))
        await target.execute(insert(table), batch)
    if links:
        where = [table.c[k] == bindparam(f"k_{k}") for k in key]
        values: dict[str, Any] = {name: bindparam(name) for name in later}
        for start in range(0, len(links), CHUNK):
            await target.execute(
                update(table).where(*where).values(values), links[start : start + CHUNK]
            )


async def _reset_sequences(target: AsyncConnection, table: Table) -> None:
    """PostgreSQL hands out ids from a sequence, which copied rows did not advance."""
    for column in table.primary_key:
        if isinstance(column.type, Integer) and column.autoincrement in (True, "auto"):
            await target.execute(
                text(
                    f"SELECT setval(pg_get_serial_sequence('{table.name}', '{column.name}'), "
                    f"COALESCE(MAX({column.name}), 1), MAX({column.name}) IS NOT NULL) "
                    f"FROM {table.name}"
                )
            )


async def copy_database(
    source_db: Database,
    target_db: Database,
    *,
    progress: Callable[[str], None] = lambda table: None,
) -> list[TableCount]:
    """Copies every table in dependency order in one transaction on the target (a failure
    leaves it empty), then counts both sides. Both must be at the same migration."""
    tables = list(Base.metadata.sorted_tables)
    async with source_db.engine.connect() as source, target_db.engine.begin() as target:
        for table in tables:
            if await _count(target, table):
                raise TargetNotEmptyError(table.name)
        for table in tables:
            progress(table.name)
            await _copy_table(source, target, table)
            if target.dialect.name == "postgresql":
                await _reset_sequences(target, table)
    counts = []
    async with source_db.engine.connect() as source, target_db.engine.connect() as target:
        for table in tables:
            counts.append(
                TableCount(table.name, await _count(source, table), await _count(target, table))
            )
    return counts
