"""A roster's cohort names as the database spells them, before anything is compared or
written: "TENUN-2026" in a row joins the stored "tenun-2026" instead of becoming a second
cohort, and a row spelled as before is not counted as changed."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import Cohort
from bot.domain.cohort_error import CohortError
from bot.domain.cohort_names import fold, pick
from bot.domain.roster.problems import Message
from bot.domain.roster.validate import CheckedFile
from bot.lib.i18n import N_

AMBIGUOUS = N_(
    'the cohort "{name}" fits more than one cohort in the database: {names}; write the '
    "exact name, capital letters included"
)


async def settle_cohort_names(session: AsyncSession, checked: CheckedFile) -> None:
    """Rewrites each row's cohort to the stored name it means; a new name keeps the file's
    first spelling, so "Tenun" and "tenun" in one file make one cohort. A name that fits
    two stored cohorts only by case is a problem on its row."""
    stored = (await session.execute(select(Cohort.name))).all()
    first_spelling: dict[str, str] = {}
    for row in checked.rows:
        if row.cohort is None:
            continue
        try:
            found = pick(stored, row.cohort)
        except CohortError as error:
            checked.add(row.line, row.id, Message(AMBIGUOUS, dict(error.params)))
            continue
        if found is not None:
            row.cohort = found.name
        else:
            row.cohort = first_spelling.setdefault(fold(row.cohort), row.cohort)
