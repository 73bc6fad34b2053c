"""Fixtures: a running FakeTelegram and a real PTB Bot pointed at it."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from telegram import Bot

from bot.sandbox.fakeapi import FakeTelegram

TOKEN = "123456:TEST-token_abc"
BOT_ID = 123456


@pytest.fixture
def token() -> str:
    return TOKEN


@pytest.fixture
async def tg() -> AsyncIterator[FakeTelegram]:
    async with FakeTelegram(bot_username="kabar_sandbox_bot", webhook_backoff=0.01) as server:
        yield server


@pytest.fixture
async def ptb_bot(tg: FakeTelegram) -> AsyncIterator[Bot]:
    bot = Bot(TOKEN, base_url=tg.api_url, base_file_url=tg.file_url)
    async with bot:
        yield bot
