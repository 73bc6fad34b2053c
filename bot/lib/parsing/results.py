"""What parsing an amount gives: the value as stored, or why it was rejected."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum


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
