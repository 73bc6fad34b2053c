"""What families type, and what the parser makes of it: one row per example."""

from __future__ import annotations

from decimal import Decimal

import pytest

from bot.lib.parsing import AmountError, Parsed, Rejected, parse_money, parse_quantity

E = AmountError
KG_CEILING = Decimal(10_000)
MONEY_CEILING = 100_000_000

Expected = Decimal | AmountError | tuple[AmountError, tuple[str, ...]]


def _check(result: Parsed | Rejected, expected: Expected) -> None:
    if isinstance(expected, Decimal):
        assert result == Parsed(expected)
    elif isinstance(expected, AmountError):
        assert isinstance(result, Rejected)
        assert result.error is expected
    else:
        error, candidates = expected
        assert result == Rejected(error, tuple(Decimal(c) for c in candidates))


QUANTITIES_KG: list[tuple[str, Expected]] = [
    # Digits, units, separators.
    ("5", Decimal(5)),
    ("5 kg", Decimal(5)),
    ("5kg", Decimal(5)),
    ("5 KG", Decimal(5)),
    ("  5   kilo  ", Decimal(5)),
    ("5 kilogram", Decimal(5)),
    ("5 Kg.", Decimal(5)),
    ("kg 5", Decimal(5)),
    ("1,5", Decimal("1.5")),
    ("1.5", Decimal("1.5")),
    ("1,5kg", Decimal("1.5")),
    ("0", Decimal(0)),
    ("0 kg", Decimal(0)),
    ("0,5", Decimal("0.5")),
    ("0,500", Decimal("0.5")),  # a leading 0 is never thousands
    ("1.500", Decimal(1500)),
    ("1.500,5", Decimal("1500.5")),
    ("1,500.5", Decimal("1500.5")),
    ("1.500.000 gram", Decimal(1500)),
    ("1,500,000 gram", Decimal(1500)),
    ("1,500", (E.AMBIGUOUS, ("1.5", "1500"))),
    ("2,125 kg", (E.AMBIGUOUS, ("2.125", "2125"))),
    ("1500,5", Decimal("1500.5")),
    ("1,23456", Decimal("1.235")),  # rounded to 3 decimals
    ("５ ｋｇ", Decimal(5)),  # full-width, as some keyboards type
    ("٥", Decimal(5)),
    # Fractions.
    ("½", Decimal("0.5")),
    ("1½ kg", Decimal("1.5")),
    ("½kg", Decimal("0.5")),
    ("1/2 kg", Decimal("0.5")),
    ("1 1/2", Decimal("1.5")),
    ("3/4", Decimal("0.75")),
    # Units converted into kg.
    ("500 gram", Decimal("0.5")),
    ("500 gr", Decimal("0.5")),
    ("500g", Decimal("0.5")),
    ("5 ons", Decimal("0.5")),
    ("1 kg 500 gram", Decimal("1.5")),
    ("2 kwintal", Decimal(200)),
    ("1 ton", Decimal(1000)),
    ("1 gram", Decimal("0.001")),
    # Number words.
    ("nol", Decimal(0)),
    ("satu", Decimal(1)),
    ("sembilan", Decimal(9)),
    ("sepuluh", Decimal(10)),
    ("sebelas", Decimal(11)),
    ("dua belas", Decimal(12)),
    ("dua puluh lima", Decimal(25)),
    ("dua-puluh lima", Decimal(25)),
    ("seratus", Decimal(100)),
    ("seratus dua puluh tiga", Decimal(123)),
    ("tiga ratus", Decimal(300)),
    ("seribu", Decimal(1000)),
    ("lima ribu", Decimal(5000)),
    ("seribu lima ratus", Decimal(1500)),
    ("dua ribu setengah", Decimal(2500)),
    ("setengah", Decimal("0.5")),
    ("setengah kilo", Decimal("0.5")),
    ("satu setengah", Decimal("1.5")),
    ("1 setengah", Decimal("1.5")),
    ("Satu Setengah Kg", Decimal("1.5")),
    ("sekilo", Decimal(1)),
    ("sekilo setengah", Decimal("1.5")),
    ("satu kilo setengah", Decimal("1.5")),
    ("lima kilo", Decimal(5)),
    ("tiga perempat", Decimal("0.75")),
    ("seperempat kilo", Decimal("0.25")),
    ("satu koma lima", Decimal("1.5")),
    ("dua koma dua lima", Decimal("2.25")),
    ("1 koma 25", Decimal("1.25")),
    ("five", Decimal(5)),
    ("twenty-five", Decimal(25)),
    ("one hundred and fifty", Decimal(150)),
    ("one and a half", Decimal("1.5")),
    # Zero said in words.
    ("tidak ada", Decimal(0)),
    ("Tidak ada.", Decimal(0)),
    ("ga ada", Decimal(0)),
    ("gak ada", Decimal(0)),
    ("g ada", Decimal(0)),
    ("gaada", Decimal(0)),
    ("belum ada", Decimal(0)),
    ("belum laku", Decimal(0)),
    ("belum", Decimal(0)),
    ("kosong", Decimal(0)),
    ("none", Decimal(0)),
    ("Nothing", Decimal(0)),
    # Filler and punctuation around the number.
    ("sekitar 5 kg kak", Decimal(5)),
    ("kurang lebih 5", Decimal(5)),
    ("kira-kira 5 kilo", Decimal(5)),
    ("+- 5 kg", Decimal(5)),
    ("± 5", Decimal(5)),
    ("terjual 10 kg", Decimal(10)),
    ("(5)", Decimal(5)),
    ("5 kg 👍", Decimal(5)),
    ("5?", Decimal(5)),
    ("-0", Decimal(0)),
    # Several numbers or a range.
    ("5-6", (E.AMBIGUOUS, ("5", "6"))),
    ("5 - 6 kg", (E.AMBIGUOUS, ("5", "6"))),
    ("5 atau 6", (E.AMBIGUOUS, ("5", "6"))),
    ("5 sampai 6", (E.AMBIGUOUS, ("5", "6"))),
    ("5 s/d 6", (E.AMBIGUOUS, ("5", "6"))),
    ("5~6", (E.AMBIGUOUS, ("5", "6"))),
    ("5/6", (E.AMBIGUOUS, ("5", "6"))),
    ("5 6", (E.AMBIGUOUS, ("5", "6"))),
    ("5, 6", (E.AMBIGUOUS, ("5", "6"))),
    ("lima enam", (E.AMBIGUOUS, ("5", "6"))),
    ("lima-enam", (E.AMBIGUOUS, ("5", "6"))),
    ("5 kg 6 kg", (E.AMBIGUOUS, ("5", "6"))),
    ("2-3 ribu", (E.AMBIGUOUS, ("2000", "3000"))),
    ("500 gram atau 1 kg", (E.AMBIGUOUS, ("0.5", "1"))),
    ("5-60000", (E.AMBIGUOUS, ("5",))),  # candidates above the ceiling are left out
    ("1 kg 500", (E.AMBIGUOUS, ())),
    ("1 500", (E.AMBIGUOUS, ("1500",))),
    # Negative.
    ("-5", E.NEGATIVE),
    ("- 5 kg", E.NEGATIVE),
    ("−5", E.NEGATIVE),
    ("minus 5", E.NEGATIVE),
    # Too large.
    ("10001", E.TOO_LARGE),
    ("10000", Decimal(10_000)),
    ("10000,0004", Decimal(10_000)),  # rounds down to the ceiling
    ("1" * 100, E.TOO_LARGE),
    # Empty.
    ("", E.EMPTY),
    ("   ", E.EMPTY),
    ("\n\t", E.EMPTY),
    # Not a number.
    ("banyak", E.NOT_A_NUMBER),
    ("?", E.NOT_A_NUMBER),
    ("😀", E.NOT_A_NUMBER),
    ("kg", E.NOT_A_NUMBER),
    ("tidak tahu", E.NOT_A_NUMBER),
    ("gak tau", E.NOT_A_NUMBER),
    ("tidak 5", E.NOT_A_NUMBER),
    ("lima banyak", E.NOT_A_NUMBER),
    ("5%", E.NOT_A_NUMBER),
    ("5 x 2", E.NOT_A_NUMBER),
    ("1.5.2024", E.NOT_A_NUMBER),
    ("1,50,000", E.NOT_A_NUMBER),
    ("ribu", E.NOT_A_NUMBER),
    ("dua puluh ratus", E.NOT_A_NUMBER),
    ("5k", E.NOT_A_NUMBER),  # "k" is a thousand only in prices
    ("5" + " " * 200, E.NOT_A_NUMBER),  # longer than MAX_LENGTH
    ("𞱱A", E.NOT_A_NUMBER),  # a numeric sign that is not a digit, glued to a letter
    # Wrong unit.
    ("5 liter", E.WRONG_UNIT),
    ("5 lembar", E.WRONG_UNIT),
    ("2 lusin", E.WRONG_UNIT),
    ("Rp 5.000", E.WRONG_UNIT),
    ("5-6 liter", E.WRONG_UNIT),
]


@pytest.mark.parametrize(("text", "expected"), QUANTITIES_KG)
def test_quantity_in_kg(text: str, expected: Expected) -> None:
    _check(parse_quantity(text, unit="kg", ceiling=KG_CEILING), expected)


QUANTITIES_OTHER_UNITS: list[tuple[str, str, Expected]] = [
    ("lembar", "5", Decimal(5)),
    ("lembar", "5 lembar", Decimal(5)),
    ("lembar", "5 lbr", Decimal(5)),
    ("lembar", "5 buah", Decimal(5)),  # generic counters fit any counted product
    ("lembar", "2 lusin", Decimal(24)),
    ("lembar", "1 kodi", Decimal(20)),
    ("lembar", "selembar", Decimal(1)),
    ("lembar", "5 kg", E.WRONG_UNIT),
    ("lembar", "5 ikat", E.WRONG_UNIT),
    ("buah", "5 pcs", Decimal(5)),
    ("buah", "sebuah", Decimal(1)),
    ("pcs", "10 biji", Decimal(10)),
    ("biji", "10 bj", Decimal(10)),
    ("ikat", "3 ikat", Decimal(3)),
    ("ikat", "3", Decimal(3)),
    ("meter", "3 m", Decimal(3)),
    ("meter", "50 cm", Decimal("0.5")),
    ("meter", "3 kg", E.WRONG_UNIT),
    ("liter", "2 l", Decimal(2)),
    ("liter", "1,5 ltr", Decimal("1.5")),
    ("liter", "250 ml", Decimal("0.25")),
    ("liter", "5 kg", E.WRONG_UNIT),
    ("Kg", "5 kilo", Decimal(5)),
    ("kilogram", "5 kg", Decimal(5)),
    ("gram", "1,5 kg", Decimal(1500)),
    ("gram", "5 ons", Decimal(500)),
    ("kg gabah", "5 kg gabah", Decimal(5)),
    ("kg gabah", "5 kg", Decimal(5)),
    ("ekor ayam", "3 ekor", Decimal(3)),
    ("ekor ayam", "3 ekor ayam", Decimal(3)),
    ("tampah", "4 tampah", Decimal(4)),  # a unit the table does not know
    ("tampah", "4", Decimal(4)),
    ("tampah", "4 kg", E.WRONG_UNIT),
    ("tampah", "4 buah", E.WRONG_UNIT),
]


@pytest.mark.parametrize(("unit", "text", "expected"), QUANTITIES_OTHER_UNITS)
def test_quantity_in_other_units(unit: str, text: str, expected: Expected) -> None:
    _check(parse_quantity(text, unit=unit, ceiling=KG_CEILING), expected)


MONEY: list[tuple[str, Expected]] = [
    ("150000", Decimal(150_000)),
    ("150.000", Decimal(150_000)),
    ("Rp 150.000", Decimal(150_000)),
    ("rp150.000", Decimal(150_000)),
    ("Rp. 150.000", Decimal(150_000)),
    ("Rp150.000,-", Decimal(150_000)),
    ("Rp 150.000,00", Decimal(150_000)),
    ("IDR 150000", Decimal(150_000)),
    ("150.000 rupiah", Decimal(150_000)),
    ("150rb", Decimal(150_000)),
    ("150 rb", Decimal(150_000)),
    ("150 RB", Decimal(150_000)),
    ("150 ribu", Decimal(150_000)),
    ("150k", Decimal(150_000)),
    ("150K", Decimal(150_000)),
    ("1,5 jt", Decimal(1_500_000)),
    ("1.5jt", Decimal(1_500_000)),
    ("1,5 juta", Decimal(1_500_000)),
    ("Rp 1,5 jt", Decimal(1_500_000)),
    ("2 juta", Decimal(2_000_000)),
    ("1.500.000", Decimal(1_500_000)),
    ("1,500,000", Decimal(1_500_000)),
    ("1.250.000,-", Decimal(1_250_000)),
    ("2 jt 500 rb", Decimal(2_500_000)),
    ("2jt500rb", Decimal(2_500_000)),
    ("2 juta 500 ribu", Decimal(2_500_000)),
    ("2 juta dan 500 ribu", Decimal(2_500_000)),
    ("1,2345 jt", Decimal(1_234_500)),
    ("1,2345678 jt", Decimal(1_234_568)),  # fractional rupiah after a multiplier: rounded
    ("lima ratus ribu", Decimal(500_000)),
    ("seratus dua puluh lima ribu", Decimal(125_000)),
    ("dua setengah juta", Decimal(2_500_000)),
    ("setengah juta", Decimal(500_000)),
    ("sejuta", Decimal(1_000_000)),
    ("sejuta setengah", Decimal(1_500_000)),
    ("dua koma lima juta", Decimal(2_500_000)),
    ("two million", Decimal(2_000_000)),
    ("fifty thousand", Decimal(50_000)),
    ("goceng", Decimal(5000)),
    ("0", Decimal(0)),
    ("Rp 0", Decimal(0)),
    ("tidak ada", Decimal(0)),
    ("belum dapat", Decimal(0)),
    ("1,500", Decimal(1500)),  # 1.5 rupiah is never meant
    ("1,5", (E.AMBIGUOUS, ())),
    ("setengah", (E.AMBIGUOUS, ())),
    ("150.000,50", (E.AMBIGUOUS, ())),
    ("1,500 jt", (E.AMBIGUOUS, ("1500000",))),  # 1.5 billion is over the ceiling
    ("2 juta 500", (E.AMBIGUOUS, ("2000500", "2500000"))),
    ("1jt200", (E.AMBIGUOUS, ("1000200", "1200000"))),
    ("150 000", (E.AMBIGUOUS, ("150000",))),
    ("2-3 juta", (E.AMBIGUOUS, ("2000000", "3000000"))),
    ("Rp 5.000 - 10.000", (E.AMBIGUOUS, ("5000", "10000"))),
    ("50 atau 60 rb", (E.AMBIGUOUS, ("50000", "60000"))),
    ("2 ribu 3 juta", (E.AMBIGUOUS, ("2000", "3000000"))),
    ("-150.000", E.NEGATIVE),
    ("Rp -150.000", E.NEGATIVE),
    ("minus 5 rb", E.NEGATIVE),
    ("100.000.001", E.TOO_LARGE),
    ("100 juta", Decimal(100_000_000)),
    ("1 miliar", E.TOO_LARGE),
    ("", E.EMPTY),
    ("Rp", E.NOT_A_NUMBER),
    ("banyak", E.NOT_A_NUMBER),
    ("juta", E.NOT_A_NUMBER),
    ("5 kg", E.WRONG_UNIT),
    ("Rp 5.000/kg", E.WRONG_UNIT),
]


@pytest.mark.parametrize(("text", "expected"), MONEY)
def test_money(text: str, expected: Expected) -> None:
    _check(parse_money(text, ceiling=MONEY_CEILING), expected)


ENGLISH: list[tuple[str, Expected]] = [
    ("1,500", Decimal(1500)),
    ("1,500,000", Decimal(1_500_000)),
    ("1,500.5", Decimal("1500.5")),
    ("1.500.000", Decimal(1_500_000)),
    ("1.5", Decimal("1.5")),
    ("1,5", Decimal("1.5")),  # not thousands-shaped, so a decimal comma either way
    ("1.500", (E.AMBIGUOUS, ("1.5", "1500"))),
]


@pytest.mark.parametrize(("text", "expected"), ENGLISH)
def test_quantity_in_english_locale(text: str, expected: Expected) -> None:
    ceiling = Decimal(10_000_000)
    _check(parse_quantity(text, unit="kg", ceiling=ceiling, locale="en"), expected)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("150,000", Decimal(150_000)),
        ("Rp 1,500,000", Decimal(1_500_000)),
        ("1.500", Decimal(1500)),  # 1.5 rupiah is never meant
        ("150.000", (E.AMBIGUOUS, ("150", "150000"))),
    ],
)
def test_money_in_english_locale(text: str, expected: Expected) -> None:
    _check(parse_money(text, ceiling=MONEY_CEILING, locale="en"), expected)


@pytest.mark.parametrize("locale", ["id", "id_ID", "id-ID", "xx", "", "en_US"])
def test_any_locale_string_is_accepted(locale: str) -> None:
    assert parse_money("1.500.000", ceiling=MONEY_CEILING, locale=locale) == Parsed(
        Decimal(1_500_000)
    )


def test_ambiguous_within_ceiling_is_not_resolved_by_it() -> None:
    # Over the ceiling, a reading only leaves the candidates; the person still chooses.
    assert parse_quantity("1,500", unit="kg", ceiling=Decimal(1000)) == Rejected(
        E.AMBIGUOUS, (Decimal("1.5"),)
    )
    assert parse_quantity("1,500", unit="kg", ceiling=Decimal(1)) == Rejected(E.TOO_LARGE)


def test_values_are_tidy() -> None:
    quantity = parse_quantity("1.500,000", unit="kg", ceiling=KG_CEILING)
    assert isinstance(quantity, Parsed)
    assert str(quantity.value) == "1500"
    money = parse_money("1,5 jt", ceiling=MONEY_CEILING)
    assert isinstance(money, Parsed)
    assert str(money.value) == "1500000"
    assert money.value.as_tuple().exponent == 0


def test_error_kinds_are_stable_strings() -> None:
    # Callers may log or store these.
    assert [error.value for error in AmountError] == [
        "empty",
        "not_a_number",
        "negative",
        "too_large",
        "ambiguous",
        "wrong_unit",
    ]
