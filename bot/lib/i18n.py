"""Translations (gettext catalogs in locales/) and Babel formatting in a person's locale.

Catalogs are compiled from the .po files in memory on first use, so an install never needs a
separate `pybabel compile` step and a stale .mo can never be served.
"""

from __future__ import annotations

import gettext
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from functools import lru_cache
from io import BytesIO
from pathlib import Path

import locales

DOMAIN = "kabar"
DEFAULT_LOCALE = "id"
# Languages with a catalog; the first is the default.
SUPPORTED_LOCALES: tuple[str, ...] = ("id", "en", "jv")
# Languages people may have on the roster that fall back to Indonesian for text; Madurese
# has no Babel locale data either, so it is formatted as Indonesian too.
FALLBACK_TO_DEFAULT: frozenset[str] = frozenset({"su", "mad", "ban", "bug", "min", "sas"})
LOCALE_NAMES = {"id": "Bahasa Indonesia", "en": "English", "jv": "Basa Jawa"}

CATALOG_DIR = Path(locales.__file__).parent


def N_(message: str) -> str:  # noqa: N802 - the conventional gettext marker
    """Mark a message for extraction; it is translated later, in the reader's language."""
    return message


# One name in a list of names; its quotation marks are the translation's.
QUOTED_NAME = N_('"{name}"')


def resolve_locale(code: str | None) -> str:
    """Map whatever we know of a person's language (roster code, Telegram's) to a catalog."""
    if not code:
        return DEFAULT_LOCALE
    base = code.replace("-", "_").split("_")[0].lower()
    return base if base in SUPPORTED_LOCALES else DEFAULT_LOCALE


def is_known_language(code: str) -> bool:
    """A roster language code we can serve (directly or by falling back to Indonesian)."""
    from babel import Locale, UnknownLocaleError

    base = code.replace("-", "_").split("_")[0].lower()
    if base in SUPPORTED_LOCALES or base in FALLBACK_TO_DEFAULT:
        return True
    try:
        Locale.parse(code.replace("-", "_"))
    except (UnknownLocaleError, ValueError):
        return False
    return True


def _load_catalog(locale: str) -> gettext.GNUTranslations | None:
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    po_path = CATALOG_DIR / locale / "LC_MESSAGES" / f"{DOMAIN}.po"
    if not po_path.is_file():
        return None
    with po_path.open("rb") as handle:
        catalog = read_po(handle, locale=locale)
    # A plural entry with an empty form would be served as empty text; drop it so the
    # fallback catalog (Indonesian) answers instead.
    for message in list(catalog):
        forms = message.string if isinstance(message.string, tuple) else (message.string,)
        if message.id and not all(forms):
            del catalog[message.id]
    buffer = BytesIO()
    write_mo(buffer, catalog, use_fuzzy=False)
    buffer.seek(0)
    return gettext.GNUTranslations(buffer)


class Names(tuple[str, ...]):
    """Names given as one field of a message: written when the message is translated, as
    the reader's locale writes a list ("a", "b" dan "c"), each name quoted."""

    __slots__ = ()


class Word(str):
    """A word given as one field of a message (a status, say), as its msgid: translated
    with the message, so the reader sees their word and never the code behind it."""

    __slots__ = ()


@dataclass(frozen=True, slots=True)
class Translator:
    """Text and numbers for one locale. Obtain with `translator(code)`."""

    locale: str
    _translations: gettext.NullTranslations

    def gettext(self, message: str) -> str:
        return self._translations.gettext(message)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return self._translations.ngettext(singular, plural, n)

    def fill(self, msgid: str, params: Mapping[str, object]) -> str:
        """`msgid` translated, its fields filled; `Names` written as this locale lists them,
        a `Word` in this locale's words."""
        values = {key: self._field(value) for key, value in params.items()}
        return self.gettext(msgid).format(**values)

    def _field(self, value: object) -> object:
        if isinstance(value, Names):
            return self.format_names(value)
        if isinstance(value, Word):
            return self.gettext(value)
        return value

    def format_names(self, names: Iterable[str]) -> str:
        from babel.lists import format_list

        quoted = self.gettext(QUOTED_NAME)
        return format_list([quoted.format(name=name) for name in names], locale=self.locale)

    def format_number(self, value: int | float | Decimal) -> str:
        from babel.numbers import format_decimal

        return format_decimal(value, locale=self.locale)

    def format_percent(self, percent: int | float) -> str:
        """A percentage given in percent (50 → "50%" in English, "50%" in Indonesian)."""
        from babel.numbers import format_percent

        return format_percent(percent / 100, locale=self.locale)

    def format_money(self, rupiah: int | Decimal) -> str:
        """Rupiah without decimals, as people write it: Rp150.000."""
        from babel.numbers import format_currency

        return format_currency(
            rupiah, "IDR", locale=self.locale, format="¤#,##0", currency_digits=False
        )

    def format_date(self, value: date | datetime, fmt: str = "long", tz: str | None = None) -> str:
        """A day as the locale writes it; a moment is the day it is in `tz` (the family's
        cohort zone), not in UTC, where 08:00 WIT is still the day before."""
        from babel.dates import format_date

        if tz is not None and isinstance(value, datetime):
            value = value.astimezone(_zone(tz))
        return format_date(value, format=fmt, locale=self.locale)

    def format_datetime(self, value: datetime, tz: str, fmt: str = "d MMMM y HH:mm") -> str:
        from babel.dates import format_datetime

        return format_datetime(value, format=fmt, tzinfo=_zone(tz), locale=self.locale)

    def format_minutes(self, value: timedelta) -> str:
        """A wait as the locale says it ("40 menit"), in whole minutes rounded up, so that
        what is left is never said as nothing; hours only from two hours on."""
        from babel.dates import format_timedelta

        minutes = max(1, -(-int(value.total_seconds()) // 60))
        return format_timedelta(
            timedelta(minutes=minutes), threshold=2, granularity="minute", locale=self.locale
        )

    def format_time(self, value: datetime, tz: str, fmt: str = "short") -> str:
        """A time of day as the locale writes it (13.05 in Indonesian, 1:05 PM in English)."""
        from babel.dates import format_time

        return format_time(value, format=fmt, tzinfo=_zone(tz), locale=self.locale)


def _zone(name: str):  # type: ignore[no-untyped-def]
    from zoneinfo import ZoneInfo

    return ZoneInfo(name)


@lru_cache(maxsize=16)
def translator(code: str | None) -> Translator:
    """The translator for a person's language; unknown languages get Indonesian."""
    locale = resolve_locale(code)
    chain: gettext.NullTranslations = gettext.NullTranslations()
    # Untranslated messages fall back to Indonesian, never to the English source text,
    # except for English itself.
    order = [locale] if locale in ("en", DEFAULT_LOCALE) else [locale, DEFAULT_LOCALE]
    loaded = [c for c in (_load_catalog(name) for name in order) if c is not None]
    if loaded:
        chain = loaded[0]
        for extra in loaded[1:]:
            chain.add_fallback(extra)
    return Translator(locale=locale, _translations=chain)
