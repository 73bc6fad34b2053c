"""A broadcast's words: checked before anything is written, and each person's own version."""

from __future__ import annotations

import re
from collections.abc import Mapping

from bot.domain.broadcasts.errors import BroadcastError
from bot.lib.i18n import N_, resolve_locale

NAME = "{nama}"  # the recipient's name, as staff write it (any other braces stay as typed)
# As phones type it too: "{Nama}", "{ nama }", "{NAME}": each is the name, or every family
# would have read the braces instead of their name.
_NAME_AS_TYPED = re.compile(r"\{\s*(?:nama|name)\s*\}", re.IGNORECASE)
# Any other word in braces ("{desa}"): sent as typed, which the preview points out.
_TAG = re.compile(r"\{[^{}\n]{1,40}\}")
TEXT_LIMIT = 4096  # Telegram's limits, in characters
CAPTION_LIMIT = 1024

MSG_EMPTY = N_("The message is empty: write the announcement, for example “Pengering tiba Kamis”.")
MSG_TOO_LONG = N_(
    "The message is {length} characters long; Telegram takes at most {limit}. Shorten it."
)
MSG_CAPTION_TOO_LONG = N_(
    "A photo's caption is {length} characters long; Telegram takes at most {limit}. Shorten "
    "it, or send the text as its own broadcast."
)


def check_text(text: str, *, photo: bool, longest_name: int = 0, required: bool = True) -> str:
    """The text as it will be stored, or BroadcastError. `{nama}` counts as the longest name
    in the audience: the limit holds for every recipient, not just the one previewed."""
    cleaned = text.strip()
    if not cleaned and not photo and required:
        raise BroadcastError(MSG_EMPTY)
    limit = CAPTION_LIMIT if photo else TEXT_LIMIT
    names = _NAME_AS_TYPED.findall(cleaned)
    length = len(cleaned) + sum(longest_name - len(typed) for typed in names)
    if length > limit:
        message = MSG_CAPTION_TOO_LONG if photo else MSG_TOO_LONG
        raise BroadcastError(message, length=length, limit=limit)
    return cleaned


def text_for(
    default_text: str,
    texts: Mapping[str, str],
    *,
    language: str | None,
    name: str,
) -> str:
    """The person's own language when the broadcast has it, the default text otherwise."""
    own = texts.get(resolve_locale(language)) if language else None
    chosen = own or default_text
    if "{" not in chosen:  # most texts: no regular expression per recipient
        return chosen
    return _NAME_AS_TYPED.sub(lambda _typed: name, chosen)


def unknown_tags(*texts: str) -> list[str]:
    """The words in braces that are not the name, once each in the order written: a staff
    member who wrote "{desa}" expecting the village would otherwise see it only after it
    reached every family."""
    found: dict[str, None] = {}
    for text in texts:
        for tag in _TAG.findall(text or ""):
            if not _NAME_AS_TYPED.fullmatch(tag):
                found.setdefault(tag)
    return list(found)
