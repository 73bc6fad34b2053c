"""Phone normalisation: the spellings people type, and garbage that must not crash."""

from __future__ import annotations

import pytest
from hypothesis import assume, example, given
from hypothesis import strategies as st

from bot.lib.phones import normalize_phone, parse_with_phonenumbers


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("0812-3456-7890", "+6281234567890"),
        ("+62 812 3456 7890", "+6281234567890"),
        ("+62 (0) 812-3456-7890", "+6281234567890"),
        ("6281234567890", "+6281234567890"),
        ("81234567890", "+6281234567890"),
        ("  0812.3456.7890  ", "+6281234567890"),
        ("081300002001", "+6281300002001"),
        ("+62 811-0000-0001", "+6281100000001"),
        ("0852 1234 5678", "+6285212345678"),
    ],
)
def test_accepted_spellings(raw: str, expected: str) -> None:
    assert normalize_phone(raw) == expected


@pytest.mark.parametrize(
    "raw",
    [
        "",
        "   ",
        "021-555-1234",  # a Jakarta landline
        "0812",  # too short
        "0812-3456-7890-1234",  # too long
        "+1 202 555 0100",  # not Indonesian
        "+60 12-345 6789",  # Malaysian mobile
        "0812-ABCD-7890",  # letters are never keypad-converted
        "tidak ada",
        "0812 3456 7890 / 0813 1111 2222",  # two numbers in one cell
    ],
)
def test_rejected(raw: str) -> None:
    assert normalize_phone(raw) is None


# A valid mobile national number: 8, a second digit other than 4, and 10-12 digits in all.
# (Nine-digit numbers exist but "62" + nine digits is also a valid landline spelling.)
nationals = st.builds(
    lambda second, rest: f"8{second}{rest}",
    st.sampled_from("1235679"),
    st.text(alphabet="0123456789", min_size=8, max_size=10),
)
separators = st.sampled_from(["", " ", "-", ".", " - "])


def _spell(national: str, prefix: str, separator: str, cut: int) -> str:
    body = national[:cut] + separator + national[cut:] if separator else national
    return prefix + body


@given(
    national=nationals,
    prefix=st.sampled_from(["0", "+62", "+62 ", "62", "", "+62 (0)"]),
    separator=separators,
    cut=st.integers(min_value=1, max_value=8),
)
@example(national="81234567890", prefix="62", separator="", cut=3)
def test_every_spelling_of_a_mobile_gives_the_same_e164(
    national: str, prefix: str, separator: str, cut: int
) -> None:
    expected = f"+62{national}"
    assume(parse_with_phonenumbers(expected) == expected)
    assert normalize_phone(_spell(national, prefix, separator, cut)) == expected


@given(st.text(max_size=60))
def test_garbage_never_raises(text: str) -> None:
    result = normalize_phone(text)
    assert result is None or (result.startswith("+628") and result[1:].isdigit())


@given(
    st.one_of(
        st.text(alphabet="0123456789+-. ()/", max_size=24),
        st.builds(
            lambda head, tail: head + tail,
            st.sampled_from(["0", "08", "8", "62", "628", "+62", "+628", "+62 0", "00"]),
            st.text(alphabet="0123456789 -", max_size=16),
        ),
    )
)
def test_fast_path_agrees_with_phonenumbers(text: str) -> None:
    # normalize_phone skips phonenumbers.parse for the common spellings; it must never
    # decide differently from the library's own parsing.
    assert normalize_phone(text) == parse_with_phonenumbers(text)
