"""APScheduler drives each owner's clock: rounds, alert rules, the weekly digest, broadcasts.

One job per owner, each at its own interval and once right away. The schedules live in the
database, which every run reads, so a run after downtime catches up; only APScheduler's
in-memory job store is used (job stores cannot be shared between processes).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Any

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.interval import IntervalTrigger

from bot.app.runtime import Runtime
from bot.domain.alerts.watch import watch_alerts
from bot.domain.broadcasts.progress import watch_broadcasts
from bot.domain.media.downloads import FileFetcher, download_due
from bot.domain.media.folder import media_folder
from bot.domain.reports.weekly import send_weekly_digests
from bot.domain.rounds.scheduler import tick

log = logging.getLogger(__name__)

ROUNDS, ALERTS, DIGEST = "round-clock", "alert-rules", "weekly-digest"
BROADCASTS = "broadcasts"
DOWNLOADS = "media-downloads"
# Seconds between runs of each job: rounds open to the minute; the alert job looks every
# five seconds whether rounds or families changed (a run that finds nothing new is a few
# index lookups) and escalates what is due; the digest goes out on Monday; a broadcast
# written by `kabar broadcast` goes out within two seconds, and its sender sees its
# progress move as often; a file sent is copied for staff within five seconds.
EVERY_S = {ROUNDS: 20.0, ALERTS: 5.0, DIGEST: 300.0, BROADCASTS: 2.0, DOWNLOADS: 5.0}


class Clocks:
    """The running jobs. Stopped with `stop()`, which lets a job finish its transaction:
    APScheduler's own shutdown cancels a running job, and a job cancelled in the middle of
    a database call could leave its connection hanging as the process stopped."""

    def __init__(self, scheduler: AsyncIOScheduler) -> None:
        self.scheduler = scheduler
        self.running: set[asyncio.Task[Any]] = set()

    def modify_job(self, job_id: str, **changes: Any) -> None:
        self.scheduler.modify_job(job_id, **changes)

    async def stop(self, timeout_s: float = 10.0) -> None:
        self.scheduler.pause()  # no new runs
        if self.running:
            await asyncio.wait(set(self.running), timeout=timeout_s)
        self.scheduler.shutdown(wait=False)


def start_clocks(
    runtime: Runtime, *, every_s: float | None = None, files: FileFetcher | None = None
) -> Clocks:
    """Start every owner's job; `every_s`, when given, is every job's interval (tests and
    the demo move a fake clock). With `files`, media is copied for staff. Stop with
    `await .stop()`."""
    scheduler = AsyncIOScheduler(timezone=UTC)
    clocks = Clocks(scheduler)

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

    async def downloads() -> int:
        assert files is not None
        settings = runtime.settings
        return await download_due(
            runtime.db,
            files,
            media_folder(settings.database_url, settings.media_dir),
            now=runtime.clock.now(),
            max_bytes=settings.media_max_bytes,
        )

    jobs: list[tuple[str, Callable[[], Awaitable[int]]]] = [
        (ROUNDS, rounds),
        (ALERTS, alerts),
        (DIGEST, digest),
        (BROADCASTS, broadcasts),
    ]
    if files is not None:
        jobs.append((DOWNLOADS, downloads))
    for name, work in jobs:
        scheduler.add_job(
            _guarded(runtime, name, work, clocks.running),
            IntervalTrigger(seconds=every_s or EVERY_S[name], timezone=UTC),
            next_run_time=datetime.now(UTC),
            id=name,
            name=name,
            coalesce=True,
            max_instances=1,
            misfire_grace_time=None,
        )
    scheduler.start()
    return clocks


def _guarded(
    runtime: Runtime,
    name: str,
    work: Callable[[], Awaitable[int]],
    running: set[asyncio.Task[Any]],
) -> Callable[[], Awaitable[None]]:
    """One failed run is logged and stops neither its job nor the others; a run that
    wrote something wakes the outbox sender. Each run is in `running` while it runs."""

    async def run() -> None:
        task = asyncio.current_task()
        if task is not None:
            running.add(task)
        try:
            written = await work()
        except Exception:
            log.exception("%s failed", name)
            return
        finally:
            running.discard(task)
        if written:
            runtime.outbox_wakeup.set()

    return run
