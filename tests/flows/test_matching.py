"""Typed text read as the button it names."""

from __future__ import annotations

import pytest

from bot.flows.matching import match, normal

YES_NO = [("yes", ("Ya", "Yes", "iya", "nggih", "sampun")), ("no", ("Tidak", "No", "gak"))]
PROBLEMS = [("capital", ("Modal", "Capital")), ("raw_material", ("Bahan baku", "Raw material"))]


def test_normal_drops_case_emoji_and_punctuation() -> None:
    assert normal("  ✅ KIRIM!! ") == "kirim"
    assert normal("ya.") == "ya"
    assert normal("Sèket") == "seket"


@pytest.mark.parametrize(
    ("typed", "value"),
    [
        ("YA", "yes"),
        ("ya.", "yes"),
        ("Iya!", "yes"),
        ("nggih", "yes"),
        ("tidak", "no"),
        ("tdiak", "no"),  # two letters swapped
        ("Gak", "no"),
        ("mungkin", None),
        ("t", None),  # too short to forgive
    ],
)
def test_yes_no(typed: str, value: str | None) -> None:
    assert match(typed, YES_NO) == value


@pytest.mark.parametrize(
    ("typed", "value"),
    [("modal", "capital"), ("Modl", "capital"), ("bahan bku", "raw_material"), ("bahan", None)],
)
def test_misspelled_labels(typed: str, value: str | None) -> None:
    assert match(typed, PROBLEMS) == value


def test_a_typo_as_near_to_two_buttons_matches_neither() -> None:
    assert match("abcd", [("a", ("abce",)), ("b", ("abcf",))]) is None


CONSENT = [
    ("yes", ("Kula setuju", "I agree", "ya setuju", "iya", "nggih")),
    ("no", ("Kula mboten setuju", "I do not agree", "nggak setuju", "ora setuju", "nggak")),
]


@pytest.mark.parametrize(
    ("typed", "value"),
    [
        # Two edits in "nggih" made it "nggak setuju" (no): each word has its own allowance.
        ("nggih setuju", None),
        ("ya setujuu", "yes"),  # a typo in the long word is still forgiven
        ("nggak setuju", "no"),
        ("iya bu", "yes"),  # said to a person: the "bu" is not the answer
        ("Nggih pak.", "yes"),
        ("pak", None),
    ],
)
def test_each_word_of_a_phrase_gets_only_its_own_allowance(typed: str, value: str | None) -> None:
    assert match(typed, CONSENT) == value


def test_typed_consent_as_families_write_it() -> None:
    from conversations.words import AGREE_WORDS, DISAGREE_WORDS

    consent = [
        ("yes", ("Saya setuju", *AGREE_WORDS)),
        ("no", ("Saya tidak setuju", *DISAGREE_WORDS)),
    ]
    for typed in ("nggih setuju", "iya saya setuju", "Nggih, kula setuju", "ya bu setuju"):
        assert match(typed, consent) == "yes", typed
    for typed in ("saya tidak setuju", "ora setuju pak", "gak setuju"):
        assert match(typed, consent) == "no", typed


@pytest.mark.parametrize(
    ("typed", "sold"),
    [("semua", "2.5"), ("Habis!", "2.5"), ("payu kabeh", "2.5"), ("all of it", "2.5"), ("2", "2")],
)
def test_all_of_it_is_what_was_produced(typed: str, sold: str) -> None:
    from bot.flows.typed import everything
    from conversations.checkin import CHECKIN

    step = CHECKIN.step("quantity_sold")
    assert everything(step, typed, {"quantity_produced": "2.5"}) == sold
    # Nothing to be "all" of, or a question without a most: as typed.
    assert everything(step, typed, {}) == typed
    assert everything(CHECKIN.step("quantity_produced"), typed, {"x": "1"}) == typed
