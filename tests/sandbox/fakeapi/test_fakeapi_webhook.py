"""Webhook push: updates are POSTed with the secret header and failures are retried."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from typing import Any

import pytest
from aiohttp import web
from telegram import Bot

from bot.sandbox.fakeapi import FakeTelegram


class Receiver:
    def __init__(self) -> None:
        self.received: list[tuple[str | None, dict[str, Any]]] = []
        self.fail_next = 0
        self.arrived = asyncio.Event()
        self.url = ""

    async def handle(self, request: web.Request) -> web.Response:
        if self.fail_next > 0:
            self.fail_next -= 1
            return web.Response(status=500)
        secret = request.headers.get("X-Telegram-Bot-Api-Secret-Token")
        self.received.append((secret, json.loads(await request.read())))
        self.arrived.set()
        return web.Response(text="ok")

    async def wait_for(self, count: int) -> None:
        async with asyncio.timeout(3):
            while len(self.received) < count:
                self.arrived.clear()
                await self.arrived.wait()


@pytest.fixture
async def receiver() -> AsyncIterator[Receiver]:
    rec = Receiver()
    app = web.Application()
    app.router.add_post("/hook", rec.handle)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    rec.url = f"http://127.0.0.1:{runner.addresses[0][1]}/hook"
    yield rec
    await runner.cleanup()


async def test_updates_are_pushed_with_secret(
    tg: FakeTelegram, ptb_bot: Bot, receiver: Receiver
) -> None:
    user = tg.user(1001, first_name="Siti")
    await user.send_text("sebelum webhook")  # queued before: delivered once the hook is set
    await ptb_bot.set_webhook(receiver.url, secret_token="rahasia-123")
    await user.send_text("halo")
    await user.press_data("x:1")
    await receiver.wait_for(3)
    secrets = {secret for secret, _ in receiver.received}
    assert secrets == {"rahasia-123"}
    updates = [update for _, update in receiver.received]
    assert [u.get("message", {}).get("text") for u in updates[:2]] == ["sebelum webhook", "halo"]
    assert updates[2]["callback_query"]["data"] == "x:1"
    ids = [u["update_id"] for u in updates]
    assert ids == sorted(ids) and len(set(ids)) == 3
    assert (await ptb_bot.get_webhook_info()).pending_update_count == 0


async def test_failed_delivery_is_retried_and_counted(
    tg: FakeTelegram, ptb_bot: Bot, receiver: Receiver
) -> None:
    receiver.fail_next = 2
    await ptb_bot.set_webhook(receiver.url)
    user = tg.user(1001)
    await user.send_text("retry me")
    await receiver.wait_for(1)
    assert receiver.received[0][0] is None  # no secret configured -> no header
    assert receiver.received[0][1]["message"]["text"] == "retry me"
    info = await ptb_bot.get_webhook_info()
    assert info.pending_update_count == 0
    assert info.last_error_message is not None and "500" in info.last_error_message


async def test_undeliverable_updates_stay_pending(tg: FakeTelegram, ptb_bot: Bot) -> None:
    await ptb_bot.set_webhook("http://127.0.0.1:9/unreachable")
    user = tg.user(1002)
    await user.send_text("a")
    await user.send_text("b")
    await asyncio.sleep(0.02)
    info = await ptb_bot.get_webhook_info()
    assert info.pending_update_count >= 1
    await ptb_bot.delete_webhook(drop_pending_updates=True)
    assert (await ptb_bot.get_webhook_info()).pending_update_count == 0
