"""Does the early warning help? Simulated cohorts with known futures, replayed through the
real rules on a real database: the families who later go silent must be flagged early
enough, and few flags may fall on families who do not (targets from issue #15)."""

from __future__ import annotations

from bot.db.database import Database
from tests.support.early_warning import (
    TARGET_FALSE_SHARE,
    TARGET_FLAGGED_SHARE,
    TARGET_LEAD_ROUNDS,
    measure,
)

# Eight cohorts of 100 families, 20 weekly rounds each: about 160 families go silent.
SEEDS = range(8)


async def test_the_warning_comes_early_for_families_who_go_silent(db: Database) -> None:
    result = await measure(db, SEEDS)
    assert result.silent >= 100
    assert result.flagged_share >= TARGET_FLAGGED_SHARE, result
    assert result.lead_rounds >= TARGET_LEAD_ROUNDS, result
    assert result.false_share <= TARGET_FALSE_SHARE, result
