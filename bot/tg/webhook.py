"""Webhook mode: Telegram POSTs updates; each is stored in the inbox before we answer 200.

Telegram retries an update until it gets a 2xx, so committing first means a crash or a
database failure (answered 500) loses nothing; an update that cannot be stored is set aside
and answered 200 (bot/tg/intake.py), and a body that is no update is answered 400. The
inbox deduplicates by update_id, so a retried or doubly delivered update is handled once.
Any worker may receive any update (behind a load balancer, or because Telegram's webhook
URL changed hands); the processors share the inbox (bot/tg/processor.py).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import partial
from typing import Any
from urllib.parse import urlsplit

from aiohttp import web

from bot.app.runtime import Runtime
from bot.messaging.admission import update_id_of
from bot.messaging.bot_keys import rekeyed
from bot.tg import intake
from bot.tg.intake import Received

log = logging.getLogger(__name__)

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
# What Telegram accepts as secret_token.
SECRET_RE = re.compile(r"^[A-Za-z0-9_-]{1,256}$")
DEFAULT_LISTEN = "127.0.0.1"
DEFAULT_PORT = 8443


def default_secret(bot_token: str) -> str:
    """A secret every worker derives alike from the bot token, and nobody can guess
    without it; hex digits are within what Telegram allows."""
    return hmac.new(bot_token.encode(), b"kabar webhook secret v1", hashlib.sha256).hexdigest()


@dataclass(frozen=True, slots=True)
class WebhookConfig:
    url: str
    listen: str = DEFAULT_LISTEN
    port: int = DEFAULT_PORT
    secret_token: str | None = None

    @property
    def path(self) -> str:
        return urlsplit(self.url).path or "/"

    def secret(self, bot_token: str) -> str:
        return self.secret_token or default_secret(bot_token)


def check_config(config: WebhookConfig) -> list[str]:
    """What is wrong with the options, one line each (empty when fine)."""
    problems = []
    parts = urlsplit(config.url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        problems.append(
            f"--webhook-url: not an http(s) URL: {config.url!r}; expected e.g. "
            "https://bot.example.org/telegram"
        )
    if config.secret_token is not None and not SECRET_RE.match(config.secret_token):
        problems.append(
            "--secret-token: use 1-256 characters of A-Z, a-z, 0-9, _ and - (Telegram's rule)"
        )
    if not 1 <= config.port <= 65535:
        problems.append(f"--port: {config.port} is not a TCP port (1-65535)")
    return problems


@dataclass(frozen=True, slots=True)
class BotHook:
    """Where one bot's updates are pushed: its path, its secret, and its id (None: the
    default bot)."""

    path: str
    secret: str
    bot_id: int | None


def extra_path(base: str, bot_id: int) -> str:
    """An extra bot's webhook path (or URL) beside the default bot's."""
    return f"{base.rstrip('/')}/bot{bot_id}"


class ListenError(Exception):
    """The webhook server cannot bind its address (port taken, address not ours)."""


class WebhookServer:
    """The aiohttp server receiving Telegram's POSTs on the webhook URL's path."""

    def __init__(
        self,
        runtime: Runtime,
        *,
        path: str = "/",
        secret: str = "",
        hooks: Sequence[BotHook] = (),
        extra_routes: Sequence[web.RouteDef] = (),
    ) -> None:
        self.runtime = runtime
        # One path per bot; `path` and `secret` alone are the default bot's.
        self.hooks = list(hooks) or [BotHook(path, secret, None)]
        self.path = self.hooks[0].path
        self.extra_routes = extra_routes  # the health checks and metrics (bot/app/health.py)
        self._runner: web.AppRunner | None = None
        self.port: int | None = None
        self.tries = intake.StoreTries()

    def app(self) -> web.Application:
        app = web.Application()
        for hook in self.hooks:
            app.router.add_post(hook.path, partial(self.receive, hook=hook))
        app.add_routes(self.extra_routes)
        return app

    async def start(self, host: str, port: int) -> None:
        runner = web.AppRunner(self.app(), access_log=None, shutdown_timeout=2.0)
        await runner.setup()
        try:
            await web.TCPSite(runner, host, port).start()
        except OSError as error:
            await runner.cleanup()
            raise ListenError(
                f"cannot listen on {host}:{port}: {error.strerror or error}"
            ) from error
        self._runner = runner
        self.port = int(runner.addresses[0][1])
        log.info("receiving webhook updates on %s:%s%s", host, self.port, self.path)

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def receive(self, request: web.Request, *, hook: BotHook) -> web.Response:
        given = request.headers.get(SECRET_HEADER, "").encode()
        if not hmac.compare_digest(given, hook.secret.encode()):
            return web.Response(status=403, text="wrong secret token")
        body = await request.read()
        try:
            update: Any = json.loads(body)
        except (ValueError, UnicodeDecodeError):
            return web.Response(status=400, text="not JSON")
        except RecursionError:
            log.warning("webhook body refused: nested too deeply")
            return web.Response(status=400, text="nested too deeply")
        if not isinstance(update, dict) or "update_id" not in update:
            return web.Response(status=400, text="not an update")
        if update_id_of(update) is None:
            # Telegram's ids fit 64 bits; without a usable id it cannot even be set aside
            # once (a redelivery could not be told from a new update).
            log.warning("webhook body refused: update_id is not a 64-bit integer")
            return web.Response(status=400, text="update_id is not a 64-bit integer")
        try:
            stored = Received(rekeyed(update, hook.bot_id), body)
            admission = await intake.admit(self.runtime, [stored], self.tries)
        except Exception:
            # Not stored, so not acknowledged: Telegram delivers it again later.
            log.exception("could not store update %s", update_id_of(update))
            return web.Response(status=500, text="not stored")
        if admission.waiting:
            return web.Response(status=500, text="not stored yet")  # tried again, then set aside
        return web.Response(status=200)
