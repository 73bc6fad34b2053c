"""The early-warning rule on a programme's year: 100,000 families × 52 rounds.

Run: PYTHONPATH=. .venv/bin/python tests/benchmarks/bench_early_warning.py --database URL
     [--runs 5]
URL: sqlite:///path.db, or postgresql://postgres@127.0.0.1:5432/kabar_warn_bench, filled
first by tests/benchmarks/programme_data.py (5.2 million records; not measured here).
Target: under 2 s on SQLite and on PostgreSQL (issue #15), computed in SQL.

Alternated in one sitting, each in its own transaction, rolled back (nothing changes):
- warnings: the early-warning facts alone (`compute_warnings`, every cohort);
- rules without it: the other rules' facts (`compute_facts`), for scale;
- evaluate: all the rules as after a round closes (facts, warnings, closing, opening,
  statuses), alerts included.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import time
from collections.abc import Awaitable, Callable
from datetime import datetime

from sqlalchemy import func, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.database import Database
from bot.db.dialect import jit_off
from bot.db.models import FollowUpRecord, Round
from bot.domain.alerts import evaluate
from bot.domain.alerts.early_warning import compute_warnings, warnings
from bot.domain.alerts.family_facts import compute_facts

Work = Callable[[AsyncSession, datetime], Awaitable[object]]


async def _warnings(session: AsyncSession, now: datetime) -> object:
    async with jit_off(session):
        await compute_warnings(session, None)
        return await session.scalar(
            select(func.count()).select_from(warnings).where(warnings.c.fires.is_(True))
        )


async def _facts(session: AsyncSession, now: datetime) -> object:
    async with jit_off(session):
        await compute_facts(session, None)
    return None


async def _evaluate(session: AsyncSession, now: datetime) -> object:
    outcome = await evaluate(session, now=now)
    return len(outcome.opened)


async def _timed(db: Database, work: Work, now: datetime) -> tuple[float, object]:
    async with db.sessions() as session:
        started = time.perf_counter()
        result = await work(session, now)
        elapsed = time.perf_counter() - started
        await session.rollback()
    return elapsed, result


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--database", required=True)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    db = Database(args.database)
    try:
        async with db.sessions() as session:
            records = await session.scalar(select(func.count()).select_from(FollowUpRecord))
            latest = await session.scalar(select(func.max(Round.closes_at)))
            await session.execute(text("SELECT 1"))
        assert latest is not None
        print(f"{records:,} records; now = {latest:%Y-%m-%d}")
        works: dict[str, Work] = {
            "warnings": _warnings,
            "rules without it": _facts,
            "evaluate": _evaluate,
        }
        times: dict[str, list[float]] = {name: [] for name in works}
        results: dict[str, object] = {}
        for _ in range(args.runs):
            for name, work in works.items():  # alternated: load affects all alike
                elapsed, results[name] = await _timed(db, work, latest)
                times[name].append(elapsed)
        for name, values in times.items():
            print(
                f"{name}: median {statistics.median(values):.2f} s, "
                f"min {min(values):.2f} s, max {max(values):.2f} s ({args.runs} runs); "
                f"result {results[name]}"
            )
    finally:
        await db.dispose()


if __name__ == "__main__":
    asyncio.run(main())
