"""Which cohort a name typed by a person means: the one place every command, roster import
and Telegram staff command resolves a cohort name.

Operators type names by hand ("Tenun-2026" for "tenun-2026"), so case and surrounding
spaces do not matter. Older databases may hold two names that differ only by case; there
the exact spelling decides, and any other spelling is refused naming both, never guessed.

There is deliberately no unique index on lower(name): a migration adding one would fail on
those older databases. Creating a cohort checks here instead (`alike`).

Names are folded in Python (str.casefold), not with SQL lower(): SQLite's lower() folds
ASCII only, so "Ö" and "ö" would match on PostgreSQL and not on SQLite. Folding here gives
both databases the same answer; there are tens of cohorts, so reading every name is cheap.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Protocol, TypeVar

from bot.domain.cohort_error import CohortError
from bot.lib.i18n import N_, Names

MSG_AMBIGUOUS = N_(
    'The name "{name}" fits more than one cohort: {names}. Type the exact name of the '
    "one you mean, capital letters included."
)


class _Named(Protocol):
    @property
    def name(self) -> str: ...


Named = TypeVar("Named", bound=_Named)


def fold(name: str) -> str:
    """The form two names are compared in: no surrounding spaces, no case."""
    return name.strip().casefold()


def alike(cohorts: Iterable[Named], typed: str) -> list[Named]:
    """The cohorts whose name equals `typed` apart from case and surrounding spaces."""
    wanted = fold(typed)
    return [cohort for cohort in cohorts if fold(cohort.name) == wanted]


def pick(cohorts: Iterable[Named], typed: str) -> Named | None:
    """The cohort `typed` names, or None; CohortError when it fits several only by case."""
    found = alike(cohorts, typed)
    if len(found) <= 1:
        return found[0] if found else None
    exact = [cohort for cohort in found if cohort.name == typed.strip()]
    if exact:
        return exact[0]
    raise CohortError(
        MSG_AMBIGUOUS, name=typed.strip(), names=Names(sorted(cohort.name for cohort in found))
    )
