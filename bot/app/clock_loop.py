"""APScheduler drives the round clock: a tick now (catch-up after downtime), then regularly."""

from __future__ import annotations

import logging
from datetime import UTC, datetime

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.interval import IntervalTrigger

from bot.app.runtime import Runtime
from bot.domain.rounds.scheduler import tick

log = logging.getLogger(__name__)


def start_round_clock(runtime: Runtime, *, every_s: float = 20.0) -> AsyncIOScheduler:
    """Tick every `every_s` seconds and once right away; stop with `.shutdown()`.

    Only APScheduler's in-memory job store is used: the schedules themselves live in the
    database, which every tick reads (job stores cannot be shared between processes).
    """

    async def run_tick() -> None:
        try:
            result = await tick(
                runtime.db,
                now=runtime.clock.now(),
                runner=runtime.services.runner,
                timezone=runtime.settings.timezone,
            )
        except Exception:  # one failed tick must not stop the clock
            log.exception("round tick failed")
            return
        if any((result.opened, result.reminded, result.closed, result.alerts, result.digests)):
            runtime.outbox_wakeup.set()

    scheduler = AsyncIOScheduler(timezone=UTC)
    scheduler.add_job(
        run_tick,
        IntervalTrigger(seconds=every_s, timezone=UTC),
        next_run_time=datetime.now(UTC),
        id="round-clock",
        coalesce=True,
        max_instances=1,
        misfire_grace_time=None,
    )
    scheduler.start()
    return scheduler
