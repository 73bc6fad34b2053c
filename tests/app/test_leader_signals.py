"""What the leader hears from PostgreSQL as it happens, not at its next poll: a reply
another worker wrote (NOTIFY), and the end of the connection that holds its lock.

In-process, over real PostgreSQL and the fake Bot API. The sender's idle poll and the
leader's lock check are an hour here, and every wait below ends long before: only the
database's signal can explain what is seen.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator

import pytest
from sqlalchemy import text
from telegram import Bot

from bot.app.leader import Elector
from bot.app.runtime import Runtime
from bot.app.sending import outbox_sender
from bot.db.database import Database
from bot.lib.config import Settings
from bot.messaging.messages import Outgoing
from bot.messaging.outbox import enqueue
from bot.sandbox.fakeapi import FakeTelegram
from bot.tg.transport import BotTransport
from tests.app.support import until
from tests.conftest import ON_POSTGRES
from tests.messaging.support import NOW
from tests.support.process import TEST_TOKEN

pytestmark = pytest.mark.skipif(
    not ON_POSTGRES, reason="NOTIFY and advisory locks need PostgreSQL (KABAR_TEST_DATABASE_URL)"
)

AN_HOUR = 3600.0  # the idle poll and the lock check: never reached in these tests
WAIT = 10.0  # how long a test waits for what it expects: far less than AN_HOUR


@contextlib.asynccontextmanager
async def _leader(db: Database, runtime: Runtime) -> AsyncIterator[Elector]:
    elector = Elector(db, runtime.worker, check_s=AN_HOUR, on_outbox=runtime.outbox_wakeup.set)
    await elector.start()
    try:
        assert await elector.acquire(asyncio.Event())
        yield elector
    finally:
        await elector.close()


async def _reply_from_another_worker(database_url: str, chat_id: int, words: str) -> None:
    other = Database(database_url)  # the worker that handled the message: not the leader
    try:
        async with other.transaction() as session:
            await enqueue(session, [Outgoing(chat_id=chat_id, text=words)], now=NOW)
    finally:
        await other.dispose()


async def test_a_reply_another_worker_writes_wakes_the_leaders_sender(
    db: Database, database_url: str
) -> None:
    runtime = Runtime(settings=Settings(), db=db, worker="leader")
    async with _leader(db, runtime):
        assert not runtime.outbox_wakeup.is_set()
        await _reply_from_another_worker(database_url, 5001, "terima kasih")
        await asyncio.wait_for(runtime.outbox_wakeup.wait(), WAIT)


async def test_replies_written_by_another_worker_reach_telegram_before_any_idle_poll(
    db: Database, database_url: str
) -> None:
    async with FakeTelegram() as tg:
        user = tg.user(5002, first_name="Sari")
        await user.send_text("halo")  # a chat exists once the user wrote
        runtime = Runtime(settings=Settings(telegram_api_url=tg.api_url), db=db, worker="leader")
        async with _leader(db, runtime), Bot(TEST_TOKEN, base_url=tg.api_url) as bot:
            stop = asyncio.Event()
            sender = outbox_sender(BotTransport(bot), runtime)
            task = asyncio.create_task(sender.run_until(stop, idle_poll_s=AN_HOUR))
            try:
                for number, words in enumerate(["satu", "dua", "tiga"], start=1):
                    await _reply_from_another_worker(database_url, user.id, words)
                    await until(lambda n=number: len(tg.sent_messages(user.id)) >= n, WAIT)  # type: ignore[misc]
            finally:
                stop.set()
                await task
        assert [m["text"] for m in tg.sent_messages(user.id)] == ["satu", "dua", "tiga"]


async def test_a_leader_whose_connection_ends_knows_it_at_once(
    db: Database, database_url: str
) -> None:
    runtime = Runtime(settings=Settings(), db=db, worker="leader")
    async with _leader(db, runtime) as elector:
        stop = asyncio.Event()
        held = asyncio.create_task(elector.held(stop))
        # The connection holding the lock is cut (a network failure, a server restart):
        # the lock is gone with it, and another worker may lead from now on.
        async with db.sessions() as session:
            ended = await session.scalar(
                text(
                    "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
                    " WHERE application_name = 'kabar leader'"
                )
            )
        assert ended == 1
        await asyncio.wait_for(held, WAIT)  # not after the hour-long check
        assert not elector.is_leader
        successor = Elector(db, "successor")
        try:
            assert await successor.acquire(asyncio.Event())
        finally:
            await successor.close()
