"""How the numbers of one alternative read: each number's possible values, with its unit.

"1,500" reads as 1.5 or 1500, "1 kg 500 gram" as two numbers with their units, "5 6" as
two numbers side by side. Deciding between readings is left to the caller (amounts.py).
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from bot.lib.parsing.numbers import (
    NUMBER_TYPES,
    Bad,
    Fraction,
    Large,
    Literal,
    NumberItem,
    Split,
    evaluate,
)
from bot.lib.parsing.tokens import Token, UnitWord
from bot.lib.parsing.units import Unit

_MAX_SUMS = 16


@dataclass(frozen=True)
class Reading:
    """The possible values of one number, and whether a multiplier word scaled it."""

    values: tuple[Decimal, ...]
    scaled: bool


@dataclass(frozen=True)
class Several:
    """More than one number was given; each may be offered as a candidate."""

    readings: tuple[Reading, ...]


PartResult = Reading | Several | Bad


def read_number(items: Sequence[NumberItem], *, money: bool) -> PartResult:
    scaled = any(isinstance(item, Large) for item in items)
    outcome = evaluate(items, money=money)
    if isinstance(outcome, Bad):
        return outcome
    if not isinstance(outcome, Split):
        return Reading(outcome, scaled)
    spaced = _spaced_thousands(items)
    if spaced is not None:
        return Several((Reading((spaced,), scaled=False),))
    readings: list[Reading] = []
    for piece in (items[: outcome.index], items[outcome.index :]):
        result = read_number(piece, money=money)
        if isinstance(result, Bad):
            return result
        readings.extend(result.readings if isinstance(result, Several) else (result,))
    return Several(tuple(readings))


def _spaced_thousands(items: Sequence[NumberItem]) -> Decimal | None:
    """Digit groups spaced like thousands ("150 000"), joined; else None."""
    if len(items) < 2 or not all(isinstance(item, Literal) for item in items):
        return None
    raws = [item.raw for item in items if isinstance(item, Literal)]
    first, rest = raws[0], raws[1:]
    if not (first.isdigit() and 1 <= len(first) <= 3 and not first.startswith("0")):
        return None
    if not all(raw.isdigit() and len(raw) == 3 for raw in rest):
        return None
    return Decimal("".join(raws))


def segments(
    tokens: Sequence[Token],
) -> list[tuple[list[NumberItem], Unit | None]] | Several | None:
    """Split "1 kg 500 gram" into numbers with their units; None when it makes no sense."""
    found: list[tuple[list[NumberItem], Unit | None]] = []
    current: list[NumberItem] = []
    last_unit: UnitWord | None = None
    for token in tokens:
        if isinstance(token, UnitWord):
            if not current:
                if last_unit is not None and token.unit == last_unit.unit:
                    continue  # "5 kg kg"
                return None
            found.append((current, token.unit))
            current, last_unit = [], token
        elif isinstance(token, NUMBER_TYPES):
            current.append(token)
    if current:
        if not found:
            found.append((current, None))
        elif all(isinstance(item, Fraction) for item in current):
            items, unit = found[-1]
            found[-1] = ([*items, *current], unit)  # "sekilo setengah"
        else:
            return Several(())  # "1 kg 500": 500 what?
    return found or None


def scale(reading: Reading, factor: Decimal) -> Reading:
    return Reading(tuple(value * factor for value in reading.values), reading.scaled)


def total(readings: Sequence[Reading]) -> Reading:
    """The sums the readings can make ("1 kg 500 gram"), at most a few of them."""
    totals: list[Decimal] = []
    for combination in itertools.islice(
        itertools.product(*(reading.values for reading in readings)), _MAX_SUMS
    ):
        amount = sum(combination, Decimal(0))
        if amount not in totals:
            totals.append(amount)
    return Reading(tuple(sorted(totals)), any(reading.scaled for reading in readings))
