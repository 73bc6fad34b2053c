"""Delivers Kabar's messages through the Bot API and says in Kabar's words how it failed.

PTB's BadRequest (and TimedOut) subclass NetworkError, so the specific errors are caught
first.
"""

from __future__ import annotations

from datetime import timedelta

from telegram import Bot
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter

from bot.messaging.delivery import RefusedError, ThrottledError, TransientError
from bot.messaging.messages import Message
from bot.tg import botapi


class BotTransport:
    def __init__(self, bot: Bot) -> None:
        self.bot = bot

    def unlimited(self, message: Message) -> bool:
        return botapi.unlimited(message)

    async def deliver(self, message: Message, *, paid: bool) -> int | None:
        try:
            return await botapi.send(self.bot, message, paid=paid)
        except RetryAfter as error:
            wait = error.retry_after
            seconds = wait.total_seconds() if isinstance(wait, timedelta) else float(wait)
            raise ThrottledError(str(error), seconds) from error
        except Forbidden as error:  # blocked by the user
            raise RefusedError(str(error), unreachable=True) from error
        except BadRequest as error:
            text = str(error).lower()
            if "message is not modified" in text:
                return None  # an edit to what it already says: done
            gone = "chat not found" in text or "user is deactivated" in text
            raise RefusedError(str(error), unreachable=gone) from error
        except NetworkError as error:  # 5xx, timeouts, connection errors (TimedOut included)
            raise TransientError(str(error)) from error
