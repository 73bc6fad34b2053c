"""The graduation bar of a cohort as an operator gives it (`kabar cohort update
--graduation-amount/-rounds/-window`), checked before anything is changed."""

from __future__ import annotations

import re

from bot.db.models import Cohort
from bot.domain.cohort_error import CohortError
from bot.lib.i18n import N_

MSG_BAD_GRADUATION_AMOUNT = N_(
    'The graduation amount "{value}" must be whole rupiah from 0 to 1000000000000, '
    "for example 500000."
)
MSG_BAD_GRADUATION_ROUNDS = N_(
    'The graduation rounds "{value}" must be a whole number from 1 to 52, for example 5.'
)
MSG_GRADUATION_WINDOW = N_(
    "The graduation bar asks for {rounds} rounds out of the last {window}: "
    "the rounds needed cannot be more than the rounds looked at."
)
_MAX_GRADUATION_AMOUNT = 10**12
_MAX_GRADUATION_ROUNDS = 52


def validate_graduation_amount(value: int | str) -> int:
    """Whole rupiah; thousands separators (500.000, 500,000, 500_000) are allowed."""
    text = str(value).strip()
    digits = re.sub(r"(?<=\d)[.,_](?=\d{3}(\D|$))", "", text)
    if not digits.isdigit() or int(digits) > _MAX_GRADUATION_AMOUNT:
        raise CohortError(MSG_BAD_GRADUATION_AMOUNT, value=text)
    return int(digits)


def validate_graduation_rounds(value: int | str) -> int:
    text = str(value).strip()
    if not text.isdigit() or not 1 <= int(text) <= _MAX_GRADUATION_ROUNDS:
        raise CohortError(MSG_BAD_GRADUATION_ROUNDS, value=text)
    return int(text)


def checked_bar(
    cohort: Cohort, amount: int | str | None, rounds: int | str | None, window: int | str | None
) -> tuple[int | None, int, int]:
    """(new amount or None, rounds needed, rounds looked at); CohortError when invalid."""
    new_amount = None if amount is None else validate_graduation_amount(amount)
    needed = cohort.graduation_rounds if rounds is None else validate_graduation_rounds(rounds)
    looked = cohort.graduation_window if window is None else validate_graduation_rounds(window)
    if needed > looked:
        raise CohortError(MSG_GRADUATION_WINDOW, rounds=needed, window=looked)
    return new_amount, needed, looked
