"""Which worker leads: only the leader runs the round clock and the outbox sender (and, in
polling mode, the poller, as Telegram allows one getUpdates consumer). Every worker handles
the inbox.

PostgreSQL: the leader holds a session-level advisory lock on a dedicated connection for as
long as it lives; the others try again every couple of seconds. When the leader dies, its
connection ends, the server drops the lock and the next try succeeds. The same connection
also holds a per-worker lock, so any worker can tell whether the owner of a claim is still
alive (`claimant_gone_sql`) instead of waiting for the claim to go stale. While it leads,
that connection listens for the outbox's NOTIFY (`notify_outbox`), so a reply another
worker wrote is sent at once, not at the sender's next idle poll; and the connection's end
is noticed as it happens, so a worker whose lock went with it stops sending at once.

SQLite: a process always leads. SQLite is the single-process embedded path (one
`kabar run` per database file): there is no server that could hold a lock for a process
and drop it when the process dies.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from typing import Any

from sqlalchemy import or_, pool, text, update
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, AsyncSession, create_async_engine

from bot.db.database import Database
from bot.db.dialect import (
    LEADER_LOCK_CLASS,
    LEADER_LOCK_OBJECT,
    OUTBOX_CHANNEL,
    WORKER_LOCK_CLASS,
    claimant_gone_sql,
    is_postgresql,
)
from bot.db.models import OutboxMessage, OutboxStatus

log = logging.getLogger(__name__)


async def release_orphaned_claims(session: AsyncSession, alive_worker: str) -> int:
    """Make outbox rows left in `sending` by another worker sendable again at once.

    Call it when `alive_worker` has just become the leader and before its sender starts:
    the leader is the only sender, so a `sending` row of someone else belonged to a leader
    that died mid-send. On PostgreSQL a row whose claimant still holds its worker lock is
    left alone, should anything but the leader ever claim rows. Rows the dead worker had
    already sent but not recorded are sent again: the bounded duplicate a crash can cause.
    """
    statement = update(OutboxMessage).where(
        OutboxMessage.status == OutboxStatus.SENDING,
        or_(OutboxMessage.claimed_by.is_(None), OutboxMessage.claimed_by != alive_worker),
    )
    if is_postgresql(session):
        statement = statement.where(text(claimant_gone_sql("outbox_messages.claimed_by")))
    result = await session.execute(
        statement.values(
            status=OutboxStatus.PENDING, claimed_at=None, claimed_by=None
        ).execution_options(synchronize_session=False)
    )
    return int(getattr(result, "rowcount", 0) or 0)


class Elector:
    """Campaigns for leadership and notices when it is lost."""

    def __init__(
        self,
        db: Database,
        worker: str,
        *,
        retry_s: float = 2.0,
        check_s: float = 1.0,
        on_outbox: Callable[[], None] | None = None,
    ) -> None:
        """`on_outbox` is called, while this worker leads, whenever any worker wrote
        outbox rows (the sender's wake-up)."""
        self.db = db
        self.worker = worker
        self.retry_s = retry_s
        # A lock can only go with its connection, whose end is noticed as it happens; the
        # check covers a connection that hangs without ending.
        self.check_s = check_s
        self.on_outbox = on_outbox
        self.is_leader = False
        self._engine: AsyncEngine | None = None
        self._connection: AsyncConnection | None = None
        self._driver: Any = None  # the asyncpg connection under `_connection`
        self._gone = asyncio.Event()  # set when `_connection` ends

    async def start(self) -> None:
        """Take the worker lock (PostgreSQL), so others can see this worker is alive.

        Done before any inbox claim is made; a database that is not reachable yet is
        retried by `acquire`.
        """
        if self.db.is_sqlite:
            return
        with contextlib.suppress(Exception):
            await self._connect()

    async def acquire(self, stop: asyncio.Event) -> bool:
        """Wait until this worker leads; False when `stop` is set first."""
        if self.db.is_sqlite:
            self.is_leader = not stop.is_set()
            return self.is_leader
        while not stop.is_set():
            try:
                connection = await self._connect()
                result = await connection.execute(
                    text("SELECT pg_try_advisory_lock(:cls, :obj)"),
                    {"cls": LEADER_LOCK_CLASS, "obj": LEADER_LOCK_OBJECT},
                )
                if result.scalar():
                    if self.on_outbox is not None:
                        await self._driver.add_listener(OUTBOX_CHANNEL, self._notified)
                    self.is_leader = True
                    return True
            except Exception as error:  # the database is away: try again, never crash
                log.warning("leader election failed (%s); retrying", error)
                await self._disconnect()
            await _sleep_unless(stop, self.retry_s)
        return False

    async def held(self, stop: asyncio.Event) -> None:
        """Return when leadership is lost (or `stop` is set)."""
        if self.db.is_sqlite:
            await stop.wait()
            return
        check = text(
            "SELECT EXISTS (SELECT 1 FROM pg_locks WHERE pid = pg_backend_pid()"
            " AND locktype = 'advisory' AND classid = :cls AND objid = :obj"
            " AND objsubid = 2 AND granted)"
        )
        while not stop.is_set():
            await _wait_any([stop, self._gone], self.check_s)
            if stop.is_set():
                return
            try:
                if self._gone.is_set():
                    raise ConnectionError("the connection ended")
                assert self._connection is not None
                async with asyncio.timeout(self.check_s + 5):
                    result = await self._connection.execute(
                        check, {"cls": LEADER_LOCK_CLASS, "obj": LEADER_LOCK_OBJECT}
                    )
                    still = bool(result.scalar())
            except Exception as error:
                log.error("lost the connection that holds leadership (%s)", error)
                still = False
            if not still:
                self.is_leader = False
                await self._disconnect()
                return

    async def close(self) -> None:
        """Give leadership up now (closing the connection drops its locks)."""
        self.is_leader = False
        await self._disconnect()
        if self._engine is not None:
            await self._engine.dispose()
            self._engine = None

    async def _connect(self) -> AsyncConnection:
        if self._connection is not None:
            return self._connection
        if self._engine is None:
            # Its own engine: the pool must never hand this connection to anyone else, and
            # AUTOCOMMIT keeps it from sitting in an open transaction for days.
            self._engine = create_async_engine(
                self.db.url,
                poolclass=pool.NullPool,
                isolation_level="AUTOCOMMIT",
                connect_args={"server_settings": {"application_name": f"kabar {self.worker}"}},
            )
        connection = await self._engine.connect()
        try:
            taken = await connection.execute(
                text("SELECT pg_try_advisory_lock(:cls, hashtext(:worker))"),
                {"cls": WORKER_LOCK_CLASS, "worker": self.worker},
            )
            if not taken.scalar():
                log.warning("another worker's name hashes like %s; its claims wait", self.worker)
        except Exception:
            await connection.close()
            raise
        raw = await connection.get_raw_connection()
        self._driver = raw.driver_connection
        gone = self._gone = asyncio.Event()
        self._driver.add_termination_listener(lambda _: gone.set())
        self._connection = connection
        return connection

    def _notified(self, *_: object) -> None:
        if self.is_leader and self.on_outbox is not None:
            self.on_outbox()

    async def _disconnect(self) -> None:
        self._driver = None
        connection, self._connection = self._connection, None
        if connection is not None:
            with contextlib.suppress(Exception):
                await connection.close()


async def _wait_any(events: list[asyncio.Event], seconds: float) -> None:
    """Until one of `events` is set, or `seconds` pass."""
    waits = [asyncio.ensure_future(event.wait()) for event in events]
    try:
        await asyncio.wait(waits, timeout=seconds, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for wait in waits:
            wait.cancel()


async def _sleep_unless(stop: asyncio.Event, seconds: float) -> None:
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(stop.wait(), seconds)
