"""APScheduler drives each owner's clock: rounds, alert rules, the weekly digest, broadcasts.

One job per owner, each at its own interval and once right away. The schedules live in the
database, which every run reads, so a run after downtime catches up; only APScheduler's
in-memory job store is used (job stores cannot be shared between processes).
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.interval import IntervalTrigger

from bot.app.runtime import Runtime
from bot.domain.alerts.watch import watch_alerts
from bot.domain.broadcasts.progress import watch_broadcasts
from bot.domain.reports.weekly import send_weekly_digests
from bot.domain.rounds.scheduler import tick

log = logging.getLogger(__name__)

ROUNDS, ALERTS, DIGEST = "round-clock", "alert-rules", "weekly-digest"
BROADCASTS = "broadcasts"
# Seconds between runs of each job: rounds open to the minute; the alert job looks every
# five seconds whether rounds or families changed (a run that finds nothing new is a few
# index lookups) and escalates what is due; the digest goes out on Monday; a broadcast
# written by `kabar broadcast` goes out within two seconds, and its sender sees its
# progress move as often.
EVERY_S = {ROUNDS: 20.0, ALERTS: 5.0, DIGEST: 300.0, BROADCASTS: 2.0}


def start_clocks(runtime: Runtime, *, every_s: float | None = None) -> AsyncIOScheduler:
    """Start every owner's job; `every_s`, when given, is every job's interval (tests and
    the demo move a fake clock). Stop with `.shutdown()`."""
    scheduler = AsyncIOScheduler(timezone=UTC)

    async def rounds() -> int:
        result = await tick(runtime.db, now=runtime.clock.now(), runner=runtime.services.runner)
        if result.rounds_changed:
            # A closed round alerts at once, as before the split: the clock runs the alerts
            # job now rather than the rounds owner calling the alerts owner, so rounds stay
            # free of alerts, and the job's max_instances=1 keeps one evaluation at a time.
            # (If it is running already, it sees the rounds changed on its next run.)
            scheduler.modify_job(ALERTS, next_run_time=datetime.now(UTC))
        return len(result.opened) + result.reminded + result.closed

    async def alerts() -> int:
        return await watch_alerts(runtime.db, now=runtime.clock.now())

    async def digest() -> int:
        now, timezone = runtime.clock.now(), runtime.settings.timezone
        return await send_weekly_digests(runtime.db, now=now, timezone=timezone)

    async def broadcasts() -> int:
        wake = runtime.outbox_wakeup.set
        return await watch_broadcasts(runtime.db, now=runtime.clock.now(), wake=wake)

    jobs = ((ROUNDS, rounds), (ALERTS, alerts), (DIGEST, digest), (BROADCASTS, broadcasts))
    for name, work in jobs:
        scheduler.add_job(
            _guarded(runtime, name, work),
            IntervalTrigger(seconds=every_s or EVERY_S[name], timezone=UTC),
            next_run_time=datetime.now(UTC),
            id=name,
            name=name,
            coalesce=True,
            max_instances=1,
            misfire_grace_time=None,
        )
    scheduler.start()
    return scheduler


def _guarded(
    runtime: Runtime, name: str, work: Callable[[], Awaitable[int]]
) -> Callable[[], Awaitable[None]]:
    """One failed run is logged and stops neither its job nor the others; a run that
    wrote something wakes the outbox sender."""

    async def run() -> None:
        try:
            written = await work()
        except Exception:
            log.exception("%s failed", name)
            return
        if written:
            runtime.outbox_wakeup.set()

    return run
