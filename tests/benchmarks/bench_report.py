"""`kabar report` on a programme's year: 100,000 families × 52 rounds (5.2 million records).

Run: .venv/bin/python tests/benchmarks/bench_report.py --database URL [--runs 5]
URL: sqlite:///path.db, or postgresql://postgres@127.0.0.1:5432/kabar_bench_figures
(create it first: createdb -h 127.0.0.1 -U postgres kabar_bench_figures). An empty
database (or a SQLite file that does not exist yet) is filled first by
tests/benchmarks/programme_data.py (not measured).
Target: under 3 s on SQLite and on PostgreSQL, the figures computed in SQL.

Each run is a separate `kabar` process; its time is the whole process (start-up,
migration check, the report, its output to a pipe) and its memory that process's maximum
RSS (os.wait4). Several views are measured: staff's whole report as a table, CSV and JSON,
one district, one round, and with the chart (--png).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

KABAR = Path(sys.executable).with_name("kabar")


def run(url: str, args: list[str]) -> tuple[float, int, float]:
    """(seconds, peak RSS in MB, CPU seconds) of one `kabar ARGS` process."""
    environment = dict(os.environ, KABAR_DATABASE_URL=url, KABAR_LOCALE="en")
    started = time.perf_counter()
    process = subprocess.Popen(
        [str(KABAR), *args],
        env=environment,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        cwd=tempfile.gettempdir(),
    )
    _pid, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - started
    error = process.stderr.read().decode() if process.stderr else ""
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"kabar {' '.join(args)} failed: {error}")
    return elapsed, usage.ru_maxrss // 1024, usage.ru_utime + usage.ru_stime


def in_process(url: str, runs: int) -> list[float]:
    """The report alone (programme_report, staff's view), in this process: the SQL."""
    import asyncio

    from bot.db.database import Database
    from bot.domain.reports.programme import programme_report
    from bot.domain.reports.scope import ReportFilter

    async def once() -> float:
        db = Database(url)
        try:
            async with db.transaction() as session:
                started = time.perf_counter()
                await programme_report(session, None, ReportFilter(), parallel=True)
                return time.perf_counter() - started
        finally:
            await db.dispose()

    return [asyncio.run(once()) for _ in range(runs)]


def is_empty(url: str) -> bool:
    parsed = make_url(url)
    if parsed.drivername.startswith("sqlite"):
        return not Path(str(parsed.database)).exists()
    import asyncio

    import asyncpg

    async def count() -> int:
        connection = await asyncpg.connect(
            host=parsed.host or "127.0.0.1",
            port=parsed.port or 5432,
            user=parsed.username or "postgres",
            password=parsed.password,
            database=parsed.database,
        )
        try:
            exists = await connection.fetchval("SELECT to_regclass('people') IS NOT NULL")
            return int(await connection.fetchval("SELECT count(*) FROM people")) if exists else 0
        finally:
            await connection.close()

    return asyncio.run(count()) == 0


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--database", required=True)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--participants", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=52)
    args = parser.parse_args()
    if is_empty(args.database):
        from tests.benchmarks.programme_data import populate

        made = populate(args.database, participants=args.participants, rounds=args.rounds)
        print(f"generated: {made}")
    chart = Path(tempfile.gettempdir()) / "kabar-bench-report.png"
    views = [
        ("whole report, table", ["report"]),
        ("whole report, CSV", ["report", "--format", "csv"]),
        ("whole report, JSON", ["report", "--format", "json"]),
        ("one district (Komodo)", ["report", "--district", "Komodo", "--format", "csv"]),
        ("one round (52)", ["report", "--round", "52", "--format", "csv"]),
        ("with the chart (--png)", ["report", "--format", "csv", "--png", str(chart)]),
    ]
    run(args.database, ["report", "--format", "csv"])  # warm the caches once
    print(f"load before: {os.getloadavg()}")
    print("| view | median | runs | CPU (median) | peak RSS |")
    print("|---|---:|---|---:|---:|")
    for label, command in views:
        results = [run(args.database, command) for _ in range(args.runs)]
        times = [seconds for seconds, _rss, _cpu in results]
        rss = max(memory for _seconds, memory, _cpu in results)
        cpu = statistics.median(used for _seconds, _rss, used in results)
        listed = ", ".join(f"{t:.2f}" for t in times)
        median = statistics.median(times)
        print(f"| {label} | {median:.2f} s | {listed} | {cpu:.2f} s | {rss} MB |")
    inside = in_process(args.database, args.runs)
    listed = ", ".join(f"{t:.2f}" for t in inside)
    print(
        f"| the report's SQL alone (in process) | {statistics.median(inside):.2f} s | {listed} | |"
    )
    print(f"load after: {os.getloadavg()}")


if __name__ == "__main__":
    main()
