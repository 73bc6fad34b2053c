"""The pickup list on a programme's year: 100,000 families × 52 rounds (5.2 million records).

Run: .venv/bin/python tests/benchmarks/bench_stock.py --database URL [--runs 5]
URL: sqlite:///path.db, or postgresql://postgres@127.0.0.1:5432/kabar_bench_stock (create
it first: createdb -h 127.0.0.1 -U postgres kabar_bench_stock). An empty database (or a
SQLite file that does not exist yet) is filled first by tests/benchmarks/programme_data.py
(not measured).
Target: well under 2 s on SQLite and on PostgreSQL, every family's stock computed in SQL.

Measured: the list in this process (staff's view: every family; one facilitator's 200
families; a partner's per-village quantities), and `kabar stock --format csv` as a whole
process (start-up, the list, its output to a pipe).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from tests.benchmarks.bench_report import is_empty, run  # noqa: E402


def in_process(url: str, runs: int, viewer_id: str | None) -> tuple[list[float], int]:
    """Seconds of each `pickup_list` for the viewer (None: everyone), and the lots found."""
    from bot.db.database import Database
    from bot.db.dialect import jit_off
    from bot.db.models import Person
    from bot.domain.stock.pickup import pickup_list

    async def once() -> tuple[float, int]:
        db = Database(url)
        try:
            async with db.transaction() as session:
                viewer = await session.get(Person, viewer_id) if viewer_id else None
                started = time.perf_counter()
                async with jit_off(session):
                    lots = await pickup_list(session, viewer)
                return time.perf_counter() - started, len(lots)
        finally:
            await db.dispose()

    results = [asyncio.run(once()) for _ in range(runs)]
    return [seconds for seconds, _ in results], results[-1][1]


def add_partner(url: str) -> str:
    """A buying partner with no cohort or district: every village's stock."""
    from datetime import UTC, datetime

    from bot.db.database import Database
    from bot.db.models import Person, Role

    async def add() -> None:
        db = Database(url)
        try:
            async with db.transaction() as session:
                if await session.get(Person, "MITRA-BENCH") is None:
                    now = datetime.now(UTC)
                    session.add(
                        Person(id="MITRA-BENCH", role=Role.PARTNER, name="Mitra", attributes={},
                               created_at=now, updated_at=now)
                    )  # fmt: skip
        finally:
            await db.dispose()

    asyncio.run(add())
    return "MITRA-BENCH"


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
    partner = add_partner(args.database)
    print(f"load before: {os.getloadavg()}")
    print("| view | median | runs | lots |")
    print("|---|---:|---|---:|")
    for label, viewer in (
        ("every family (staff, CLI)", None),
        ("one facilitator (PDP-0001)", "PDP-0001"),
        ("a partner: quantities per village", partner),
    ):
        times, lots = in_process(args.database, args.runs, viewer)
        listed = ", ".join(f"{t:.2f}" for t in times)
        print(f"| {label} | {statistics.median(times):.2f} s | {listed} | {lots} |")
    results = [run(args.database, ["stock", "--format", "csv"]) for _ in range(args.runs)]
    times = [seconds for seconds, _rss, _cpu in results]
    listed = ", ".join(f"{t:.2f}" for t in times)
    rss = max(memory for _s, memory, _c in results)
    median = statistics.median(times)
    print(f"| `kabar stock --format csv` (process) | {median:.2f} s | {listed} | {rss} MB |")
    print(f"load after: {os.getloadavg()}")


if __name__ == "__main__":
    main()
