"""Every text a family, facilitator or coordinator can receive exists in Javanese, with the
placeholders of its msgid.

Which texts they receive is computed in locales/coverage.py (FAMILY_SOURCES and
FIELD_STAFF_SOURCES): a new text in one of those files is covered from the start, and this
fails until it is translated.
"""

from __future__ import annotations

import string
from collections.abc import Callable
from datetime import date

import pytest
from babel.messages.catalog import Catalog

from bot.lib.i18n import translator
from locales.coverage import (
    FAMILY_SOURCES,
    FIELD_STAFF_SOURCES,
    Entry,
    Only,
    family_entries,
    field_staff_entries,
    is_translated,
    load_catalog,
    untranslated,
)


def _fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_every_family_facing_message_is_translated_into_javanese() -> None:
    missing = untranslated(load_catalog("jv"), family_entries())
    assert not missing, (
        "no Javanese translation (run scripts/update_catalogs.sh, then translate in "
        "locales/jv/LC_MESSAGES/kabar.po):\n" + "\n".join(missing)
    )


def test_every_message_a_facilitator_or_coordinator_receives_is_translated_into_javanese() -> None:
    missing = untranslated(load_catalog("jv"), field_staff_entries())
    assert not missing, (
        "no Javanese translation (run scripts/update_catalogs.sh, then translate in "
        "locales/jv/LC_MESSAGES/kabar.po):\n" + "\n".join(missing)
    )


READERS: dict[str, Callable[[], set[Entry]]] = {
    "families": family_entries,
    "field staff": field_staff_entries,
}


@pytest.mark.parametrize("readers", READERS)
def test_javanese_keeps_the_placeholders_of_every_message_they_receive(readers: str) -> None:
    catalog = load_catalog("jv")
    wrong = []
    for msgid, plural in sorted(READERS[readers]()):
        message = catalog.get(msgid)
        if message is None:
            continue  # reported by the test above
        forms = message.string if isinstance(message.string, tuple) else (message.string,)
        for index, form in enumerate(forms):
            source = plural if index > 0 and plural else msgid
            if _fields(str(form)) != _fields(source):
                wrong.append(f"{msgid!r}: {form!r}")
    assert not wrong, "\n".join(wrong)


def test_the_family_facing_set_holds_family_texts_and_not_staff_texts() -> None:
    found = {msgid for msgid, _plural in family_entries()}
    # The check-in, onboarding, a refusal, /dataku, a family's command menu, a broadcast reply,
    # their village's figures.
    assert "How much did you produce? Type a number in {unit}." in found
    assert "Basa Jawa" in found
    assert "Please type a number." in found
    assert any(msgid.startswith("What Kabar holds about you:") for msgid in found)
    assert "stop messages" in found
    assert "Thank you. Your message has been passed to your facilitator (pendamping)." in found
    assert "In the last check-in, no family in {village} reported production." in found
    # What facilitators and staff read is not in it.
    assert not any(msgid.startswith("Kabar for facilitators, coordinators") for msgid in found)
    assert "{name} ({id}, {village}) stopped receiving messages from Kabar." not in found
    assert "💬 {name} ({village}) replied to an announcement:\n{text}" not in found
    assert "my families and their status" not in found


def test_the_field_staff_set_holds_what_they_see_in_telegram_and_not_the_command_line() -> None:
    found = {msgid for msgid, _plural in field_staff_entries()}
    # /laporan, its chart, the graduation review, the digest, /stok, /siaran, a notice.
    assert "📊 Programme figures: {scope}" in found
    assert "Response rate (%)" in found
    assert "🎓 Ready to graduate? For your review, nothing is decided automatically" in found
    assert any(msgid.startswith("Weekly digest, last check-in:") for msgid in found)
    assert "Stock ready for pickup, offered by the families:" in found
    assert "📣 A new broadcast. Who should receive it?" in found
    assert "Cancel the broadcast" in found
    assert "{name} ({id}, {village}) stopped receiving messages from Kabar." in found
    assert "💬 {name} ({village}) replied to an announcement:\n{text}" in found
    assert "my families and their status" in found
    # What only the command line prints, or only families and partners read, is not.
    assert "There is no broadcast {id}." not in found
    assert not any(msgid.startswith("Unknown time zone") for msgid in found)
    assert not any(msgid.startswith("Cannot read the quiet hours") for msgid in found)
    assert "Stock ready for pickup, per village:" not in found
    assert "How much did you produce? Type a number in {unit}." not in found


def test_a_missing_or_half_translated_message_is_caught() -> None:
    catalog = Catalog(locale="jv")
    catalog.add("Yes", "Nggih")
    catalog.add("Thanks", "Matur nuwun", flags=("fuzzy",))  # fuzzy is never served
    catalog.add(("{count} photo", "{count} photos"), ("{count} foto", ""))
    entries = [("Yes", None), ("No", None), ("Thanks", None), ("{count} photo", "{count} photos")]
    assert untranslated(catalog, entries) == ["No", "Thanks", "{count} photo"]
    assert is_translated(catalog.get("Yes"))


def test_a_selection_naming_a_definition_that_is_gone_fails_loudly(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    sources = dict(FAMILY_SOURCES)
    sources["bot/domain/broadcasts/replies.py"] = Only(("THANKS", "NO_SUCH_TEXT"))
    monkeypatch.setattr("locales.coverage.FAMILY_SOURCES", sources)
    with pytest.raises(LookupError, match="NO_SUCH_TEXT"):
        family_entries()
    staff = dict(FIELD_STAFF_SOURCES)
    staff["bot/domain/reports/scope.py"] = Only(("MSG_GONE",))
    monkeypatch.setattr("locales.coverage.FIELD_STAFF_SOURCES", staff)
    with pytest.raises(LookupError, match="MSG_GONE"):
        field_staff_entries()


def test_a_javanese_reader_gets_javanese_text_and_javanese_formats() -> None:
    t = translator("jv")
    assert t.locale == "jv"
    assert t.gettext("Yes") == "Nggih"
    assert t.gettext("Skip") == "Liwati"
    assert t.format_money(150_000) == "Rp150.000"
    assert t.format_number(1.5) == "1,5"
    assert t.format_number(2500) == "2.500"
    assert t.format_date(date(2026, 12, 3)) == "3 Desember 2026"
    # A regional code of Javanese is Javanese too.
    assert translator("jv-ID").gettext("Yes") == "Nggih"


# Indonesian words with a different Javanese one: in a family-facing Javanese text they are
# a sentence left half in Indonesian.
INDONESIAN_ONLY = ("Sebagian", "Anda", "tidak", "yang", "sudah", "belum", "dengan", "kepada")


@pytest.mark.parametrize("readers", READERS)
def test_no_javanese_text_they_receive_is_left_half_in_indonesian(readers: str) -> None:
    catalog = load_catalog("jv")
    found = []
    for msgid, _plural in sorted(READERS[readers]()):
        message = catalog.get(msgid)
        forms = () if message is None else (message.string,)
        for form in forms:
            text = " ".join(form) if isinstance(form, tuple) else str(form)
            words = set(text.replace("\n", " ").split())
            found += [f"{word}: {text!r}" for word in INDONESIAN_ONLY if word in words]
    assert not found, "\n".join(found)
