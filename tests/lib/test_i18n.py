"""Money, numbers and dates in the reader's locale; Indonesian as the fallback."""

from __future__ import annotations

from datetime import date, timedelta

from bot.domain.cohort_error import CohortError
from bot.domain.cohort_names import MSG_AMBIGUOUS, pick
from bot.lib.i18n import resolve_locale, translator


def test_rupiah_and_dates_in_indonesian() -> None:
    t = translator("id")
    assert t.format_money(150_000) == "Rp150.000"
    assert t.format_money(1_500_000) == "Rp1.500.000"
    assert t.format_number(1.5) == "1,5"
    assert t.format_date(date(2025, 8, 17)) == "17 Agustus 2025"


def test_english_formats_numbers_the_english_way() -> None:
    t = translator("en")
    assert t.format_number(1.5) == "1.5"
    assert t.format_date(date(2025, 8, 17)) == "August 17, 2025"


def test_unknown_and_regional_languages_fall_back_to_indonesian() -> None:
    assert resolve_locale(None) == "id"
    assert resolve_locale("en-US") == "en"
    assert resolve_locale("mad") == "id"
    assert resolve_locale("fr") == "id"
    assert translator("mad").format_money(2_000_000) == "Rp2.000.000"


def test_a_wait_is_said_in_whole_minutes_rounded_up_in_the_persons_language() -> None:
    indonesian, english = translator("id"), translator("en")
    assert indonesian.format_minutes(timedelta(minutes=40)) == "40 menit"
    # What is left is never said as nothing, nor rounded down to the hour.
    assert indonesian.format_minutes(timedelta(seconds=20)) == "1 menit"
    assert english.format_minutes(timedelta(minutes=59, seconds=1)) == "60 minutes"
    assert english.format_minutes(timedelta(hours=3)) == "3 hours"


def test_names_in_a_refusal_are_listed_as_the_readers_language_lists_them() -> None:
    class Stored:
        def __init__(self, name: str) -> None:
            self.name = name

    try:
        pick([Stored("tenun"), Stored("TeNuN"), Stored("Tenun")], "TENUN")
    except CohortError as error:
        refusal = error
    assert refusal.msgid == MSG_AMBIGUOUS
    assert '"TeNuN", "Tenun", dan "tenun". Ketik' in refusal.translate(translator("id"))
    assert '"TeNuN", "Tenun", and "tenun". Type' in refusal.translate(translator("en"))
    assert '"TeNuN", "Tenun", lan "tenun".' in refusal.translate(translator("jv"))
