"""The extra bots a `kabar run` receives from and sends with, besides the default one.

Each extra bot is a PTB `Bot` of its own token on Kabar's HTTP transport: its own poller
(or webhook path), its own sender with its own limits and paid-broadcast choice
(bot/app/sending.py, bot/app/serve.py). Added with `kabar bot add`; a running process sees
a new one after its next start.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from telegram import Bot
from telegram.error import InvalidToken

from bot.app.runtime import Runtime
from bot.domain.bots import extra_bots
from bot.tg.http import AiohttpRequest

log = logging.getLogger(__name__)


class RefusedBotError(Exception):
    """Telegram refused an extra bot's token (revoked at @BotFather, or the bot deleted)."""

    def __init__(self, username: str) -> None:
        super().__init__(username)
        self.username = username


@dataclass(frozen=True, slots=True)
class ExtraBot:
    id: int
    username: str
    paid_broadcast: bool
    bot: Bot


async def open_extra_bots(runtime: Runtime) -> list[ExtraBot]:
    """Every extra bot, started (getMe answered); the runtime learns their ids."""
    settings = runtime.settings
    async with runtime.db.sessions() as session:
        rows = [
            (row.id, row.username, row.token, row.paid_broadcast)
            for row in await extra_bots(session)
        ]
    opened: list[ExtraBot] = []
    try:
        for bot_id, username, token, paid in rows:
            bot = Bot(
                token,
                base_url=settings.telegram_api_url,
                base_file_url=settings.telegram_file_url,
                request=AiohttpRequest(connections=32),
                get_updates_request=AiohttpRequest(connections=1),
            )
            try:
                await bot.initialize()
            except InvalidToken as error:
                await bot.shutdown()
                raise RefusedBotError(username) from error
            opened.append(ExtraBot(bot_id, username, paid, bot))
    except BaseException:
        await close_extra_bots(opened)
        raise
    runtime.extra_bots = frozenset(extra.id for extra in opened)
    if opened:
        log.info("sending with %d extra bots besides the default one", len(opened))
    return opened


async def close_extra_bots(bots: list[ExtraBot]) -> None:
    for extra in bots:
        try:
            await extra.bot.shutdown()
        except Exception:  # closing a pool is never a reason to fail a shutdown
            log.warning("could not close bot %s's connections", extra.id, exc_info=True)


async def stop_webhook(bot: Bot) -> None:
    """getUpdates fails with 409 while a webhook is set; polling mode removes it."""
    try:
        await bot.delete_webhook()
    except Exception:  # the poller then reports and retries the 409 itself
        log.warning("could not remove the webhook", exc_info=True)
