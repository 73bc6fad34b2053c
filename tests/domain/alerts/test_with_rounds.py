"""The rules on records the round machinery wrote: closing rounds leaves `missed` records."""

from __future__ import annotations

from datetime import timedelta

from bot.db.database import Database
from bot.db.models import Cohort, ParticipantStatus
from bot.domain.alerts import Rule, evaluate
from bot.domain.rounds.opening import close_open_rounds, open_round
from tests.domain.alerts.support import rules, status_of
from tests.domain.rounds.support import CREATED, seed_cohort


async def test_families_who_never_answer_are_flagged_after_the_second_closed_round(
    db: Database,
) -> None:
    cohort_id = await seed_cohort(db, 2)
    outcomes = []
    for week in range(3):
        now = CREATED + timedelta(weeks=week + 1)
        async with db.transaction() as session:
            cohort = await session.get(Cohort, cohort_id)
            assert cohort is not None
            # Opening a round closes the previous one: its unanswered become missed.
            await open_round(session, cohort, now=now)
            outcomes.append(await evaluate(session, now=now))
    assert [rules(o.opened) for o in outcomes] == [
        [],
        [],
        [("tenun-2026-00000", Rule.UNRESPONSIVE), ("tenun-2026-00001", Rule.UNRESPONSIVE)],
    ]
    assert await status_of(db, "tenun-2026-00000") is ParticipantStatus.QUIET

    async with db.transaction() as session:
        await close_open_rounds(session, cohort_id, now=CREATED + timedelta(weeks=4))
        assert (await evaluate(session, now=CREATED + timedelta(weeks=4))).opened == []
