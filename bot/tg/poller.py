"""Long polling that stores updates before acknowledging them.

PTB's Updater acknowledges an update (advances the offset) before it is processed; a crash
then loses it. Here the next getUpdates call, which acknowledges, is only made after the
batch is committed to the inbox, or what of it cannot be stored is set aside
(bot/tg/intake.py): one bad update never holds the offset back for good.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from telegram import Bot
from telegram.error import Conflict, NetworkError, RetryAfter, TimedOut

from bot.app.runtime import Runtime
from bot.messaging.bot_keys import rekeyed, telegram_update_id
from bot.tg import intake
from bot.tg.api import raw_request
from bot.tg.intake import Received

log = logging.getLogger(__name__)

ALLOWED_UPDATES = ["message", "edited_message", "callback_query", "my_chat_member"]


async def poll_forever(
    bot: Bot, runtime: Runtime, *, timeout: int = 25, bot_id: int | None = None
) -> None:
    """Store `bot`'s updates as they come; `bot_id` names an extra bot (bot/messaging/
    bot_keys.py), whose updates are stored under keys that carry it."""
    offset: int | None = None
    backoff = 1.0
    tries = intake.StoreTries()
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
        except Exception as error:
            # An answer that cannot be read (not JSON, nested too deeply for the parser):
            # nothing can be acknowledged, but the poller must not die of it.
            log.warning("getUpdates answer unreadable (%s); retrying", type(error).__name__)
            await asyncio.sleep(backoff)
            backoff = min(backoff * 2, 30.0)
            continue
        backoff = 1.0
        if not isinstance(updates, list) or not updates:
            continue
        try:
            stored = [Received(rekeyed(u, bot_id)) for u in updates]
            admission = await intake.admit(runtime, stored, tries)
        except Exception:
            # The database is away: not stored, so not acknowledged; they come back.
            log.exception("could not store %d updates; retrying", len(updates))
            await asyncio.sleep(backoff)
            backoff = min(backoff * 2, 30.0)
            continue
        waiting = [telegram_update_id(key) for key in admission.waiting]
        offset = next_offset(updates, waiting, offset)
        if admission.waiting:
            # Tried again when it comes back, a second later: a passing problem may pass.
            await asyncio.sleep(1.0)


def next_offset(updates: list[Any], waiting: list[int], offset: int | None) -> int | None:
    """The offset that acknowledges what was stored or set aside: up to the first update
    still waiting to be stored (it comes again; those after it are deduplicated)."""
    if waiting:
        return min(waiting)
    ids = [u.get("update_id") for u in updates if isinstance(u, dict)]
    numbers = [i for i in ids if isinstance(i, int) and not isinstance(i, bool)]
    if not numbers:
        return offset  # nothing Telegram could have sent: nothing to acknowledge by
    return max(numbers) + 1


def _seconds(value: object) -> float:
    from datetime import timedelta

    if isinstance(value, timedelta):
        return value.total_seconds()
    return float(value)  # type: ignore[arg-type]
