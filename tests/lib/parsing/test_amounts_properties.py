"""Properties: every usual spelling of a value reads back as it, and nothing ever raises."""

from __future__ import annotations

import re
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from bot.lib.parsing import AmountError, Parsed, Rejected, parse_money, parse_quantity

MONEY_CEILING = 10_000_000_000
QUANTITY_CEILING = Decimal(1_000_000)
# "12,345": a comma then exactly three digits after a short first group. Indonesian reads
# it two ways by design, so the value must be among the candidates instead.
AMBIGUOUS_SHAPE = re.compile(r"[1-9][0-9]{0,2},[0-9]{3}")


def _dotted(number: int) -> str:
    return f"{number:,}".replace(",", ".")


def _comma_decimal(value: Decimal) -> str:
    """The shortest plain spelling with a decimal comma: 1.500 -> "1,5", 2.000 -> "2"."""
    text = format(value.normalize(), "f")
    return text.replace(".", ",")


def _grouped(value: Decimal) -> str:
    """Indonesian style with thousands dots: 1234.5 -> "1.234,5"."""
    whole, _, fraction = format(value.normalize(), "f").partition(".")
    return _dotted(int(whole)) + ("," + fraction if fraction else "")


def money_spellings(amount: int) -> list[tuple[str, str]]:
    """(text, locale) pairs a person might type for `amount` rupiah."""
    dotted = _dotted(amount)
    spellings = [
        (str(amount), "id"),
        (dotted, "id"),
        (f"Rp {dotted}", "id"),
        (f"Rp{dotted},-", "id"),
        (f"Rp. {dotted},00", "id"),
        (f"IDR {amount}", "id"),
        (f"{amount:,}", "en"),
        (f"Rp {amount:,}", "en"),
        (str(amount), "en"),
    ]
    if amount % 1000 == 0:
        thousands = amount // 1000
        spellings += [
            (f"{thousands}rb", "id"),
            (f"{thousands} ribu", "id"),
            (f"{thousands}k", "id"),
            (f"Rp {_dotted(thousands)} rb", "id"),
        ]
    if amount % 100_000 == 0:
        millions = _comma_decimal(Decimal(amount) / 1_000_000)
        spellings += [(f"{millions} jt", "id"), (f"{millions}juta", "id")]
    return spellings


amounts = st.one_of(
    st.integers(0, MONEY_CEILING),
    st.integers(0, MONEY_CEILING // 1000).map(lambda thousands: thousands * 1000),
    st.integers(0, MONEY_CEILING // 100_000).map(lambda tenths: tenths * 100_000),
    st.integers(0, 2000),
)


@given(amounts)
def test_every_spelling_of_an_amount_reads_back(amount: int) -> None:
    for text, locale in money_spellings(amount):
        assert parse_money(text, ceiling=MONEY_CEILING, locale=locale) == Parsed(Decimal(amount)), (
            text
        )


quantities = st.decimals(
    min_value=0, max_value=QUANTITY_CEILING, places=3, allow_nan=False, allow_infinity=False
)


@given(quantities)
def test_every_spelling_of_a_quantity_reads_back(value: Decimal) -> None:
    plain = _comma_decimal(value)
    spellings = [(plain, ""), (plain, " kg"), (plain, "kg"), (plain, " kilo")]
    for number, suffix in [*spellings, (_grouped(value), "")]:
        text = number + suffix
        result = parse_quantity(text, unit="kg", ceiling=QUANTITY_CEILING)
        if AMBIGUOUS_SHAPE.fullmatch(number):
            assert isinstance(result, Rejected), text
            assert result.error is AmountError.AMBIGUOUS
            assert value in result.candidates
        else:
            assert result == Parsed(value), text


@given(quantities)
def test_grams_read_back_as_kg(value: Decimal) -> None:
    grams = int(value * 1000)
    for text in (f"{grams} gram", f"{_dotted(grams)}gr"):
        assert parse_quantity(text, unit="kg", ceiling=QUANTITY_CEILING) == Parsed(value), text


VOCABULARY = [
    *"0123456789.,-/ ~+½?",
    "000",
    "500",
    "1,5",
    "1.500",
    "rb",
    "ribu",
    "jt",
    "juta",
    "k",
    "rp",
    "kg",
    "gram",
    "ons",
    "lembar",
    "lusin",
    "setengah",
    "se",
    "satu",
    "dua",
    "lima",
    "puluh",
    "belas",
    "ratus",
    "perempat",
    "koma",
    "tidak",
    "ada",
    "atau",
    "minus",
    "sekilo",
    "twenty",
    "hundred",
]
word_salad = st.lists(st.sampled_from(VOCABULARY), max_size=10).flatmap(
    lambda words: st.sampled_from(["", " "]).map(lambda glue: glue.join(words))
)
texts = st.one_of(st.text(), word_salad)


def _assert_sane(result: Parsed | Rejected, ceiling: Decimal, *, money: bool) -> None:
    values = (result.value,) if isinstance(result, Parsed) else result.candidates
    if isinstance(result, Rejected) and result.candidates:
        assert result.error is AmountError.AMBIGUOUS
    for value in values:
        assert 0 <= value <= ceiling
        places = 0 if money else 3
        assert value == round(value, places)


@given(texts, st.sampled_from(["id", "en"]))
def test_money_never_raises_and_stays_in_range(text: str, locale: str) -> None:
    ceiling = 5_000_000
    result = parse_money(text, ceiling=ceiling, locale=locale)
    _assert_sane(result, Decimal(ceiling), money=True)


units = st.one_of(st.sampled_from(["kg", "lembar", "tampah", "liter", "kg gabah"]), st.text())


@given(texts, units, st.sampled_from(["id", "en"]))
def test_quantity_never_raises_and_stays_in_range(text: str, unit: str, locale: str) -> None:
    ceiling = Decimal(2000)
    result = parse_quantity(text, unit=unit, ceiling=ceiling, locale=locale)
    _assert_sane(result, ceiling, money=False)
