"""Indonesian mobile numbers: every spelling people type, normalised to E.164.

phonenumbers (58 modules, 1.5 MB resident) is imported on first use: a running bot needs it
only when someone registers (docs/PERFORMANCE.md, "Memory of `kabar run`").
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from phonenumbers import PhoneNumber

REGION = "ID"
COUNTRY_CODE = 62
# Digits and the separators people (and spreadsheets) put between them. Letters are refused
# up front: phonenumbers would read "0812-ABC" as a vanity number and keypad-convert it.
_ALLOWED = re.compile(r"[0-9+\-.()/\s]+")
_SEPARATORS = re.compile(r"[\-.()/\s]+")
_MAX_LENGTH = 40


def normalize_phone(raw: str) -> str | None:
    """The E.164 form (+62812…) of an Indonesian mobile number, or None if it is not one.

    Accepts 0812-3456-7890, +62 812 3456 7890, 6281234567890 and 81234567890 (a number
    typed into a spreadsheet loses its leading zero). Never raises on garbage.
    """
    text = raw.strip()
    if not text or len(text) > _MAX_LENGTH or not _ALLOWED.fullmatch(text):
        return None
    compact = _SEPARATORS.sub("", text)
    national = _national_number(compact)
    if national is None:
        return _parse(compact)
    # The type check on a ready-made number is the same one phonenumbers.parse ends with,
    # at a fraction of the cost; a 100,000-row roster spends most of its checking here.
    from phonenumbers import PhoneNumber

    number = PhoneNumber(country_code=COUNTRY_CODE, national_number=int(national))
    if not _is_mobile(number):
        return None
    return f"+{COUNTRY_CODE}{number.national_number}"


def looks_like_phone(text: str) -> bool:
    """Whether a message is a phone number typed out (any country): digits and separators,
    as many digits as a phone number has."""
    text = text.strip()
    if not text or len(text) > _MAX_LENGTH or not _ALLOWED.fullmatch(text):
        return False
    return 8 <= sum(c.isdigit() for c in text) <= 15


def _national_number(compact: str) -> str | None:
    """The national significant number for the unambiguous spellings, else None.

    +62 8…, 08… and 8… can only mean one thing. 62 8… without the plus is left to
    phonenumbers, which first tries it as a national number (a few are fixed lines).
    """
    if compact.startswith("+62"):
        rest = compact[3:]
        rest = rest[1:] if rest.startswith("0") else rest  # +62 (0)812…
    elif compact.startswith("08"):
        rest = compact[1:]
    elif compact.startswith("8"):
        rest = compact
    else:
        return None
    # Every Indonesian mobile number starts with 8; anything else goes the slow way.
    if rest.startswith("8") and rest.isascii() and rest.isdigit() and len(rest) <= 15:
        return rest
    return None


def _is_mobile(number: PhoneNumber) -> bool:
    from phonenumbers import PhoneNumberType, number_type

    return number_type(number) in (PhoneNumberType.MOBILE, PhoneNumberType.FIXED_LINE_OR_MOBILE)


@lru_cache(maxsize=4096)
def _parse(text: str) -> str | None:
    return parse_with_phonenumbers(text)


def parse_with_phonenumbers(text: str) -> str | None:
    """The reference rule: phonenumbers' own parsing, region ID, mobile numbers only."""
    if not text or len(text) > _MAX_LENGTH or not _ALLOWED.fullmatch(text.strip()):
        return None
    import phonenumbers
    from phonenumbers import NumberParseException, PhoneNumberFormat

    try:
        number = phonenumbers.parse(text, REGION)
    except NumberParseException:
        return None
    if phonenumbers.region_code_for_number(number) != REGION:
        return None
    if not phonenumbers.is_valid_number(number):
        return None
    if not _is_mobile(number):
        return None
    return phonenumbers.format_number(number, PhoneNumberFormat.E164)
