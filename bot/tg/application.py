"""Wires the PTB Application: the bot, on Kabar's request transport.

PTB's Updater is not used: it acknowledges updates before they are handled. Kabar's poller
and webhook server store them first (bot/tg/poller.py, bot/tg/webhook.py); the processor
hands each to Kabar's handlers with its unit of work (bot/tg/router.py says why not through
the Application). The loops are run by bot/app/serve.py.
"""

from __future__ import annotations

import logging
from typing import Any, Literal

from telegram import Bot, BotCommand
from telegram.error import InvalidToken, NetworkError
from telegram.ext import Application, ApplicationBuilder

from bot.app.runtime import Runtime
from bot.db.facts import BOT_USERNAME, remember
from bot.domain.people.commands import Audience, menu
from bot.lib.i18n import DEFAULT_LOCALE, SUPPORTED_LOCALES, translator
from bot.tg.http import AiohttpRequest

log = logging.getLogger(__name__)


class KabarApplication(Application[Any, Any, Any, Any, Any, Any]):
    """PTB's Application, holding on to its HTTP pools: PTB closes them only after a
    successful start, so without network each left an "Unclosed client session" behind."""

    __slots__ = ("http_pools",)
    http_pools: tuple[AiohttpRequest, ...]

    async def close_http_pools(self) -> None:
        for pool in self.http_pools:
            await pool.shutdown()


def build_application(runtime: Runtime) -> KabarApplication:
    settings = runtime.settings
    pools = (AiohttpRequest(connections=32), AiohttpRequest(connections=1))
    application = (
        ApplicationBuilder()
        .application_class(KabarApplication)
        .token(settings.require_token())
        .base_url(settings.telegram_api_url)
        .base_file_url(settings.telegram_file_url)
        .request(pools[0])
        .get_updates_request(pools[1])
        .updater(None)
        .build()
    )
    assert isinstance(application, KabarApplication)
    application.http_pools = pools
    return application


async def announce(application: KabarApplication, runtime: Runtime) -> None:
    """Remember the bot's username (for invitation links) and publish the command menu of
    people not yet registered (a registered person gets their role's, in their chat)."""
    me = application.bot.bot
    runtime.bot_username = runtime.settings.bot_username or me.username
    async with runtime.db.transaction() as session:
        await remember(session, BOT_USERNAME, {"username": me.username}, runtime.clock.now())
    await publish_menu(application.bot)


async def publish_menu(bot: Bot) -> None:
    """The command menu of people not yet registered, in every language, on `bot`."""
    newcomers = menu(Audience.NEWCOMERS)
    for code in SUPPORTED_LOCALES:
        t = translator(code)
        commands = [BotCommand(c.name, t.gettext(c.description)) for c in newcomers]
        language = None if code == DEFAULT_LOCALE else code
        try:
            await bot.set_my_commands(commands, language_code=language)
        except Exception:  # a menu is a convenience; never a reason not to start
            log.warning("could not set the command menu", exc_info=True)


def startup_failure(error: BaseException) -> Literal["token", "network"] | None:
    """What a failure to start says about Telegram: a refused token, an unreachable API, or
    neither (then it is not Telegram's). Lets the command line explain it without
    importing Telegram's error types."""
    if isinstance(error, InvalidToken):
        return "token"
    if isinstance(error, NetworkError):
        return "network"
    return None
