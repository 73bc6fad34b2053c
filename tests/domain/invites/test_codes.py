"""Invitation codes: format, uniqueness, and forgiving reading of typed codes."""

from __future__ import annotations

import math

from hypothesis import given
from hypothesis import strategies as st

from bot.domain.invites.codes import (
    ALPHABET,
    CODE_PATTERN,
    ENTROPY_BITS,
    SYMBOLS,
    new_code,
    normalize_code,
)


def test_codes_are_deep_link_safe_unique_and_strong() -> None:
    codes = [new_code() for _ in range(2000)]
    assert len(set(codes)) == len(codes)
    for code in codes:
        assert CODE_PATTERN.match(code)
        assert len(code) <= 64
    assert math.log2(len(ALPHABET)) * SYMBOLS == ENTROPY_BITS >= 96
    # Every symbol of the alphabet gets used: the randomness is spread over all of it.
    assert set("".join(codes).replace("-", "")) == set(ALPHABET)


def test_codes_read_aloud_in_groups() -> None:
    code = new_code()
    groups = code.split("-")
    assert [len(group) for group in groups] == [5, 5, 5, 5]
    assert not set(code) & set("ilou")  # no letters people mistake for digits


@given(st.text(alphabet=ALPHABET, min_size=SYMBOLS, max_size=SYMBOLS))
def test_normalize_forgives_case_dashes_and_lookalikes(symbols: str) -> None:
    canonical = normalize_code(symbols)
    assert canonical is not None and canonical.replace("-", "") == symbols
    typed = " ".join(symbols[i : i + 4] for i in range(0, SYMBOLS, 4)).upper()
    assert normalize_code(typed) == canonical
    assert normalize_code(symbols.replace("0", "o").replace("1", "l")) == canonical


def test_normalize_rejects_what_cannot_be_a_code() -> None:
    assert normalize_code("") is None
    assert normalize_code("hello") is None
    assert normalize_code("u" * SYMBOLS) is None
    assert normalize_code(new_code() + "x") is None
