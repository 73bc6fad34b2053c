"""Timestamps go in aware, in any zone, and come back as the same instant in UTC; on SQLite
they are stored as the text SQLAlchemy's own DATETIME writes, so rows written before and
after Kabar formatted them itself compare and sort alike (bot/db/types.py)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from sqlalchemy import Column, Integer, MetaData, Table, insert, select, text
from sqlalchemy.dialects import sqlite
from sqlalchemy.exc import StatementError

from bot.db.database import Database
from bot.db.types import UTCDateTime
from tests.conftest import ON_POSTGRES

JAKARTA = timezone(timedelta(hours=7))
STAMPS = Table(
    "test_stamps",
    MetaData(),
    Column("id", Integer, primary_key=True),
    Column("at", UTCDateTime()),
)
WRITTEN = [
    datetime(2026, 12, 2, 3, 7, 19, 123456, tzinfo=UTC),
    datetime(2026, 12, 2, 10, 7, 19, 123457, tzinfo=JAKARTA),  # 03:07:19.123457 UTC
    datetime(2026, 1, 1, tzinfo=UTC),  # no microseconds
    datetime(999, 1, 2, 23, 59, 59, 1, tzinfo=UTC),  # a year of three digits
]


async def test_timestamps_come_back_as_the_same_instant_in_utc(db: Database) -> None:
    async with db.engine.begin() as connection:
        await connection.run_sync(STAMPS.create)
        await connection.execute(insert(STAMPS), [{"at": at} for at in WRITTEN])
        read = list(await connection.scalars(select(STAMPS.c.at).order_by(STAMPS.c.id)))
        # Compared in SQL against a bound timestamp from another zone.
        since = datetime(2026, 12, 2, 10, 7, 19, 123457, tzinfo=JAKARTA)
        later = list(await connection.scalars(select(STAMPS.c.id).where(STAMPS.c.at >= since)))
        stored = list(await connection.scalars(text("SELECT at FROM test_stamps ORDER BY id")))
    assert read == WRITTEN and all(at.tzinfo is UTC for at in read)
    assert later == [2]
    if not ON_POSTGRES:
        own = sqlite.DATETIME().bind_processor(sqlite.dialect())
        assert own is not None
        assert stored == [own(at.astimezone(UTC).replace(tzinfo=None)) for at in WRITTEN]
        assert stored[0] == "2026-12-02 03:07:19.123456" and stored[3].startswith("0999-")


async def test_a_timestamp_without_a_zone_is_refused(db: Database) -> None:
    async with db.engine.begin() as connection:
        await connection.run_sync(STAMPS.create)
        with pytest.raises(StatementError, match="naive datetime"):
            await connection.execute(insert(STAMPS), [{"at": datetime(2026, 12, 2, 3, 7)}])


async def test_one_instant_bound_again_and_again_is_written_each_time(db: Database) -> None:
    now, later = WRITTEN[0], WRITTEN[0] + timedelta(seconds=1)
    async with db.engine.begin() as connection:
        await connection.run_sync(STAMPS.create)
        # A group's one `now`, bound for several rows, between others.
        await connection.execute(insert(STAMPS), [{"at": at} for at in (now, now, later, now)])
        read = list(await connection.scalars(select(STAMPS.c.at).order_by(STAMPS.c.id)))
    assert read == [now, now, later, now]


async def test_a_stored_offset_is_read_as_the_same_instant(db: Database) -> None:
    # Text with an offset, as another writer may leave it (SQLite keeps the text as it is).
    async with db.engine.begin() as connection:
        await connection.run_sync(STAMPS.create)
        await connection.execute(
            text("INSERT INTO test_stamps (at) VALUES ('2026-12-02 10:00:00+07:00')")
        )
        read = await connection.scalar(select(STAMPS.c.at))
    assert read == datetime(2026, 12, 2, 3, 0, tzinfo=UTC) and read.tzinfo is UTC
