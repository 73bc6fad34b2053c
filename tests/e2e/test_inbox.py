"""Updates are stored before Telegram is told we have them, and handled once."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable

from sqlalchemy import func, select, text
from telegram import Bot

from bot.config import Settings
from bot.db.engine import Database
from bot.db.models import InboxUpdate
from bot.fakeapi import FakeTelegram
from bot.runtime import Runtime
from bot.tg import inbox
from bot.tg.poller import poll_forever
from tests.support.process import TEST_TOKEN


async def _until(condition: Callable[[], bool], timeout: float = 10.0) -> None:
    async with asyncio.timeout(timeout):
        while not condition():
            await asyncio.sleep(0.02)


async def test_an_update_that_cannot_be_stored_is_not_acknowledged(
    database_url: str, db: Database
) -> None:
    async with FakeTelegram() as tg:
        settings = Settings(database_url=database_url, telegram_api_url=tg.api_url)
        runtime = Runtime(settings=settings, db=db)
        async with db.transaction() as session:  # the inbox is unavailable
            await session.execute(text("ALTER TABLE inbox_updates RENAME TO inbox_away"))
        bot = Bot(TEST_TOKEN, base_url=tg.api_url)
        async with bot:
            poller = asyncio.create_task(poll_forever(bot, runtime, timeout=1))
            try:
                await tg.user(5, first_name="Sri").send_text("halo")
                polls = sum(1 for c in tg.calls if c.method == "getUpdates")
                await _until(lambda: sum(c.method == "getUpdates" for c in tg.calls) > polls + 1)
                assert tg.pending_updates == 1, "acknowledged without being stored"

                async with db.transaction() as session:
                    await session.execute(text("ALTER TABLE inbox_away RENAME TO inbox_updates"))
                await _until(lambda: tg.pending_updates == 0)
            finally:
                poller.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await poller
    async with db.sessions() as session:
        rows = (await session.execute(select(InboxUpdate))).scalars().all()
    assert [row.payload["message"]["text"] for row in rows] == ["halo"]


async def test_an_update_delivered_twice_is_stored_once(db: Database) -> None:
    from datetime import UTC, datetime

    now = datetime(2026, 1, 5, tzinfo=UTC)
    update = {"update_id": 42, "message": {"message_id": 1, "text": "5 kg"}}
    for _ in range(2):
        async with db.transaction() as session:
            await inbox.store(session, [update], now)
    async with db.sessions() as session:
        count = (await session.execute(select(func.count()).select_from(InboxUpdate))).scalar()
    assert count == 1
