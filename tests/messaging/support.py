"""Outbox rows and an in-process sender against the fake Bot API."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from telegram import Bot

from bot.app.runtime import Runtime
from bot.app.sending import outbox_sender
from bot.db.database import Database
from bot.db.models import Priority
from bot.lib.config import Settings
from bot.messaging.delivery import DeliveryError
from bot.messaging.limits import SendLimits
from bot.messaging.messages import Message, Outgoing
from bot.messaging.outbox import enqueue
from bot.messaging.sender import OutboxSender
from bot.sandbox.fakeapi import FakeTelegram
from bot.tg.transport import BotTransport
from tests.messaging.virtual_time import VirtualTime
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


@dataclass(frozen=True, slots=True)
class Call:
    """A delivery as the sender made it: when it started on the virtual clock, what it
    was, and when and how it failed, if it did."""

    at: float
    message: Message
    failed_at: float | None = None
    error: DeliveryError | None = None


class TimedTransport:
    """The real transport to the fake Bot API, noting each call on the virtual clock."""

    def __init__(self, inner: BotTransport, clock: VirtualTime) -> None:
        self.inner = inner
        self.clock = clock
        self.calls: list[Call] = []
        self.in_flight = 0

    def unlimited(self, message: Message) -> bool:
        return self.inner.unlimited(message)

    async def deliver(self, message: Message, *, paid: bool) -> int | None:
        started = self.clock.now()
        self.in_flight += 1
        try:
            result = await self.inner.deliver(message, paid=paid)
        except DeliveryError as error:
            self.calls.append(Call(started, message, self.clock.now(), error))
            raise
        finally:
            self.in_flight -= 1
        self.calls.append(Call(started, message))
        return result

    def sent(self) -> list[Call]:
        return sorted((c for c in self.calls if c.error is None), key=lambda c: c.at)


@contextlib.asynccontextmanager
async def virtual_sender(
    tg: FakeTelegram, db: Database, limits: SendLimits
) -> AsyncIterator[tuple[OutboxSender, TimedTransport, VirtualTime]]:
    """A running sender whose pacing (rate, spacing, pauses, back-off) follows a virtual
    clock, over real HTTP to the fake Bot API; move time with `clock.run_until`."""
    clock = VirtualTime()
    runtime = Runtime(settings=Settings(telegram_api_url=tg.api_url), db=db)
    async with Bot(TEST_TOKEN, base_url=tg.api_url) as bot:
        transport = TimedTransport(BotTransport(bot), clock)
        sender = outbox_sender(transport, runtime, limits=limits, now=clock.now, sleep=clock.sleep)
        stop = asyncio.Event()
        task = asyncio.create_task(sender.run_until(stop, idle_poll_s=0.05))
        try:
            yield sender, transport, clock
        finally:
            stop.set()
            # Waits still asleep on the virtual clock end as time moves on.
            await clock.run_until(task.done, busy=lambda: transport.in_flight > 0)
            await task


def text_of(message: Message) -> str:
    assert isinstance(message, Outgoing)
    return message.text
