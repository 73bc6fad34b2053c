"""Every message in the code has an Indonesian translation with the same placeholders.

An untranslated message would reach a family in English; this fails first.
"""

from __future__ import annotations

import string
from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from bot.lib.i18n import translator

ROOT = Path(__file__).resolve().parents[2]
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "N_": None}


def _code_messages() -> set[str]:
    return {singular for singular, _plural in _code_entries()}


def _code_entries() -> set[tuple[str, str | None]]:
    """(msgid, plural msgid or None) of every message marked in the code."""
    found: set[tuple[str, str | None]] = set()
    for folder in ("bot", "conversations"):
        for _file, _line, message, _comments, _context in extract_from_dir(
            ROOT / folder, method_map=[("**.py", "python")], keywords=KEYWORDS
        ):
            if isinstance(message, tuple):
                if message[0]:
                    found.add((message[0], message[1] if len(message) > 1 else None))
            elif message:
                found.add((message, None))
    return found


def _fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def _catalog(locale: str):  # type: ignore[no-untyped-def]
    with (ROOT / "locales" / locale / "LC_MESSAGES" / "kabar.po").open("rb") as handle:
        return read_po(handle, locale=locale)


def test_every_message_is_translated_to_indonesian() -> None:
    catalog = _catalog("id")
    missing = []
    for message in sorted(_code_messages()):
        entry = catalog.get(message)
        strings = entry.string if entry is not None else None
        if isinstance(strings, tuple):
            strings = all(strings)
        if entry is None or not strings or entry.fuzzy:
            missing.append(message)
    assert not missing, "untranslated (run scripts/update_catalogs.sh, then translate):\n" + (
        "\n".join(missing)
    )


def test_translations_keep_the_placeholders() -> None:
    for locale in ("id", "jv"):
        for entry in _catalog(locale):
            if not entry.id or not entry.string:
                continue
            ids = entry.id if isinstance(entry.id, tuple) else (entry.id,)
            strings = entry.string if isinstance(entry.string, tuple) else (entry.string,)
            for translated in strings:
                if translated:  # an empty form falls back to Indonesian
                    assert _fields(translated) == _fields(ids[0]), (locale, entry.id)


def test_javanese_readers_get_indonesian_rather_than_english() -> None:
    t_jv, t_id = translator("jv"), translator("id")
    english = []
    for singular, plural in _code_entries():
        if plural is None:
            jv, id_ = t_jv.gettext(singular), t_id.gettext(singular)
            source = singular
        else:
            jv, id_ = t_jv.ngettext(singular, plural, 2), t_id.ngettext(singular, plural, 2)
            source = plural
        if jv == source and id_ != source:
            english.append(singular)
    assert not english
