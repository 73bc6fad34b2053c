"""Outbox rows and an in-process sender against the fake Bot API."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from datetime import UTC, datetime

from telegram import Bot

from bot.app.runtime import Runtime
from bot.app.sending import outbox_sender
from bot.db.database import Database
from bot.db.models import Priority
from bot.lib.config import Settings
from bot.messaging.limits import SendLimits
from bot.messaging.messages import Outgoing
from bot.messaging.outbox import enqueue
from bot.sandbox.fakeapi import FakeTelegram
from bot.tg.transport import BotTransport
from tests.support.process import TEST_TOKEN

NOW = datetime(2026, 1, 12, 1, 0, tzinfo=UTC)


async def add_messages(db: Database, messages: Sequence[Outgoing]) -> None:
    async with db.transaction() as session:
        await enqueue(session, messages, now=NOW)


def bulk(chat_id: int, text: str) -> Outgoing:
    return Outgoing(chat_id=chat_id, text=text, priority=Priority.CHECKIN)


async def drain(
    tg: FakeTelegram,
    db: Database,
    limits: SendLimits,
    *,
    until: Callable[[], bool],
    timeout: float = 60.0,
) -> None:
    """Run a sender until `until()` holds, then stop it cleanly."""
    runtime = Runtime(settings=Settings(telegram_api_url=tg.api_url), db=db)
    bot = Bot(TEST_TOKEN, base_url=tg.api_url)
    async with bot:
        stop = asyncio.Event()
        sender = outbox_sender(BotTransport(bot), runtime, limits=limits)
        task = asyncio.create_task(sender.run_until(stop, idle_poll_s=0.05))
        try:
            async with asyncio.timeout(timeout):
                while not until():
                    await asyncio.sleep(0.05)
        finally:
            stop.set()
            await task
