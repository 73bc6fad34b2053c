"""The three insights of issue #15 together on a programme's year: 100,000 families × 52
rounds (5.2 million records) — the early warning, the pickup list and graduation with the
change against each family's start.

Run: .venv/bin/python tests/benchmarks/bench_insights_together.py --database URL [--runs 5]
URL: sqlite:///path.db, or postgresql://postgres@127.0.0.1:5432/kabar_bench_together
(create it first). An empty database (or a SQLite file that does not exist yet) is filled
first by tests/benchmarks/programme_data.py (not measured).
Target: under 5 s for the three together, on SQLite and on PostgreSQL, computed in SQL.
Each run does the three in one transaction (rolled back: the early warning writes only its
scratch table), as the alert job, `kabar stock` and `kabar graduation`/`kabar report` do:
the SQL and the rows it returns, not start-up.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from machine import speed  # noqa: E402  (this folder: run as a script)

TICK = os.sysconf("SC_CLK_TCK")


def cpu_seconds(backend: int | None) -> float:
    """This process's CPU, and the PostgreSQL backend's (from /proc: the server runs on
    this machine) when there is one: on a loaded machine steadier than the wall time."""
    if backend is None:
        return time.process_time()
    fields = Path(f"/proc/{backend}/stat").read_text().rsplit(")", 1)[1].split()
    return time.process_time() + (int(fields[11]) + int(fields[12])) / TICK


async def measure(url: str, runs: int) -> None:
    from sqlalchemy import text

    from bot.db.database import Database
    from bot.db.dialect import jit_off
    from bot.domain.alerts.early_warning import compute_warnings
    from bot.domain.reports.baseline import baseline_report
    from bot.domain.reports.graduation import graduation_list
    from bot.domain.reports.scope import ReportFilter, select_scope
    from bot.domain.stock.pickup import pickup_list

    db = Database(url)
    now = datetime.now(UTC)
    totals: list[float] = []
    print(f"load before: {os.getloadavg()}; {speed()}", flush=True)
    try:
        for run in range(runs):
            async with db.sessions() as session, jit_off(session):
                backend = None
                if db.engine.dialect.name == "postgresql":
                    backend = await session.scalar(text("SELECT pg_backend_pid()"))
                started, cpu = time.perf_counter(), cpu_seconds(backend)
                await compute_warnings(session, None)
                warned, cpu_warned = time.perf_counter(), cpu_seconds(backend)
                lots = await pickup_list(session, None)
                stocked, cpu_stocked = time.perf_counter(), cpu_seconds(backend)
                selection = await select_scope(session, None, ReportFilter())
                graduates = await graduation_list(session, selection)
                await baseline_report(session, selection, now, families=False)
                ended, cpu_ended = time.perf_counter(), cpu_seconds(backend)
                await session.rollback()
            totals.append(ended - started)
            where = "this process and the server's backend" if backend else "this process"
            print(
                f"run {run + 1}: early warning {warned - started:.2f} s "
                f"({cpu_warned - cpu:.2f} s CPU), "
                f"pickup list {stocked - warned:.2f} s ({cpu_stocked - cpu_warned:.2f} s CPU, "
                f"{len(lots)} lots), "
                f"graduation and change {ended - stocked:.2f} s "
                f"({cpu_ended - cpu_stocked:.2f} s CPU, "
                f"{sum(len(g.families) for g in graduates)} ready), "
                f"together {ended - started:.2f} s ({cpu_ended - cpu:.2f} s of CPU in {where})",
                flush=True,
            )
    finally:
        await db.dispose()
    print(f"median together {statistics.median(totals):.2f} s over {runs} runs")
    print(f"load after: {os.getloadavg()}; {speed()}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--database", required=True)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--participants", type=int, default=100_000)
    args = parser.parse_args()
    from tests.benchmarks.bench_report import is_empty

    if is_empty(args.database):
        from tests.benchmarks.programme_data import populate

        print(f"generated: {populate(args.database, participants=args.participants)}")
    asyncio.run(measure(args.database, args.runs))


if __name__ == "__main__":
    main()
