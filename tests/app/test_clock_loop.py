"""Each owner's clock job on the leader: a round closed by the tick alerts at once, and one
failing job stops neither itself nor the others."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from bot.app import clock_loop
from bot.app.clock_loop import ROUNDS, start_clocks
from bot.app.runtime import Runtime
from bot.db.database import Database
from bot.db.facts import recall
from bot.db.models import Alert, Round
from bot.domain.alerts.watch import RULES_EVALUATED
from bot.domain.reports.weekly import WEEKLY_DIGEST
from bot.domain.rounds.scheduler import LAST_TICK, TickResult, tick
from bot.lib.clock import FakeClock
from bot.lib.config import Settings
from tests.domain.alerts.support import START, WEEK, seed


async def _until(condition: Callable[[], Awaitable[bool]], timeout: float = 10) -> None:
    async with asyncio.timeout(timeout):
        while not await condition():
            await asyncio.sleep(0.02)


def _runtime(db: Database, database_url: str, clock: FakeClock) -> Runtime:
    return Runtime(settings=Settings(database_url=database_url), db=db, clock=clock)


async def _fact(db: Database, key: str) -> object:
    async with db.sessions() as session:
        return await recall(session, key)


async def _count(db: Database, model: type) -> int:
    async with db.sessions() as session:
        return int(await session.scalar(select(func.count()).select_from(model)) or 0)


async def test_a_round_closed_by_the_tick_is_alerted_at_once(
    db: Database, database_url: str
) -> None:
    await seed(db, 2)
    clock = FakeClock(START + 2 * WEEK + timedelta(hours=1))
    runtime = _runtime(db, database_url, clock)
    for week in (1, 2):  # two rounds nobody answers; the first is closed by the second
        await tick(db, now=START + week * WEEK, runner=runtime.services.runner)

    async def alerted() -> bool:
        return await _count(db, Alert) == 2

    async def ticked() -> bool:  # the clocks' first tick is over
        fact = await _fact(db, LAST_TICK)
        return isinstance(fact, dict) and fact["at"] == clock.now().isoformat()

    clocks = start_clocks(runtime, every_s=3600)  # each job once now, then not for an hour
    try:
        await _until(lambda: _fact(db, RULES_EVALUATED))
        await _until(ticked)
        await asyncio.sleep(0.2)  # and APScheduler has seen the run end
        assert await _count(db, Alert) == 0  # one missed round is not a pattern
        clock.set(START + 3 * WEEK)
        clocks.modify_job(ROUNDS, next_run_time=datetime.now(UTC))
        # The tick closes the second round; the alerts job runs right after, not in an hour.
        await _until(alerted)
    finally:
        await clocks.stop()
    assert await _count(db, Round) == 3


async def test_a_failing_job_stops_neither_itself_nor_the_others(
    db: Database,
    database_url: str,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    await seed(db, 1)
    ticks: list[datetime] = []

    async def broken_tick(*args: object, now: datetime, **kwargs: object) -> TickResult:
        ticks.append(now)
        raise RuntimeError("the round clock broke")

    monkeypatch.setattr(clock_loop, "tick", broken_tick)
    runtime = _runtime(db, database_url, FakeClock(START + 2 * WEEK + timedelta(hours=1)))

    async def ran_thrice() -> bool:
        return len(ticks) >= 3

    clocks = start_clocks(runtime, every_s=0.05)
    try:
        await _until(ran_thrice)
        await _until(lambda: _fact(db, RULES_EVALUATED))
        await _until(lambda: _fact(db, WEEKLY_DIGEST))
    finally:
        await clocks.stop()
    assert f"{ROUNDS} failed" in caplog.text
