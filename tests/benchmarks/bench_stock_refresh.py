"""What keeping each family's stock costs: `refresh_stocks` for one family (as when they
finish a check-in) and, with --all, for every family at once.

Run: .venv/bin/python tests/benchmarks/bench_stock_refresh.py --database URL [--all]
on a database filled by tests/benchmarks/programme_data.py (bench_stock.py makes one).
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

NOW = datetime(2026, 1, 7, tzinfo=UTC)


async def measure(url: str, every: bool) -> None:
    from bot.db.database import Database
    from bot.domain.stock.holdings import refresh_stocks

    db = Database(url)
    try:
        times = []
        for i in range(1, 201, 2):  # 100 families spread over the roster
            async with db.transaction() as session:
                started = time.perf_counter()
                await refresh_stocks(session, NOW, f"KPM-{i * 397:06d}")
                times.append(time.perf_counter() - started)
        median, most = statistics.median(times) * 1000, max(times) * 1000
        print(f"one family: median {median:.1f} ms, max {most:.1f} ms over {len(times)}")
        if every:
            async with db.transaction() as session:
                started = time.perf_counter()
                await refresh_stocks(session, NOW)
                print(f"every family: {time.perf_counter() - started:.1f} s")
    finally:
        await db.dispose()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--database", required=True)
    parser.add_argument("--all", action="store_true", help="also every family at once")
    args = parser.parse_args()
    asyncio.run(measure(args.database, args.all))


if __name__ == "__main__":
    main()
