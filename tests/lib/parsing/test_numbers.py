"""The separator rules for digit literals, on their own."""

from __future__ import annotations

from decimal import Decimal

import pytest

from bot.lib.parsing.numbers import literal_readings


@pytest.mark.parametrize(
    ("raw", "mark", "readings"),
    [
        ("5", ",", ("5",)),
        ("007", ",", ("7",)),
        # One separator then three digits: thousands, or both when it is the decimal mark.
        ("1.500", ",", ("1500",)),
        ("1,500", ",", ("1.5", "1500")),
        ("1,500", ".", ("1500",)),
        ("1.500", ".", ("1.5", "1500")),
        # ... unless the first group cannot start a thousands number.
        ("0,500", ",", ("0.5",)),
        ("0.500", ",", ("0.5",)),
        ("1500,000", ",", ("1500",)),
        (",500", ",", ("0.5",)),
        # Any other single separator is a decimal mark, either way round.
        ("1,5", ",", ("1.5",)),
        ("1.5", ",", ("1.5",)),
        ("1,5", ".", ("1.5",)),
        ("1.25", ",", ("1.25",)),
        ("1,2345", ",", ("1.2345",)),
        # Several groups are thousands.
        ("1.500.000", ",", ("1500000",)),
        ("1,500,000", ",", ("1500000",)),
        ("1,500,000", ".", ("1500000",)),
        # Both kinds: the last is the decimal mark.
        ("1.500,5", ",", ("1500.5",)),
        ("1,500.5", ",", ("1500.5",)),
        ("1.500.000,00", ".", ("1500000",)),
        # Malformed.
        ("1.5.2024", ",", ()),
        ("1,50,000", ",", ()),
        ("1.5,3", ",", ()),
        ("1,500.000,5", ",", ()),
        ("1234.567.890", ",", ()),
    ],
)
def test_literal_readings(raw: str, mark: str, readings: tuple[str, ...]) -> None:
    assert literal_readings(raw, mark) == tuple(Decimal(value) for value in readings)
