"""Who sent a received update, in which chat, in which language: Telegram's JSON read once.

The inbox orders updates by this chat, the processor hands handlers this sender, and the
apology for an update given up on goes to it. It reads the raw update (a stored one too),
not the Telegram library's objects.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

# The kinds of update that come from someone in a chat; an update holds at most one.
KINDS = ("message", "edited_message", "callback_query", "my_chat_member")
INT64_MIN = -(2**63)
INT64_MAX = 2**63 - 1


def is_int64(value: Any) -> bool:
    """An integer a BIGINT column holds (Telegram's ids all are; a forged one may not be)."""
    if not isinstance(value, int) or isinstance(value, bool):
        return False
    return INT64_MIN <= value <= INT64_MAX


@dataclass(frozen=True, slots=True)
class Sender:
    """The Telegram side of whoever sent an update, as the update says."""

    telegram_user_id: int
    chat_id: int
    first_name: str | None = None
    username: str | None = None
    language_code: str | None = None
    bot_id: int | None = None  # the extra bot written to (None: the default bot)


def chat_of(payload: dict[str, Any]) -> int | None:
    """The chat an update belongs to, so one chat's updates are handled in order.

    A button press belongs to its presser's private chat: Kabar puts buttons only in
    private chats, and a press of an inline message has no chat at all.
    """
    found = _part(payload)
    if found is None:
        return None
    kind, part = found
    where = _user(part) if kind == "callback_query" else part.get("chat")
    if not isinstance(where, dict) or not is_int64(where.get("id")):
        return None  # none, or not one Telegram would send (bot/messaging/admission.py)
    return int(where["id"])


def sender_of(payload: dict[str, Any]) -> Sender | None:
    """Who sent the update; None for no one a person could be (a channel post, a bot)."""
    found = _part(payload)
    chat_id = chat_of(payload)
    if found is None or chat_id is None:
        return None
    user = _user(found[1])
    if user is None or not is_int64(user.get("id")) or user.get("is_bot"):
        return None
    return Sender(
        telegram_user_id=int(user["id"]),
        chat_id=chat_id,
        first_name=_text(user.get("first_name")),
        username=_text(user.get("username")),
        language_code=_text(user.get("language_code")),
    )


def _part(payload: dict[str, Any]) -> tuple[str, dict[str, Any]] | None:
    for kind in KINDS:
        part = payload.get(kind)
        if isinstance(part, dict):
            return kind, part
    return None


def _user(part: dict[str, Any]) -> dict[str, Any] | None:
    user = part.get("from")
    return user if isinstance(user, dict) else None


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) else None
