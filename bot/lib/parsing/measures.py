"""What is measured, money or a quantity in the cohort's unit, and what differs between them:
which words are allowed, how one alternative reads, and what a value may be once read."""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache

from bot.lib.parsing.numbers import NUMBER_TYPES, Bad
from bot.lib.parsing.readings import (
    PartResult,
    Reading,
    Several,
    read_number,
    scale,
    segments,
    total,
)
from bot.lib.parsing.results import AmountError
from bot.lib.parsing.tokens import Currency, Token, UnitWord, classify, normalize, split
from bot.lib.parsing.units import UNIT_WORDS, Unit, conversion

_QUANTITY_PLACES = Decimal("0.001")


class Measure:
    """What differs between quantities and money."""

    money = False

    def __init__(self, ceiling: Decimal) -> None:
        self.ceiling = ceiling

    def classify(self, pieces: list[str], decimal_mark: str) -> list[Token]:
        return classify(pieces, decimal_mark=decimal_mark)

    def wrong_unit(self, tokens: Sequence[Token]) -> bool:
        raise NotImplementedError

    def read_part(self, part: Sequence[Token]) -> PartResult:
        raise NotImplementedError

    def accept(self, value: Decimal, *, scaled: bool) -> Decimal | AmountError:
        """The value as stored, or why it cannot be; IMPOSSIBLE readings are AMBIGUOUS."""
        raise NotImplementedError


class Money(Measure):
    money = True

    def __init__(self, ceiling: int) -> None:
        super().__init__(Decimal(ceiling))

    def wrong_unit(self, tokens: Sequence[Token]) -> bool:
        return any(isinstance(token, UnitWord) for token in tokens)

    def read_part(self, part: Sequence[Token]) -> PartResult:
        items = [token for token in part if isinstance(token, NUMBER_TYPES)]
        return read_number(items, money=True)

    def accept(self, value: Decimal, *, scaled: bool) -> Decimal | AmountError:
        if value != value.to_integral_value():
            if not scaled:
                return AmountError.AMBIGUOUS  # 1.5 rupiah is never meant
            value = value.to_integral_value(rounding=ROUND_HALF_UP)
        if value > self.ceiling:
            return AmountError.TOO_LARGE
        return Decimal(int(value))


class Quantity(Measure):
    def __init__(self, unit: str, ceiling: Decimal) -> None:
        super().__init__(ceiling)
        self.unit, self.phrase, self.extra_words = _cohort_unit(unit)

    def classify(self, pieces: list[str], decimal_mark: str) -> list[Token]:
        return classify(
            pieces,
            decimal_mark=decimal_mark,
            cohort_phrase=self.phrase,
            extra_fillers=self.extra_words,
        )

    def wrong_unit(self, tokens: Sequence[Token]) -> bool:
        return any(
            isinstance(token, Currency)
            or (
                isinstance(token, UnitWord)
                and token.unit is not None
                and conversion(token.unit, self.unit) is None
            )
            for token in tokens
        )

    def _factor(self, unit: Unit | None) -> Decimal:
        factor = conversion(unit, self.unit) if unit is not None else None
        return factor if factor is not None else Decimal(1)

    def read_part(self, part: Sequence[Token]) -> PartResult:
        tokens = [token for token in part if isinstance(token, (*NUMBER_TYPES, UnitWord))]
        units = [token for token in tokens if isinstance(token, UnitWord)]
        if len(units) == 1 and tokens and tokens[0] is units[0]:
            tokens = [*tokens[1:], units[0]]  # "kg 5"
        numbers = segments(tokens)
        if numbers is None:
            return Bad()
        if isinstance(numbers, Several):
            return numbers
        factors = [self._factor(unit) for _, unit in numbers]
        readings: list[Reading] = []
        for (items, _), factor in zip(numbers, factors, strict=True):
            result = read_number(items, money=False)
            if isinstance(result, Bad):
                return result
            if isinstance(result, Several):
                if len(numbers) > 1:
                    return Several(())
                return Several(tuple(scale(reading, factor) for reading in result.readings))
            readings.append(scale(result, factor))
        if any(later >= earlier for earlier, later in itertools.pairwise(factors)):
            return Several(tuple(readings))  # "5 kg 6 kg", "500 gram 1 kg": two amounts
        return total(readings)

    def accept(self, value: Decimal, *, scaled: bool) -> Decimal | AmountError:
        value = value.quantize(_QUANTITY_PLACES, rounding=ROUND_HALF_UP)
        if value > self.ceiling:
            return AmountError.TOO_LARGE
        return _tidy(value)


def _tidy(value: Decimal) -> Decimal:
    """1.500 -> 1.5 and 2.000 -> 2, without the exponent form normalize() gives 1500."""
    if value == value.to_integral_value():
        return value.quantize(Decimal(1))
    return value.normalize()


@lru_cache(maxsize=256)
def _cohort_unit(unit: str) -> tuple[Unit, tuple[str, ...], frozenset[str]]:
    """The cohort's unit, its words as a phrase to spot, and words allowed beside it.

    "kg" is the table's kg. "kg gabah" is kg, and "gabah" may appear around the number.
    A unit the table does not know ("tampah") is its own kind, matched by its words.
    """
    pieces = tuple(piece for piece in split(normalize(unit)) if piece[0].isalnum())
    name = " ".join(pieces)
    if pieces and pieces[0] in UNIT_WORDS:
        known = UNIT_WORDS[pieces[0]]
        extras = frozenset(
            piece for piece in pieces[1:] if piece.isalpha() and piece not in UNIT_WORDS
        )
        return known, pieces if len(pieces) > 1 else (), extras
    return Unit(name, f"custom:{name}"), pieces, frozenset()
