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
