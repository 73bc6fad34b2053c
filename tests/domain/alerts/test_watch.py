"""The alerts' own clock: rules after rounds open or close, else hourly; escalation each run."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.database import Database
from bot.db.facts import recall
from bot.db.models import ParticipantStatus, Person
from bot.domain.alerts import Rule, evaluate, watch
from bot.domain.alerts.watch import RULES_EVALUATED, watch_alerts
from tests.conftest import ON_POSTGRES
from tests.domain.alerts.support import Programme, alerts_of, seed


async def test_a_closed_round_is_looked_at_on_the_next_run(db: Database) -> None:
    weeks = Programme(db, await seed(db, 2))
    await weeks.week({"P0": "missed", "P1": "yes"}, evaluate_after=False)
    assert await watch_alerts(db, now=weeks.now) == 0
    # Ten minutes later a round closed: no hour has passed, the rules run all the same.
    await weeks.week({"P0": "missed", "P1": "yes"}, evaluate_after=False)
    written = await watch_alerts(db, now=weeks.now + timedelta(minutes=10))
    assert written == 1  # the facilitator's card
    assert [alert.rule for alert in await alerts_of(db, "P0")] == [Rule.UNRESPONSIVE]
    assert await watch_alerts(db, now=weeks.now + timedelta(minutes=11)) == 0


async def test_without_new_rounds_the_rules_run_hourly(db: Database) -> None:
    weeks = Programme(db, await seed(db, 2))
    await weeks.week({"P0": "yes", "P1": "yes"}, evaluate_after=False)
    await watch_alerts(db, now=weeks.now)
    async with db.transaction() as session:
        await session.execute(
            update(Person)
            .where(Person.id == "P0")
            .values(status=ParticipantStatus.PAUSED, paused_at=weeks.now)
        )
    await watch_alerts(db, now=weeks.now + timedelta(minutes=59))
    assert await alerts_of(db, "P0") == []
    await watch_alerts(db, now=weeks.now + timedelta(hours=1))
    assert [alert.rule for alert in await alerts_of(db, "P0")] == [Rule.PAUSED]


async def test_every_run_escalates_what_is_due(db: Database) -> None:
    weeks = Programme(db, await seed(db, 1))
    for _ in range(2):
        await weeks.week({"P0": "missed"}, evaluate_after=False)
    await watch_alerts(db, now=weeks.now)
    (alert,) = await alerts_of(db, "P0")
    assert alert.level == "facilitator"
    await watch_alerts(db, now=weeks.now + timedelta(days=3, minutes=-1))
    (alert,) = await alerts_of(db, "P0")
    assert alert.level == "facilitator"
    # Three days unacknowledged, within the hour of the last evaluation: escalated anyway.
    await watch_alerts(db, now=weeks.now + timedelta(days=3, minutes=1))
    (alert,) = await alerts_of(db, "P0")
    assert alert.level == "coordinator"


async def test_a_pause_is_looked_at_within_half_a_minute_not_an_hour(db: Database) -> None:
    weeks = Programme(db, await seed(db, 2))
    await weeks.week({"P0": "yes", "P1": "yes"}, evaluate_after=False)
    await watch_alerts(db, now=weeks.now)
    paused_at = weeks.now + timedelta(seconds=5)
    async with db.transaction() as session:
        # As /berhenti does: the person's row says when it changed.
        await session.execute(
            update(Person)
            .where(Person.id == "P0")
            .values(status=ParticipantStatus.PAUSED, paused_at=paused_at, updated_at=paused_at)
        )
    # Answers and pauses are gathered for half a minute, not evaluated one by one.
    await watch_alerts(db, now=weeks.now + timedelta(seconds=10))
    assert await alerts_of(db, "P0") == []
    await watch_alerts(db, now=weeks.now + timedelta(seconds=30))
    assert [alert.rule for alert in await alerts_of(db, "P0")] == [Rule.PAUSED]
    # Its own status changes are not news: the next run does not evaluate again.
    await watch_alerts(db, now=weeks.now + timedelta(seconds=65))
    async with db.sessions() as session:
        last = await recall(session, RULES_EVALUATED)
    assert last is not None
    assert last["at"] == (weeks.now + timedelta(seconds=30)).isoformat()


@pytest.mark.skipif(not ON_POSTGRES, reason="two writers at once need PostgreSQL")
async def test_a_pause_committed_while_the_rules_run_is_looked_at_next_time(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    """On PostgreSQL another worker's transaction commits while the rules run: what it
    changed was not evaluated, so the next run must not take it as seen."""
    weeks = Programme(db, await seed(db, 2))
    await weeks.week({"P0": "yes", "P1": "yes"}, evaluate_after=False)
    await watch_alerts(db, now=weeks.now)
    paused_at = weeks.now + timedelta(seconds=20)

    async def evaluate_while_a_family_pauses(session: AsyncSession, **kwargs: Any) -> Any:
        outcome = await evaluate(session, **kwargs)
        async with db.sessions() as other, other.begin():  # another worker's /berhenti
            await other.execute(
                update(Person)
                .where(Person.id == "P0")
                .values(status=ParticipantStatus.PAUSED, paused_at=paused_at, updated_at=paused_at)
            )
        return outcome

    monkeypatch.setattr(watch, "evaluate", evaluate_while_a_family_pauses)
    await watch_alerts(db, now=weeks.now + timedelta(hours=1))  # hourly: the rules run
    assert await alerts_of(db, "P0") == []  # the pause came after they read P0
    monkeypatch.setattr(watch, "evaluate", evaluate)
    await watch_alerts(db, now=weeks.now + timedelta(hours=1, seconds=30))
    assert [alert.rule for alert in await alerts_of(db, "P0")] == [Rule.PAUSED]
