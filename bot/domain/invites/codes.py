"""Invitation codes: unguessable, safe in a deep link, and easy to read aloud or type.

A code is 20 symbols from Crockford's base-32 alphabet (digits and lowercase letters without
i, l, o, u), 5 random bits each: 100 bits from `secrets`. It is printed in four groups of
five joined by "-" (23 characters, well inside the 64 that a deep-link payload allows and
only using `A-Za-z0-9_-`). Someone typing `/start CODE` by hand may drop the dashes, use
capitals, or confuse o/0 and i/l/1: `normalize_code` forgives all of that.
"""

from __future__ import annotations

import re
import secrets

ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz"
GROUPS = 4
GROUP_LENGTH = 5
SYMBOLS = GROUPS * GROUP_LENGTH
ENTROPY_BITS = SYMBOLS * 5  # 100

# What Telegram allows in a /start payload; every code we make matches it.
CODE_PATTERN = re.compile(r"^[A-Za-z0-9_-]{1,64}$")

# Crockford's reading rules: letters people mistake for digits mean those digits.
_CONFUSABLE = str.maketrans({"o": "0", "i": "1", "l": "1"})
_IGNORED = re.compile(r"[\s_-]+")
_SYMBOLS_RE = re.compile(rf"^[{ALPHABET}]{{{SYMBOLS}}}$")


def new_code() -> str:
    # 100 random bits at once, five to a symbol: a fifth of the time of a draw per symbol,
    # which showed when a sheet renews 100,000 codes.
    bits = secrets.randbits(ENTROPY_BITS)
    symbols = "".join(ALPHABET[(bits >> shift) & 31] for shift in range(0, ENTROPY_BITS, 5))
    return _grouped(symbols)


def _grouped(symbols: str) -> str:
    return "-".join(
        symbols[start : start + GROUP_LENGTH] for start in range(0, SYMBOLS, GROUP_LENGTH)
    )


def normalize_code(text: str) -> str | None:
    """The canonical (grouped, lowercase) form of what someone typed, or None if it cannot
    be one of our codes."""
    symbols = _IGNORED.sub("", text.strip().lower()).translate(_CONFUSABLE)
    if not _SYMBOLS_RE.match(symbols):
        return None
    return _grouped(symbols)


_CODE_LIKE = re.compile(r"^[A-Za-z0-9\s_-]+$")


def looks_like_code(text: str) -> bool:
    """True for text someone may have copied from an invitation card, right or not: letters,
    digits, spaces and dashes only, with both a letter and a digit (not a phone number), and
    about as long as a code."""
    stripped = text.strip()
    if not _CODE_LIKE.match(stripped) or not any(c.isdigit() for c in stripped):
        return False
    if not any(c.isalpha() for c in stripped):
        return False
    symbols = _IGNORED.sub("", stripped)
    return SYMBOLS - 5 <= len(symbols) <= SYMBOLS + 5
