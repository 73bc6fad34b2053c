"""Graduation readiness and change against each family's start on a programme's year:
100,000 families × 52 rounds (5.2 million records).

Run: .venv/bin/python tests/benchmarks/bench_insights.py --database URL [--runs 5]
URL: sqlite:///path.db, or postgresql://postgres@127.0.0.1:5432/kabar_bench_insights
(create it first). An empty database (or a SQLite file that does not exist yet) is filled
first by tests/benchmarks/programme_data.py (not measured).
Target: under 1.5 s for both together, on SQLite and on PostgreSQL, computed in SQL.

Each run times, in this process, the scope (the cohorts and their rounds), the graduation
list and the change at three and six months, in one read transaction, as `kabar
graduation` and `kabar report` do: the SQL and the rows it returns, not start-up.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))


async def measure(url: str, runs: int) -> None:
    from bot.db.database import Database
    from bot.db.dialect import jit_off
    from bot.domain.reports.baseline import baseline_report
    from bot.domain.reports.graduation import graduation_list
    from bot.domain.reports.scope import ReportFilter, select_scope

    db = Database(url)
    now = datetime.now(UTC)
    both: list[float] = []
    try:
        for run in range(runs):
            async with db.transaction() as session, jit_off(session):
                started, cpu = time.perf_counter(), time.process_time()
                selection = await select_scope(session, None, ReportFilter())
                graduates = await graduation_list(session, selection)
                middle = time.perf_counter()
                change = await baseline_report(session, selection, now, families=False)
                ended, cpu = time.perf_counter(), time.process_time() - cpu
            both.append(ended - started)
            listed = sum(len(g.families) for g in graduates)
            compared = {c.months: 0 for c in change.cohorts}
            for c in change.cohorts:
                compared[c.months] += c.families
            print(
                f"run {run + 1}: graduation {middle - started:.2f} s ({listed} families), "
                f"change {ended - middle:.2f} s ({len(change.families)} families; "
                f"compared at 3/6 months {compared.get(3, 0)}/{compared.get(6, 0)}), "
                f"together {ended - started:.2f} s ({cpu:.2f} s of CPU in this process)",
                flush=True,
            )
    finally:
        await db.dispose()
    print(f"median together {statistics.median(both):.2f} s over {runs} runs")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--database", required=True)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--participants", type=int, default=100_000)
    args = parser.parse_args()
    if args.database.startswith("sqlite") and not Path(args.database.split("///", 1)[1]).exists():
        from tests.benchmarks.programme_data import populate

        populate(args.database, participants=args.participants, rounds=52, seed=1)
    asyncio.run(measure(args.database, args.runs))


if __name__ == "__main__":
    main()
