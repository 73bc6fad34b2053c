"""Kabar running in the test's own event loop (the same `serve` as `kabar run`), polling or
receiving webhooks from the fake Bot API, and what it logged meanwhile."""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

import aiohttp

from bot.app.serve import serve
from bot.lib.config import Settings
from bot.sandbox.fakeapi import FakeTelegram
from bot.tg.webhook import SECRET_HEADER, WebhookConfig, default_secret
from tests.app.support import free_port
from tests.support.process import TEST_TOKEN


class Records(logging.Handler):
    """Every record Kabar's loggers emit, kept for the test to read."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)

    def since(self, start: int, level: int = logging.WARNING) -> list[logging.LogRecord]:
        return [r for r in self.records[start:] if r.levelno >= level]


@dataclass
class Running:
    tg: FakeTelegram
    log: Records
    webhook_url: str | None = None
    secret: str = field(default_factory=lambda: default_secret(TEST_TOKEN))

    async def post(self, body: bytes) -> int:
        """POST a body to Kabar's webhook as Telegram would; the HTTP status."""
        assert self.webhook_url is not None
        headers = {"Content-Type": "application/json", SECRET_HEADER: self.secret}
        timeout = aiohttp.ClientTimeout(total=30)
        async with (
            aiohttp.ClientSession(timeout=timeout) as session,
            session.post(self.webhook_url, data=body, headers=headers) as response,
        ):
            return response.status

    def push(self, update: dict[str, Any]) -> None:
        """Queue an update at the fake Telegram as it is (its update_id is the fake's)."""
        kind, payload = next((k, v) for k, v in update.items() if k != "update_id")
        self.tg.world.updates.push(kind, payload)


@contextlib.asynccontextmanager
async def running_kabar(database_url: str, *, webhook: bool = False) -> AsyncIterator[Running]:
    handler = Records()
    logger = logging.getLogger("bot")
    previous = logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    try:
        async with FakeTelegram() as tg:
            config = None
            running = Running(tg, handler)
            if webhook:
                port = free_port()
                running.webhook_url = f"http://127.0.0.1:{port}/telegram"
                config = WebhookConfig(url=running.webhook_url, port=port)
            settings = Settings(
                bot_token=TEST_TOKEN,
                database_url=database_url,
                telegram_api_url=tg.api_url,
                send_chat_interval_s=0,
            )
            stop = asyncio.Event()
            task = asyncio.create_task(serve(settings, stop=stop, webhook=config))
            try:
                if webhook:
                    async with asyncio.timeout(20):
                        while not tg.webhook_info()["url"]:
                            await asyncio.sleep(0.02)
                yield running
            finally:
                stop.set()
                await task
    finally:
        logger.removeHandler(handler)
        logger.setLevel(previous)


def body(update: Any) -> bytes:
    """JSON as a careless sender writes it: lone surrogates and NUL as escapes, NaN bare."""
    return json.dumps(update).encode()
