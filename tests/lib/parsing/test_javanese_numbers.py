"""Javanese number words are read like the Indonesian ones."""

from __future__ import annotations

from decimal import Decimal

import pytest

from bot.lib.parsing.amounts import Parsed, parse_money, parse_quantity


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("seket ewu", 50_000),
        ("sepuluh", 10),
        ("rong puluh", 20),
        ("satus", 100),
        ("sewu", 1_000),
        ("limang atus", 500),
        ("rong atus seket ewu", 250_000),
        ("satus seket ewu", 150_000),
        ("selawe ewu", 25_000),
        ("kalih dasa ewu", 20_000),
        ("sewu limang atus", 1_500),
        ("rong yuta", 2_000_000),
        ("Rp seket ewu", 50_000),
        ("sekitar telung atus ewu", 300_000),
    ],
)
def test_javanese_amounts(text: str, value: int) -> None:
    assert parse_money(text, ceiling=1_000_000_000, locale="jv") == Parsed(Decimal(value))


@pytest.mark.parametrize(
    ("text", "value"),
    [("loro", "2"), ("telu kilo", "3"), ("rolas", "12"), ("pitulas kg", "17"), ("papat", "4")],
)
def test_javanese_quantities(text: str, value: str) -> None:
    parsed = parse_quantity(text, unit="kg", ceiling=Decimal(1000), locale="jv")
    assert parsed == Parsed(Decimal(value))
