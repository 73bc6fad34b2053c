"""Updates of several bots in one inbox: an extra bot's update ids carry the bot.

Each bot numbers its updates on its own, so two bots' ids collide. Telegram's update ids fit
in 32 bits (the Bot API marks the fields that may not), so an extra bot's update is stored
under `bot id << 32 | update id`: unique, still in order within the bot, and the default
bot's ids (and every row stored before there were extra bots) are unchanged. The processor
reads the bot back from the key, so a reply leaves from the bot that was written to.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from bot.messaging.inbound import Sender, sender_of

_SHIFT = 32
_LOW = (1 << _SHIFT) - 1


def inbox_key(bot_id: int | None, update_id: int) -> int:
    return update_id if bot_id is None else (bot_id << _SHIFT) | (update_id & _LOW)


def bot_of(key: int) -> int | None:
    """The extra bot an inbox key belongs to; None for the default bot."""
    return (key >> _SHIFT) or None if key > _LOW else None


def telegram_update_id(key: int) -> int:
    """The id the update had at Telegram (what an offset acknowledges)."""
    return key & _LOW if key > _LOW else key


def rekeyed(update: Any, bot_id: int | None) -> Any:
    """`update` with its id made its inbox key (as is when it has no usable id)."""
    found = update.get("update_id") if isinstance(update, dict) else None
    if bot_id is None or not isinstance(found, int) or isinstance(found, bool) or found < 0:
        return update
    if found > _LOW:
        return update  # not Telegram's: admission sets it aside for what it is
    return {**update, "update_id": inbox_key(bot_id, found)}


def sender_via(payload: dict[str, Any], key: int | None, bots: frozenset[int]) -> Sender | None:
    """Who sent the update stored under `key`, and to which of `bots` (an id no bot of
    ours has is the default bot's: a hostile update cannot name a bot)."""
    sender = sender_of(payload)
    bot_id = None if key is None else bot_of(key)
    if sender is None or bot_id is None or bot_id not in bots:
        return sender
    return replace(sender, bot_id=bot_id)
