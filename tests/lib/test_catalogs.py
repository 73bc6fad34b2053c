"""Every message in the code has an Indonesian translation with the same placeholders.

An untranslated message would reach a family in English; this fails first.
"""

from __future__ import annotations

import string

from bot.lib.i18n import translator
from locales.coverage import code_entries, is_translated, load_catalog


def _code_messages() -> set[str]:
    return {singular for singular, _plural in code_entries()}


def _fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_every_message_is_translated_to_indonesian() -> None:
    catalog = load_catalog("id")
    missing = []
    for message in sorted(_code_messages()):
        if not is_translated(catalog.get(message)):
            missing.append(message)
    assert not missing, "untranslated (run scripts/update_catalogs.sh, then translate):\n" + (
        "\n".join(missing)
    )


def test_translations_keep_the_placeholders() -> None:
    for locale in ("id", "jv"):
        for entry in load_catalog(locale):
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
    for singular, plural in code_entries():
        if plural is None:
            jv, id_ = t_jv.gettext(singular), t_id.gettext(singular)
            source = singular
        else:
            jv, id_ = t_jv.ngettext(singular, plural, 2), t_id.ngettext(singular, plural, 2)
            source = plural
        if jv == source and id_ != source:
            english.append(singular)
    assert not english
