"""Quantities and rupiah amounts as people type them, parsed into Decimals.

Pure functions: no I/O and no translation. A caller turns `Rejected.error` into a message
and may offer `Rejected.candidates` as choices ("Did you mean 1,5 or 1.500?"). Neither
function raises, whatever the text.

What is understood (case-insensitive; spaces, punctuation and emoji around are ignored):

* digits with separators: ``5``, ``1,5``, ``1.5``, ``1.500``, ``1.500,5``, ``1,500,000``;
* number words, Indonesian and a few English: ``dua puluh lima``, ``seratus``, ``tiga
  ratus ribu``, ``sebelas``, ``setengah``, ``satu setengah``, ``tiga perempat``, ``satu
  koma lima``, ``twenty five``, ``one hundred and fifty``; and ``½ ¼ ¾ 1/2 1/4 3/4``;
* multipliers after digits or words: ``rb ribu`` (and ``k`` for money), ``jt juta``,
  ``miliar``; several are summed from the largest down (``2 jt 500 rb``), a trailing
  half counts in the last one (``sejuta setengah`` = 1,500,000);
* money: ``Rp``/``IDR``/``rupiah`` anywhere, ``,-`` and ``,00`` after the amount;
* quantities: the cohort's unit or an alias of it (``kg kilo kilogram``), units of the
  same kind converted (``500 gram``, ``5 ons`` = 0.5 kg), ``1 kg 500 gram`` summed, the
  unit before the number (``kg 5``); for counted units, generic counters (``buah pcs
  biji``) and ``lusin`` (12) / ``kodi`` (20);
* zero: ``0``, ``nol``, ``kosong``, ``none``, ``nothing``, and a negation with no number
  (``tidak ada``, ``ga ada``, ``belum``, ``belum laku``).

Separator rules for digits (`decimal mark` is "," in Indonesian, "." in English):

* several separators of one kind are thousands: ``1.500.000``, ``1,500,000``;
* both kinds: the last one is the decimal mark: ``1.500,5``, ``1,500.5``;
* one separator followed by exactly three digits after a 1-3 digit group that does not
  start with 0 is thousands when it is not the locale's decimal mark (``1.500`` = 1500 in
  Indonesian, ``1,500`` = 1500 in English) and AMBIGUOUS when it is (``1,500`` in
  Indonesian: 1.5 or 1500);
* any other single separator is a decimal mark, either way round (``1,5`` and ``1.5``
  are both 1.5 in both locales; ``0,500`` is 0.5);
* malformed groups (``1.5.2024``, ``1,50,000``) are NOT_A_NUMBER.

Ambiguity and errors:

* A reading that is impossible is dropped before deciding: money never has fractional
  rupiah unless a multiplier was used, so ``1,500`` is 1500 rupiah, and ``1,5`` or
  ``setengah`` alone are AMBIGUOUS (with no candidates: the person meant some amount but
  we cannot tell which). Fractions of a rupiah after a multiplier are rounded half up;
  ``,00`` is fine.
* Readings above the ceiling are left out of the candidates but do not resolve the
  ambiguity: ``1,500`` kg with a ceiling of 1000 is still AMBIGUOUS, candidates (1.5,).
  Only when every reading is too large is the answer TOO_LARGE.
* Two numbers side by side or as a range (``5-6``, ``5 atau 6``, ``5 sampai 6``,
  ``5 6``, ``lima enam``) are AMBIGUOUS, the candidates being each number that could be
  accepted; a multiplier or unit after the last one also applies to the others (``2-3
  juta``). Digits spaced like thousands (``150 000``) offer the joined number as the
  only candidate. ``1 kg 500`` (500 of what?) is AMBIGUOUS with no candidates.
* ``2 juta 500`` (a bare number below a thousand after ``juta``) is AMBIGUOUS between
  2,000,500 and 2,500,000, because people leave out the "ribu".
* A minus sign or ``minus`` before the number is NEGATIVE (``-0`` is just 0); a dash
  after it (``150.000,-``) is ignored.
* Quantities are rounded half up to 3 decimals after unit conversion.
* A unit of another kind (``5 liter`` when the unit is kg), money given for a quantity
  (``Rp 5.000``) or a unit given for money (``5 kg``) is WRONG_UNIT. A cohort unit that is
  not in the unit table only accepts its own name.
* Any word or sign not understood (``banyak``, ``tidak tahu``, ``5%``, ``5 x 2``) makes the
  whole message NOT_A_NUMBER, as does a message longer than MAX_LENGTH characters.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, localcontext
from enum import StrEnum
from functools import lru_cache

from babel import UnknownLocaleError
from babel.numbers import get_decimal_symbol

from bot.lib.parsing.numbers import (
    Bad,
    Comma,
    Fraction,
    Large,
    Literal,
    NumberItem,
    Quarter,
    Small,
    Split,
    Teen,
    Value,
    evaluate,
)
from bot.lib.parsing.tokens import (
    Between,
    Currency,
    Dash,
    Minus,
    Negation,
    Slash,
    Token,
    UnitWord,
    Unknown,
    classify,
    normalize,
    split,
)
from bot.lib.parsing.units import UNIT_WORDS, Unit, conversion

__all__ = ["MAX_LENGTH", "AmountError", "Parsed", "Rejected", "parse_money", "parse_quantity"]

MAX_LENGTH = 160
_QUANTITY_PLACES = Decimal("0.001")
_MAX_SUMS = 16
_NUMBER_TYPES = (Literal, Value, Small, Teen, Large, Fraction, Quarter, Comma)
_NUMBER_STARTS = (Literal, Value, Fraction)


class AmountError(StrEnum):
    EMPTY = "empty"
    NOT_A_NUMBER = "not_a_number"
    NEGATIVE = "negative"
    TOO_LARGE = "too_large"
    AMBIGUOUS = "ambiguous"
    WRONG_UNIT = "wrong_unit"


@dataclass(frozen=True)
class Parsed:
    value: Decimal  # quantities keep up to 3 decimals; money is a whole number of rupiah


@dataclass(frozen=True)
class Rejected:
    error: AmountError
    candidates: tuple[Decimal, ...] = ()  # e.g. the two readings of an ambiguous "1,500"


def parse_quantity(
    text: str, *, unit: str, ceiling: Decimal, locale: str = "id"
) -> Parsed | Rejected:
    """A quantity in the cohort's `unit`, between 0 and `ceiling` inclusive."""
    return _parse(text, _Quantity(unit, ceiling), locale)


def parse_money(text: str, *, ceiling: int, locale: str = "id") -> Parsed | Rejected:
    """A whole number of rupiah between 0 and `ceiling` inclusive."""
    return _parse(text, _Money(ceiling), locale)


@dataclass(frozen=True)
class _Reading:
    """The possible values of one number, and whether a multiplier word scaled it."""

    values: tuple[Decimal, ...]
    scaled: bool


@dataclass(frozen=True)
class _Several:
    """More than one number was given; each may be offered as a candidate."""

    readings: tuple[_Reading, ...]


_PartResult = _Reading | _Several | Bad


class _Kind:
    """What differs between quantities and money."""

    money = False

    def __init__(self, ceiling: Decimal) -> None:
        self.ceiling = ceiling

    def classify(self, pieces: list[str], decimal_mark: str) -> list[Token]:
        return classify(pieces, decimal_mark=decimal_mark)

    def wrong_unit(self, tokens: Sequence[Token]) -> bool:
        raise NotImplementedError

    def read_part(self, part: Sequence[Token]) -> _PartResult:
        raise NotImplementedError

    def accept(self, value: Decimal, *, scaled: bool) -> Decimal | AmountError:
        """The value as stored, or why it cannot be; IMPOSSIBLE readings are AMBIGUOUS."""
        raise NotImplementedError


class _Money(_Kind):
    money = True

    def __init__(self, ceiling: int) -> None:
        super().__init__(Decimal(ceiling))

    def wrong_unit(self, tokens: Sequence[Token]) -> bool:
        return any(isinstance(token, UnitWord) for token in tokens)

    def read_part(self, part: Sequence[Token]) -> _PartResult:
        items = [token for token in part if isinstance(token, _NUMBER_TYPES)]
        return _read_number(items, money=True)

    def accept(self, value: Decimal, *, scaled: bool) -> Decimal | AmountError:
        if value != value.to_integral_value():
            if not scaled:
                return AmountError.AMBIGUOUS  # 1.5 rupiah is never meant
            value = value.to_integral_value(rounding=ROUND_HALF_UP)
        if value > self.ceiling:
            return AmountError.TOO_LARGE
        return Decimal(int(value))


class _Quantity(_Kind):
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

    def read_part(self, part: Sequence[Token]) -> _PartResult:
        tokens = [token for token in part if isinstance(token, (*_NUMBER_TYPES, UnitWord))]
        units = [token for token in tokens if isinstance(token, UnitWord)]
        if len(units) == 1 and tokens and tokens[0] is units[0]:
            tokens = [*tokens[1:], units[0]]  # "kg 5"
        segments = _segments(tokens)
        if segments is None:
            return Bad()
        if isinstance(segments, _Several):
            return segments
        factors = [self._factor(unit) for _, unit in segments]
        readings: list[_Reading] = []
        for (items, _), factor in zip(segments, factors, strict=True):
            result = _read_number(items, money=False)
            if isinstance(result, Bad):
                return result
            if isinstance(result, _Several):
                if len(segments) > 1:
                    return _Several(())
                return _Several(tuple(_scale(reading, factor) for reading in result.readings))
            readings.append(_scale(result, factor))
        if any(later >= earlier for earlier, later in itertools.pairwise(factors)):
            return _Several(tuple(readings))  # "5 kg 6 kg", "500 gram 1 kg": two amounts
        return _sum(readings)

    def accept(self, value: Decimal, *, scaled: bool) -> Decimal | AmountError:
        value = value.quantize(_QUANTITY_PLACES, rounding=ROUND_HALF_UP)
        if value > self.ceiling:
            return AmountError.TOO_LARGE
        return _tidy(value)


def _parse(text: str, kind: _Kind, locale: str) -> Parsed | Rejected:
    if not text.strip():
        return Rejected(AmountError.EMPTY)
    if len(text) > MAX_LENGTH:
        return Rejected(AmountError.NOT_A_NUMBER)
    # Enough precision that no sum of a MAX_LENGTH message is ever rounded, so values near
    # the ceiling compare exactly and quantize never overflows.
    with localcontext() as context:
        context.prec = 4 * MAX_LENGTH
        tokens = kind.classify(split(normalize(text)), _decimal_mark(locale))
        return _decide(tokens, kind)


def _decide(tokens: list[Token], kind: _Kind) -> Parsed | Rejected:
    if any(isinstance(token, Unknown) for token in tokens):
        return Rejected(AmountError.NOT_A_NUMBER)
    if kind.wrong_unit(tokens):
        return Rejected(AmountError.WRONG_UNIT)
    has_number = any(isinstance(token, _NUMBER_TYPES) for token in tokens)
    if any(isinstance(token, Negation) for token in tokens):
        if has_number:
            return Rejected(AmountError.NOT_A_NUMBER)  # "tidak 5", "belum 2 kg"
        return _single(_Reading((Decimal(0),), scaled=False), kind)
    if not has_number:
        return Rejected(AmountError.NOT_A_NUMBER)
    tokens = _resolve_signs(tokens)
    negative = any(isinstance(token, Minus) for token in tokens)
    results = [kind.read_part(part) for part in _parts(tokens)]
    if not results or any(isinstance(result, Bad) for result in results):
        return Rejected(AmountError.NOT_A_NUMBER)
    if len(results) > 1 or isinstance(results[0], _Several):
        return Rejected(AmountError.AMBIGUOUS, _candidates(results, kind))
    reading = results[0]
    assert isinstance(reading, _Reading)
    if negative and any(value != 0 for value in reading.values):
        return Rejected(AmountError.NEGATIVE)
    return _single(reading, kind)


def _single(reading: _Reading, kind: _Kind) -> Parsed | Rejected:
    """Decide one number with its possible readings."""
    accepted: list[Decimal] = []
    errors: list[AmountError] = []
    for value in reading.values:
        result = kind.accept(value, scaled=reading.scaled)
        if isinstance(result, AmountError):
            errors.append(result)
        elif result not in accepted:
            accepted.append(result)
    # Readings over the ceiling still count as possible: "1,500" kg is not settled by a
    # ceiling of 1000. Impossible readings (AMBIGUOUS: fractional rupiah) do not count.
    if len(accepted) == 1 and AmountError.TOO_LARGE not in errors:
        return Parsed(accepted[0])
    if accepted:
        return Rejected(AmountError.AMBIGUOUS, tuple(accepted))
    if AmountError.TOO_LARGE in errors:
        return Rejected(AmountError.TOO_LARGE)
    return Rejected(AmountError.AMBIGUOUS)


def _candidates(results: Sequence[_PartResult], kind: _Kind) -> tuple[Decimal, ...]:
    found: list[Decimal] = []
    for result in results:
        readings = result.readings if isinstance(result, _Several) else (result,)
        for reading in readings:
            if isinstance(reading, Bad):
                continue
            for value in reading.values:
                accepted = kind.accept(value, scaled=reading.scaled)
                if not isinstance(accepted, AmountError) and accepted not in found:
                    found.append(accepted)
    return tuple(found)


def _resolve_signs(tokens: Sequence[Token]) -> list[Token]:
    """Dashes and slashes get their meaning from the numbers around them."""
    resolved: list[Token] = []
    index = 0
    while index < len(tokens):
        token = tokens[index]
        if isinstance(token, Dash | Slash):
            before = any(isinstance(earlier, _NUMBER_TYPES) for earlier in resolved)
            after = _number_follows(tokens, index + 1)
            following = tokens[index + 1] if index + 1 < len(tokens) else None
            previous = resolved[-1] if resolved else None
            fraction = _slash_fraction(previous, following) if isinstance(token, Slash) else None
            if fraction is not None:
                resolved[-1] = fraction
                index += 2
                continue
            if after:
                resolved.append(Between() if before else Minus())
        else:
            resolved.append(token)
        index += 1
    return resolved


def _number_follows(tokens: Sequence[Token], index: int) -> bool:
    for token in tokens[index:]:
        if not isinstance(token, Currency):
            return isinstance(token, _NUMBER_STARTS)
    return False


def _slash_fraction(previous: Token | None, following: Token | None) -> Fraction | None:
    """Typed fractions: "1/2", "1/4", "3/4"."""
    if not (isinstance(previous, Literal) and isinstance(following, Literal)):
        return None
    if not (previous.raw.isdigit() and following.raw.isdigit()):
        return None
    numerator, denominator = int(previous.raw), int(following.raw)
    if denominator in (2, 4) and 0 < numerator < denominator:
        return Fraction(Decimal(numerator) / denominator)
    return None


def _parts(tokens: Sequence[Token]) -> list[list[Token]]:
    """The alternatives a message lists ("5 atau 6 kg"), each with its multiplier/unit."""
    parts: list[list[Token]] = [[]]
    for token in tokens:
        if isinstance(token, Between):
            parts.append([])
        elif not isinstance(token, Minus):
            parts[-1].append(token)
    parts = [part for part in parts if any(isinstance(t, _NUMBER_TYPES) for t in part)]
    if len(parts) < 2:
        return parts
    suffix: list[Token] = []
    for token in reversed(parts[-1]):
        if not isinstance(token, Large | UnitWord | Currency):
            break
        suffix.insert(0, token)
    for part in parts[:-1]:
        if not any(isinstance(token, Large | UnitWord) for token in part):
            part.extend(suffix)  # "2-3 juta": the first one is in millions too
    return parts


def _read_number(items: Sequence[NumberItem], *, money: bool) -> _PartResult:
    scaled = any(isinstance(item, Large) for item in items)
    outcome = evaluate(items, money=money)
    if isinstance(outcome, Bad):
        return outcome
    if not isinstance(outcome, Split):
        return _Reading(outcome, scaled)
    spaced = _spaced_thousands(items)
    if spaced is not None:
        return _Several((_Reading((spaced,), scaled=False),))
    readings: list[_Reading] = []
    for piece in (items[: outcome.index], items[outcome.index :]):
        result = _read_number(piece, money=money)
        if isinstance(result, Bad):
            return result
        readings.extend(result.readings if isinstance(result, _Several) else (result,))
    return _Several(tuple(readings))


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


def _segments(
    tokens: Sequence[Token],
) -> list[tuple[list[NumberItem], Unit | None]] | _Several | None:
    """Split "1 kg 500 gram" into numbers with their units; None when it makes no sense."""
    segments: list[tuple[list[NumberItem], Unit | None]] = []
    current: list[NumberItem] = []
    last_unit: UnitWord | None = None
    for token in tokens:
        if isinstance(token, UnitWord):
            if not current:
                if last_unit is not None and token.unit == last_unit.unit:
                    continue  # "5 kg kg"
                return None
            segments.append((current, token.unit))
            current, last_unit = [], token
        elif isinstance(token, _NUMBER_TYPES):
            current.append(token)
    if current:
        if not segments:
            segments.append((current, None))
        elif all(isinstance(item, Fraction) for item in current):
            items, unit = segments[-1]
            segments[-1] = ([*items, *current], unit)  # "sekilo setengah"
        else:
            return _Several(())  # "1 kg 500": 500 what?
    return segments or None


def _scale(reading: _Reading, factor: Decimal) -> _Reading:
    return _Reading(tuple(value * factor for value in reading.values), reading.scaled)


def _sum(readings: Sequence[_Reading]) -> _Reading:
    totals: list[Decimal] = []
    for combination in itertools.islice(
        itertools.product(*(reading.values for reading in readings)), _MAX_SUMS
    ):
        total = sum(combination, Decimal(0))
        if total not in totals:
            totals.append(total)
    return _Reading(tuple(sorted(totals)), any(reading.scaled for reading in readings))


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


@lru_cache(maxsize=64)
def _decimal_mark(locale: str) -> str:
    """The decimal mark: "," for Indonesian, "." for English, "," if unknown."""
    try:
        symbol = get_decimal_symbol(locale.replace("-", "_"))
    except (UnknownLocaleError, ValueError, TypeError, KeyError):
        return ","
    return symbol if symbol in (".", ",") else ","
