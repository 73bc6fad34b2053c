"""Quantities and rupiah amounts as people type them, parsed into Decimals.

This module decides between the readings of a message. The reading is done beside it:
tokens.py (words and signs), numbers.py (one number's values), signs.py (dashes and
alternatives), readings.py (numbers with their units), measures.py (money or quantity).

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

from collections.abc import Sequence
from decimal import Decimal, localcontext
from functools import lru_cache

from babel import UnknownLocaleError
from babel.numbers import get_decimal_symbol

from bot.lib.parsing.measures import Measure, Money, Quantity
from bot.lib.parsing.numbers import NUMBER_TYPES, Bad
from bot.lib.parsing.readings import PartResult, Reading, Several
from bot.lib.parsing.results import AmountError, Parsed, Rejected
from bot.lib.parsing.signs import alternatives, resolve_signs
from bot.lib.parsing.tokens import Minus, Negation, Token, Unknown, normalize, split

__all__ = ["MAX_LENGTH", "AmountError", "Parsed", "Rejected", "parse_money", "parse_quantity"]

MAX_LENGTH = 160


def parse_quantity(
    text: str, *, unit: str, ceiling: Decimal, locale: str = "id"
) -> Parsed | Rejected:
    """A quantity in the cohort's `unit`, between 0 and `ceiling` inclusive."""
    return _parse(text, Quantity(unit, ceiling), locale)


def parse_money(text: str, *, ceiling: int, locale: str = "id") -> Parsed | Rejected:
    """A whole number of rupiah between 0 and `ceiling` inclusive."""
    return _parse(text, Money(ceiling), locale)


def _parse(text: str, measure: Measure, locale: str) -> Parsed | Rejected:
    if not text.strip():
        return Rejected(AmountError.EMPTY)
    if len(text) > MAX_LENGTH:
        return Rejected(AmountError.NOT_A_NUMBER)
    # Enough precision that no sum of a MAX_LENGTH message is ever rounded, so values near
    # the ceiling compare exactly and quantize never overflows.
    with localcontext() as context:
        context.prec = 4 * MAX_LENGTH
        tokens = measure.classify(split(normalize(text)), _decimal_mark(locale))
        return _decide(tokens, measure)


def _decide(tokens: list[Token], measure: Measure) -> Parsed | Rejected:
    if any(isinstance(token, Unknown) for token in tokens):
        return Rejected(AmountError.NOT_A_NUMBER)
    if measure.wrong_unit(tokens):
        return Rejected(AmountError.WRONG_UNIT)
    has_number = any(isinstance(token, NUMBER_TYPES) for token in tokens)
    if any(isinstance(token, Negation) for token in tokens):
        if has_number:
            return Rejected(AmountError.NOT_A_NUMBER)  # "tidak 5", "belum 2 kg"
        return _single(Reading((Decimal(0),), scaled=False), measure)
    if not has_number:
        return Rejected(AmountError.NOT_A_NUMBER)
    tokens = resolve_signs(tokens)
    negative = any(isinstance(token, Minus) for token in tokens)
    results = [measure.read_part(part) for part in alternatives(tokens)]
    if not results or any(isinstance(result, Bad) for result in results):
        return Rejected(AmountError.NOT_A_NUMBER)
    if len(results) > 1 or isinstance(results[0], Several):
        return Rejected(AmountError.AMBIGUOUS, _candidates(results, measure))
    reading = results[0]
    assert isinstance(reading, Reading)
    if negative and any(value != 0 for value in reading.values):
        return Rejected(AmountError.NEGATIVE)
    return _single(reading, measure)


def _single(reading: Reading, measure: Measure) -> Parsed | Rejected:
    """Decide one number with its possible readings."""
    accepted: list[Decimal] = []
    errors: list[AmountError] = []
    for value in reading.values:
        result = measure.accept(value, scaled=reading.scaled)
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


def _candidates(results: Sequence[PartResult], measure: Measure) -> tuple[Decimal, ...]:
    found: list[Decimal] = []
    for result in results:
        readings = result.readings if isinstance(result, Several) else (result,)
        for reading in readings:
            if isinstance(reading, Bad):
                continue
            for value in reading.values:
                accepted = measure.accept(value, scaled=reading.scaled)
                if not isinstance(accepted, AmountError) and accepted not in found:
                    found.append(accepted)
    return tuple(found)


@lru_cache(maxsize=64)
def _decimal_mark(locale: str) -> str:
    """The decimal mark: "," for Indonesian, "." for English, "," if unknown."""
    try:
        symbol = get_decimal_symbol(locale.replace("-", "_"))
    except (UnknownLocaleError, ValueError, TypeError, KeyError):
        return ","
    return symbol if symbol in (".", ",") else ","
