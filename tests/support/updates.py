"""Handle updates already in the inbox, once, as a worker's processor would."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from bot.app.runtime import Runtime
from bot.db.database import Database
from bot.lib.config import Settings
from bot.messaging import inbox
from bot.sandbox.fakeapi import FakeTelegram
from tests.support.process import TEST_TOKEN


async def handle_updates(
    db: Database, database_url: str, updates: list[dict[str, Any]], now: datetime
) -> int:
    """Store `updates` and run the processor over the inbox once; how many it handled.

    Each update's unit of work goes to its handler directly: none is left in PTB's bot_data.
    """
    from bot.tg.application import build_application
    from bot.tg.processor import Processor

    async with db.transaction() as session:
        await inbox.store(session, updates, now)
    async with FakeTelegram() as tg:
        settings = Settings(
            bot_token=TEST_TOKEN, database_url=database_url, telegram_api_url=tg.api_url
        )
        runtime = Runtime(settings=settings, db=db)
        application = build_application(runtime)
        async with application:
            handled = await Processor(application, runtime).drain_once()
            assert application.bot_data == {}
            return handled
