"""Long polling that stores updates before acknowledging them.

PTB's Updater acknowledges an update (advances the offset) before it is processed; a crash
then loses it. Here the next getUpdates call, which acknowledges, is only made after the
batch is committed to the inbox.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from telegram import Bot
from telegram.error import Conflict, NetworkError, RetryAfter, TimedOut

from bot.app.runtime import Runtime
from bot.messaging import inbox
from bot.tg.api import raw_request

log = logging.getLogger(__name__)

ALLOWED_UPDATES = ["message", "edited_message", "callback_query", "my_chat_member"]


async def poll_forever(bot: Bot, runtime: Runtime, *, timeout: int = 25) -> None:
    offset: int | None = None
    backoff = 1.0
    while True:
        try:
            # Raw JSON: the updates are stored as Telegram sent them; building PTB objects
            # here only to turn them back into JSON cost a parse per update.
            updates = await raw_request(
                bot,
                "getUpdates",
                {"offset": offset, "timeout": timeout, "allowed_updates": ALLOWED_UPDATES},
                read_timeout=timeout + 10,
            )
        except RetryAfter as error:
            await asyncio.sleep(_seconds(error.retry_after))
            continue
        except (TimedOut, NetworkError, Conflict) as error:
            log.warning("getUpdates failed (%s); retrying in %.0f s", error, backoff)
            await asyncio.sleep(backoff)
            backoff = min(backoff * 2, 30.0)
            continue
        backoff = 1.0
        if not isinstance(updates, list) or not updates:
            continue
        payloads: list[dict[str, Any]] = updates
        try:
            async with runtime.db.transaction() as session:
                await inbox.store(session, payloads, runtime.clock.now())
        except Exception:
            # Not stored, so not acknowledged: the same updates come back next time.
            log.exception("could not store %d updates; retrying", len(payloads))
            await asyncio.sleep(backoff)
            backoff = min(backoff * 2, 30.0)
            continue
        offset = max(int(u["update_id"]) for u in payloads) + 1
        runtime.inbox_wakeup.set()


def _seconds(value: object) -> float:
    from datetime import timedelta

    if isinstance(value, timedelta):
        return value.total_seconds()
    return float(value)  # type: ignore[arg-type]
