"""The fake server's side of a webhook: it pushes queued updates to the bot's URL, in
order, with bounded retries (bot/tg/webhook.py is Kabar's side, receiving them)."""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
from typing import Any

import aiohttp

from bot.sandbox.fakeapi.state import World

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"


class WebhookPusher:
    """Delivers one update at a time so the bot sees updates in order, as Telegram
    effectively does for a single chat. A failing update stays queued (and counted in
    ``pending_update_count``) until it is delivered or ``max_attempts`` is exhausted."""

    def __init__(
        self,
        world: World,
        *,
        max_attempts: int = 5,
        backoff: float = 0.05,
        request_timeout: float = 10.0,
    ) -> None:
        self.world = world
        self.max_attempts = max_attempts
        self.backoff = backoff
        self.request_timeout = request_timeout
        self.delivered = 0
        self.failed_attempts = 0
        self._session: aiohttp.ClientSession | None = None
        self._task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        self._session = aiohttp.ClientSession(
            timeout=aiohttp.ClientTimeout(total=self.request_timeout)
        )
        self._task = asyncio.create_task(self._run(), name="fakeapi-webhook")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
        if self._session is not None:
            await self._session.close()
            self._session = None

    def _ready(self) -> bool:
        return bool(self.world.webhook.url) and self.world.updates.head() is not None

    async def _run(self) -> None:
        world = self.world
        queue = world.updates
        attempts = 0
        current: dict[str, Any] | None = None
        while True:
            await queue.pulse.wait_until(self._ready, None)
            update = queue.head()
            if update is None:
                continue
            if update is not current:
                current, attempts = update, 0
            error = await self._deliver(world.webhook.url, world.webhook.secret_token, update)
            if error is None:
                queue.drop_head(update)
                self.delivered += 1
                continue
            attempts += 1
            self.failed_attempts += 1
            world.webhook.last_error_date = int(time.time())
            world.webhook.last_error_message = error
            if attempts >= self.max_attempts:
                queue.drop_head(update)  # give up on this one, as Telegram eventually does
                continue
            await asyncio.sleep(self.backoff * 2 ** (attempts - 1))

    async def _deliver(self, url: str, secret: str | None, update: dict[str, Any]) -> str | None:
        """POST one update; returns an error message, or None when the bot took it."""
        assert self._session is not None
        headers = {"Content-Type": "application/json"}
        if secret:
            headers[SECRET_HEADER] = secret
        try:
            async with self._session.post(url, data=json.dumps(update), headers=headers) as resp:
                await resp.read()
                if 200 <= resp.status < 300:
                    return None
                return f"Wrong response from the webhook: {resp.status} {resp.reason}"
        except (aiohttp.ClientError, TimeoutError) as exc:
            return f"Connection failed: {exc.__class__.__name__}"
