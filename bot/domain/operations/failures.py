"""Why a message was not delivered, in the staff reader's words.

The outbox keeps Telegram's own description of a refusal (English, as the Bot API gives
it) so nothing is lost; staff read it in their language. A description Kabar does not
know is shown as Telegram gave it, named as Telegram's.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from bot.lib.i18n import N_, Translator

# A piece of Telegram's description (lowercased), and what it means to the reader.
KNOWN: tuple[tuple[str, str], ...] = (
    ("bot was blocked by the user", N_("they blocked the bot")),
    ("user is deactivated", N_("their Telegram account was deleted")),
    ("chat not found", N_("their chat no longer exists")),
    ("bot can't initiate conversation", N_("they have not opened the bot yet")),
    ("message is too long", N_("the message is too long")),
    ("can't parse entities", N_("the message's formatting is broken")),
    ("message to edit not found", N_("the message to update no longer exists")),
    ("message can't be edited", N_("the message can no longer be changed")),
    ("wrong file identifier", N_("a photo or file in it can no longer be sent")),
    ("wrong remote file", N_("a photo or file in it can no longer be sent")),
    ("timed out", N_("Telegram did not answer in time")),
    ("aiohttp.", N_("Telegram could not be reached")),
    ("bad gateway", N_("Telegram had a fault on its side")),
    ("internal server error", N_("Telegram had a fault on its side")),
    ("not a message kabar can read", N_("Kabar could not read the stored message")),
)
UNKNOWN = N_("no reason given")
TELEGRAM_SAID = N_('Telegram said "{reason}"')


def failure_label(t: Translator, error: str | None) -> str:
    if not error or error == "?":
        return t.gettext(UNKNOWN)
    text = error.lower()
    for piece, label in KNOWN:
        if piece in text:
            return t.gettext(label)
    return t.gettext(TELEGRAM_SAID).format(reason=error)


def failure_counts(t: Translator, counts: Iterable[tuple[str, int]]) -> list[tuple[str, int]]:
    """(Telegram's description, how many) as (the reader's words, how many), most first:
    descriptions that say the same (a connection refused, then reset) make one line."""
    merged: Counter[str] = Counter()
    for error, n in counts:
        merged[failure_label(t, error)] += n
    return merged.most_common()
