"""The graduation bar of a cohort as an operator gives it (`kabar cohort create/update
--graduation-amount/-rounds/-window`), checked before anything is changed."""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.db.models import Cohort
from bot.domain.cohort_error import CohortError
from bot.lib.i18n import N_, Translator

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


@dataclass(frozen=True, slots=True)
class GraduationBar:
    min_revenue_idr: int
    rounds: int  # at least this many rounds at or above the amount …
    window: int  # … among the cohort's last this many closed rounds

    def __str__(self) -> str:
        # The audit log's plain form: 500000 x 5/6.
        return f"{self.min_revenue_idr} x {self.rounds}/{self.window}"


def bar_words(t: Translator, bar: GraduationBar) -> dict[str, str]:
    """The bar's `amount`, `rounds` and `window` in the reader's language (Babel), for each
    text that states it (`kabar cohort`, `kabar graduation`, /laporan)."""
    return {
        "amount": t.format_money(bar.min_revenue_idr),
        "rounds": t.format_number(bar.rounds),
        "window": t.format_number(bar.window),
    }


def _stored(cohort: Cohort, name: str) -> int:
    value = getattr(cohort, name)
    if value is None:  # a cohort not written yet: the column's default
        value = getattr(Cohort.__table__.c[name].default, "arg", None)
    return int(value)


def cohort_bar(cohort: Cohort) -> GraduationBar:
    """The cohort's bar (the defaults for a cohort not written yet)."""
    return GraduationBar(
        _stored(cohort, "graduation_min_revenue_idr"),
        _stored(cohort, "graduation_rounds"),
        _stored(cohort, "graduation_window"),
    )


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
) -> GraduationBar:
    """The cohort's bar with the given parts changed (None: kept); CohortError when invalid."""
    now = cohort_bar(cohort)
    new_amount = now.min_revenue_idr if amount is None else validate_graduation_amount(amount)
    needed = now.rounds if rounds is None else validate_graduation_rounds(rounds)
    looked = now.window if window is None else validate_graduation_rounds(window)
    if needed > looked:
        raise CohortError(MSG_GRADUATION_WINDOW, rounds=needed, window=looked)
    return GraduationBar(new_amount, needed, looked)
