"""What of a received update may enter the inbox: checked and cleaned before it is stored.

PostgreSQL refuses U+0000 and lone surrogates in JSONB (and in text columns a handler
writes); ids beyond 64 bits fit no BIGINT column; a non-numeric chat id cannot order a chat's
updates. Each of these once made the poller retry its batch forever. Here an update is
either made storable (what a database refuses replaced, the original kept as bytes) or
refused with a short reason, so that it can be quarantined and acknowledged instead.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from typing import Any

from bot.messaging.inbound import KINDS, chat_of, is_int64

# Telegram's updates nest a few levels (a reply's message, a keyboard's rows); far deeper
# is not Telegram, and deep JSON strains both databases' parsers and PTB's.
MAX_DEPTH = 40
# What a quarantined update keeps of its body, so a huge body does not fill the database.
MAX_RAW_BYTES = 64 * 1024


@dataclass(frozen=True, slots=True)
class Storable:
    """An update fit for the inbox; `raw` is the original body when `payload` was cleaned."""

    update_id: int
    chat_id: int | None
    payload: dict[str, Any]
    raw: bytes | None = None


@dataclass(frozen=True, slots=True)
class Refused:
    """An update that cannot enter the inbox, and why (a reason without personal data)."""

    update_id: int | None
    chat_id: int | None
    reason: str
    raw: bytes | None = None


def update_id_of(update: Any) -> int | None:
    """The update's id if it can be a BIGINT key, else None."""
    found: Any = update.get("update_id") if isinstance(update, dict) else None
    return int(found) if is_int64(found) else None


def check(update: Any, raw: bytes | None = None) -> Storable | Refused:
    """Decide whether `update` (parsed JSON) may be stored, and clean it if so.

    `raw` is the body as received, when there is one (webhook mode).
    """
    if not isinstance(update, dict):
        return Refused(None, None, "not a JSON object", raw_of(update, raw))
    update_id = update_id_of(update)
    if update_id is None:
        return Refused(None, None, "update_id missing or not a 64-bit integer", raw_of(update, raw))
    chat_id, problem = _chat(update)
    if problem is not None:
        return Refused(update_id, chat_id, problem, raw_of(update, raw))
    try:
        if not _dirty(update, MAX_DEPTH):
            return Storable(update_id, chat_id, update)
        cleaned, _ = _clean(update, MAX_DEPTH)
    except _TooDeepError:
        return Refused(update_id, chat_id, "nested too deeply", raw_of(update, raw))
    return Storable(update_id, chat_id, cleaned, raw_of(update, raw))


def _chat(update: dict[str, Any]) -> tuple[int | None, str | None]:
    """The update's chat id, and what is wrong with the ids Kabar reads, if anything."""
    for kind in KINDS:
        part = update.get(kind)
        if not isinstance(part, dict):
            continue
        for name in ("from", "chat"):
            holder = part.get(name)
            if isinstance(holder, dict) and "id" in holder and not is_int64(holder["id"]):
                who = "user" if name == "from" else name
                return None, f"{who} id is not a 64-bit integer"
        break
    return chat_of(update), None


class _TooDeepError(Exception):
    pass


def _dirty(value: Any, depth: int) -> bool:
    """Whether `_clean` would change `value` (raising where it would), found without
    building anything: nearly every update is clean, and rebuilding each of its dicts to
    learn that was most of admission's time."""
    if isinstance(value, str):
        return _bad_text(value)
    if isinstance(value, float):
        return not math.isfinite(value)
    if isinstance(value, dict):
        if depth <= 0:
            raise _TooDeepError
        for key, item in value.items():  # noqa: SIM110 - any() over a generator: 30% slower
            if _bad_text(str(key)) or _dirty(item, depth - 1):
                return True
        return False
    if isinstance(value, list):
        if depth <= 0:
            raise _TooDeepError
        for item in value:
            if _dirty(item, depth - 1):
                return True
    return False


def _bad_text(text: str) -> bool:
    """Whether `_clean_text` would change `text`: a NUL, or a lone surrogate."""
    if "\x00" in text:
        return True
    if text.isascii():
        return False
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def _clean(value: Any, depth: int) -> tuple[Any, bool]:
    """`value` with what the databases refuse replaced; whether anything was."""
    if isinstance(value, str):
        return _clean_text(value)
    if isinstance(value, float) and not math.isfinite(value):
        return None, True  # NaN and Infinity are not JSON, and JSONB refuses them
    if isinstance(value, dict | list):
        if depth <= 0:
            raise _TooDeepError
        if isinstance(value, list):
            items = [_clean(item, depth - 1) for item in value]
            changed = any(item_changed for _, item_changed in items)
            return ([item for item, _ in items] if changed else value), changed
        cleaned: dict[str, Any] = {}
        changed = False
        for key, item in value.items():
            clean_key, key_changed = _clean_text(str(key))
            clean_item, item_changed = _clean(item, depth - 1)
            cleaned[clean_key] = clean_item
            changed = changed or key_changed or item_changed
        return (cleaned if changed else value), changed
    return value, False


def _clean_text(text: str) -> tuple[str, bool]:
    """NUL dropped (it carries nothing a person wrote), lone surrogates made U+FFFD."""
    if text.isascii():
        if "\x00" not in text:
            return text, False
        return text.replace("\x00", ""), True
    cleaned = text.replace("\x00", "")
    try:  # a lone surrogate has no UTF-8 form: only then look for them one by one
        cleaned.encode("utf-8")
    except UnicodeEncodeError:
        cleaned = "".join("\ufffd" if "\ud800" <= ch <= "\udfff" else ch for ch in cleaned)
    return cleaned, cleaned != text


def raw_of(update: Any, raw: bytes | None = None) -> bytes | None:
    """The body to keep: as received, or the parsed update as ASCII JSON (which spells NUL
    and lone surrogates as escapes, so nothing is lost); None if it cannot be written."""
    if raw is None:
        try:
            raw = json.dumps(update).encode("ascii")
        except (ValueError, RecursionError):
            return None
    return raw[:MAX_RAW_BYTES]
