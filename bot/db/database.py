"""The database handle: one async engine and session factory, owned by whoever opens it."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from contextvars import ContextVar
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

from bot.db.sqlite_files import private_database
from bot.lib import fastjson


def async_url(url: str) -> str:
    """Pick the async driver for a plain URL (sqlite:///x.db, postgresql://…)."""
    parsed = make_url(url.replace("postgres://", "postgresql://", 1))
    if parsed.drivername == "sqlite":
        parsed = parsed.set(drivername="sqlite+aiosqlite")
    elif parsed.drivername == "postgresql":
        parsed = parsed.set(drivername="postgresql+asyncpg")
    return parsed.render_as_string(hide_password=False)


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # WAL lets the bot read while a CLI command writes; busy_timeout waits instead of failing.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.close()


class Database:
    """Owns the engine; created at start-up, disposed at shut-down (never module-global)."""

    def __init__(self, url: str, *, echo: bool = False) -> None:
        self.url = async_url(url)
        self.is_sqlite = self.url.startswith("sqlite")
        private_database(self.url)  # the file holds personal data: its owner's alone
        # The JSON columns (stored updates, outbox payloads) through orjson: bot/lib/fastjson.py.
        kwargs: dict[str, Any] = {
            "echo": echo,
            "json_serializer": fastjson.dumps,
            "json_deserializer": fastjson.loads,
        }
        if not self.is_sqlite:
            kwargs.update(pool_size=10, max_overflow=10, pool_pre_ping=True)
        elif make_url(self.url).database not in (None, "", ":memory:"):  # a file's pool
            # One connection kept, more only while needed: SQLite writes one at a time, and
            # each idle pooled connection kept its thread, malloc arena and caches (about
            # 2 MB each; docs/PERFORMANCE.md, "Memory of `kabar run`").
            kwargs.update(pool_size=1, max_overflow=10)
        self.engine: AsyncEngine = create_async_engine(self.url, **kwargs)
        if self.is_sqlite:
            event.listen(self.engine.sync_engine, "connect", _sqlite_pragmas)
        self.sessions = async_sessionmaker(self.engine, expire_on_commit=False)
        # SQLite has one writer at a time; a second writing connection does not queue, it
        # sleeps in SQLite's busy handler (1, 2, 5, 10… ms) and retries. Queueing this
        # process's transactions here instead keeps every write transaction short and
        # uncontended. Other processes (a CLI command) still meet busy_timeout.
        self._write_turn = asyncio.Lock() if self.is_sqlite else None
        self._holding: ContextVar[bool] = ContextVar(f"kabar_write_{id(self)}", default=False)

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[AsyncSession]:
        """A session whose work commits on success and rolls back on error."""
        if self._write_turn is None or self._holding.get():
            async with self.sessions() as session, session.begin():
                yield session
            return
        async with self._write_turn:
            token = self._holding.set(True)  # a nested transaction must not wait for itself
            try:
                async with self.sessions() as session, session.begin():
                    yield session
            finally:
                self._holding.reset(token)

    async def dispose(self) -> None:
        await self.engine.dispose()


@asynccontextmanager
async def open_database(url: str) -> AsyncIterator[Database]:
    db = Database(url)
    try:
        yield db
    finally:
        await db.dispose()
