"""Numbers: digit literals with separators, and number words combined into one value.

The grammar is the one Indonesian and English share: a unit digit, optionally scaled by
"puluh"/"ratus" (tens, hundreds) into a group below a thousand, and groups scaled by
"ribu"/"juta" (thousand, million) summed from the largest down. Digit literals ("150",
"1,5") take the place of a unit digit, so "150 rb", "1,5 jt" and "2 jt 500 rb" all fit.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

ZERO = Decimal(0)
_MILLION = Decimal(1_000_000)
_THOUSAND = Decimal(1000)
# Each literal has at most two readings; past this many combinations the answer is
# hopeless anyway, and the cap keeps a pathological message cheap.
_MAX_COMBINATIONS = 16
_SEPARATORS = re.compile(r"[.,]")


@dataclass(frozen=True)
class Literal:
    """Digits as typed. `readings` is empty when the separators make no sense."""

    raw: str
    readings: tuple[Decimal, ...]


@dataclass(frozen=True)
class Value:
    """A number word worth `value` on its own: "lima", "sebelas", "ten", "goceng"."""

    value: Decimal


@dataclass(frozen=True)
class Small:
    """Tens and hundreds ("puluh", "ratus"): scale the single digit before them."""

    factor: Decimal


@dataclass(frozen=True)
class Teen:
    """The teens word ("belas"): adds ten to the digit before it."""


@dataclass(frozen=True)
class Large:
    """Thousand, million ("ribu", "rb", "k", "juta"): scales all since the last one."""

    factor: Decimal
    money_only: bool = False


@dataclass(frozen=True)
class Fraction:
    """A fraction ("setengah", "½", "seperempat"), added to a whole number before it."""

    value: Decimal


@dataclass(frozen=True)
class Quarter:
    """Quarters ("perempat"): "tiga perempat" is 0.75."""


@dataclass(frozen=True)
class Comma:
    """The spoken decimal mark ("satu koma lima" = 1.5)."""


NumberItem = Literal | Value | Small | Teen | Large | Fraction | Quarter | Comma
# The same types, for isinstance checks on a mixed list of tokens.
NUMBER_TYPES = (Literal, Value, Small, Teen, Large, Fraction, Quarter, Comma)


@dataclass(frozen=True)
class Split:
    """Two numbers stand side by side ("5 6"); `index` is where the second begins."""

    index: int


@dataclass(frozen=True)
class Bad:
    """The items do not make a number ("ribu" alone, "dua puluh ratus")."""


Outcome = tuple[Decimal, ...] | Split | Bad


def literal_readings(raw: str, decimal_mark: str) -> tuple[Decimal, ...]:
    """Every value the digits `raw` can mean, in ascending order; () when malformed.

    Rules (see the amounts module docstring): several separators of one kind are
    thousands; with both kinds the last one is the decimal mark; a single separator
    followed by exactly three digits is thousands, or ambiguous when it is the locale's
    decimal mark; any other single separator is a decimal mark.
    """
    separators = _SEPARATORS.findall(raw)
    if not separators:
        return (Decimal(raw),)
    groups = _SEPARATORS.split(raw)
    if len(set(separators)) == 2:
        last = separators[-1]
        if separators.count(last) != 1 or not _thousands_groups(groups[:-1]):
            return ()
        return (Decimal("".join(groups[:-1]) + "." + groups[-1]),)
    if len(separators) > 1:
        return (Decimal("".join(groups)),) if _thousands_groups(groups) else ()
    whole, fraction = groups
    as_decimal = Decimal((whole or "0") + "." + fraction)
    if not _thousands_groups(groups):
        return (as_decimal,)
    as_thousands = Decimal(whole + fraction)
    if separators[0] == decimal_mark:
        return (as_decimal, as_thousands)
    return (as_thousands,)


def _thousands_groups(groups: Sequence[str]) -> bool:
    """Whether digit groups read as 1.234.567: a short first group, then threes."""
    first = groups[0]
    # A leading zero ("0,500", "01.500") is never how anyone writes thousands.
    if not 1 <= len(first) <= 3 or first.startswith("0"):
        return False
    return all(len(group) == 3 for group in groups[1:])


def evaluate(items: Sequence[NumberItem], *, money: bool) -> Outcome:
    """All values the items can mean (ascending), where they split, or Bad."""
    if not items:
        return Bad()
    choices = [item.readings if isinstance(item, Literal) else (ZERO,) for item in items]
    if any(not readings for readings in choices):
        return Bad()
    values: set[Decimal] = set()
    for number, combination in enumerate(itertools.product(*choices)):
        if number >= _MAX_COMBINATIONS:
            break
        outcome = _Reader(items, combination, money=money).read()
        if isinstance(outcome, Split):
            return outcome  # where numbers split depends on the words, not the readings
        if not isinstance(outcome, Bad):
            values.update(outcome)
    return tuple(sorted(values)) if values else Bad()


class _Reader:
    """One left-to-right pass over the items with one reading chosen per literal."""

    def __init__(
        self, items: Sequence[NumberItem], readings: Sequence[Decimal], *, money: bool
    ) -> None:
        self.items = items
        self.readings = readings
        self.money = money
        self.total = ZERO  # sum of the groups closed by a large word
        self.large_cap: Decimal | None = None  # the last large word; later ones are smaller
        self.group_start = 0
        self.group = ZERO  # tens and hundreds gathered since the last large word
        self.group_scale: Decimal | None = None  # the smallest small word used in the group
        self.group_filled = False
        self.pending: Decimal | None = None  # the digit or literal not yet placed
        self.pending_at = 0
        self.after_large: Decimal | None = None  # the large word just read, if any
        self.closed = False  # "sejuta setengah": nothing may follow
        self.comma_base: Decimal | None = None
        self.decimals: str | None = None  # digits after a spoken "koma"

    def read(self) -> Outcome:
        for index, item in enumerate(self.items):
            result = self._step(index, item)
            if result is not None:
                return result
        return self._finish()

    def _step(self, index: int, item: NumberItem) -> Split | Bad | None:
        if self.decimals is not None:
            if self._take_decimal(item, index):
                return None
            if (failure := self._end_decimals()) is not None:
                return failure
        after_large, self.after_large = self.after_large, None
        if self.closed:
            return Split(index) if isinstance(item, Literal | Value) else Bad()
        match item:
            case Literal() | Value():
                return self._value(index, self._value_of(index, item))
            case Teen():
                if not self._single_digit():
                    return Bad()
                self.pending = (self.pending or ZERO) + 10
            case Small(factor=factor):
                return self._small(factor)
            case Large(factor=factor, money_only=money_only):
                if money_only and not self.money:
                    return Bad()
                return self._large(index, factor)
            case Fraction(value=value):
                return self._fraction(index, value, after_large)
            case Quarter():
                if self.pending is None or self.pending not in (1, 2, 3):
                    return Bad()
                self.pending = self.pending / 4
            case Comma():
                return self._comma(index)
        return None

    def _value_of(self, index: int, item: Literal | Value) -> Decimal:
        return self.readings[index] if isinstance(item, Literal) else item.value

    def _value(self, index: int, value: Decimal) -> Split | None:
        if self.pending is not None:
            return Split(index)
        self.pending = value
        self.pending_at = index
        return None

    def _single_digit(self) -> bool:
        pending = self.pending
        return pending is not None and pending == pending.to_integral_value() and 1 <= pending <= 9

    def _pending_fits(self) -> bool:
        """Whether the unplaced digit is smaller than the group's last small word."""
        return self.pending is None or self.group_scale is None or self.pending < self.group_scale

    def _small(self, factor: Decimal) -> Split | Bad | None:
        if not self._single_digit() or self.pending is None:
            return Bad()
        if self.group_scale is not None and factor >= self.group_scale:
            return Split(self.pending_at)  # "dua puluh tiga puluh": two numbers
        self.group += self.pending * factor
        self.group_scale = factor
        self.group_filled = True
        self.pending = None
        return None

    def _large(self, index: int, factor: Decimal) -> Split | Bad | None:
        if not self._pending_fits():
            return Split(self.pending_at)
        if self.pending is None and not self.group_filled:
            return Bad()  # "ribu" with nothing to scale
        amount = self.group + (self.pending or ZERO)
        if self.large_cap is not None and (
            factor >= self.large_cap or amount * factor >= self.large_cap
        ):
            return Split(self.group_start)  # "2 ribu 3 juta": two amounts
        self.total += amount * factor
        self.large_cap = factor
        self.after_large = factor
        self._new_group(index + 1)
        return None

    def _new_group(self, start: int) -> None:
        self.group_start = start
        self.group = ZERO
        self.group_scale = None
        self.group_filled = False
        self.pending = None

    def _fraction(
        self, index: int, value: Decimal, after_large: Decimal | None
    ) -> Split | Bad | None:
        pending = self.pending
        if pending is not None:
            if pending != pending.to_integral_value():
                return Bad()  # "1,5 setengah"
            self.pending = pending + value
        elif after_large is not None:
            self.total += value * after_large  # "sejuta setengah" = 1.5 million
            self.closed = True
        elif self.group_filled or (self.large_cap is None and index == 0):
            self.pending = value
            self.pending_at = index
        else:
            return Bad()
        return None

    def _comma(self, index: int) -> Split | Bad | None:
        if not self._pending_fits():
            return Split(self.pending_at)
        if self.pending is None and not self.group_filled:
            return Bad()
        base = self.group + (self.pending or ZERO)
        if base != base.to_integral_value():
            return Bad()
        start = self.group_start
        self._new_group(start)
        self.comma_base = base
        self.decimals = ""
        return None

    def _take_decimal(self, item: NumberItem, index: int) -> bool:
        """Whether `item` is one more digit after "koma" (and was taken)."""
        if self.decimals is None:
            return False
        if isinstance(item, Value) and item.value in range(10):
            self.decimals += str(int(item.value))
            return True
        # "1 koma 25": a plain literal right after "koma" holds all the decimals.
        if isinstance(item, Literal) and not self.decimals and item.raw.isdigit():
            self.decimals = item.raw
            return True
        return False

    def _end_decimals(self) -> Bad | None:
        if not self.decimals or self.comma_base is None:
            return Bad()
        self.pending = self.comma_base + Decimal("0." + self.decimals)
        self.pending_at = self.group_start
        self.decimals = None
        return None

    def _finish(self) -> Outcome:
        if self.decimals is not None and (failure := self._end_decimals()) is not None:
            return failure
        if self.closed:
            return (self.total,)
        if not self._pending_fits():
            return Split(self.pending_at)
        if self.pending is None and not self.group_filled:
            if self.large_cap is None:
                return Bad()
            return (self.total,)
        amount = self.group + (self.pending or ZERO)
        if self.large_cap is not None and amount >= self.large_cap:
            return Split(self.group_start)  # "2 ribu 1500"
        value = self.total + amount
        # "2 juta 500" is 2,000,500 to the letter, but people also say it for 2.5 million
        # (the "ribu" left unsaid), so both readings are offered.
        if (
            self.large_cap is not None
            and self.large_cap >= _MILLION
            and amount == amount.to_integral_value()
            and 0 < amount < _THOUSAND
        ):
            return (value, self.total + amount * self.large_cap / _THOUSAND)
        return (value,)
