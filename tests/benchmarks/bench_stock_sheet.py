"""The Monev workbook's "stock" sheet (the pickup list, one row per family) on a
programme's year: 100,000 families × 52 rounds, about 59,000 families offering stock.

Run: .venv/bin/python tests/benchmarks/bench_stock_sheet.py --database URL [--runs 3]
URL: sqlite:///path.db or postgresql://…; an empty database (or a SQLite file that does not
exist yet) is filled first by tests/benchmarks/programme_data.py (not measured).

Measured in this process: `write_stock_sheet` for every cohort (the query, the lots and
the rows written to a workbook saved to a temporary file), and the process's peak RSS.
It is what `kabar records export --format xlsx` adds to the workbook for the sheet.
"""

from __future__ import annotations

import argparse
import asyncio
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from tests.benchmarks.bench_report import is_empty  # noqa: E402


def once(url: str) -> float:
    """Seconds to write the sheet and save the workbook."""
    from openpyxl import Workbook
    from sqlalchemy import select

    from bot.db.database import Database
    from bot.db.models import Cohort
    from bot.domain.stock.sheet import write_stock_sheet
    from bot.lib.i18n import translator

    async def main() -> float:
        db = Database(url)
        try:
            async with db.transaction() as session:
                ids = list((await session.scalars(select(Cohort.id))).all())
                workbook = Workbook(write_only=True)
                started = time.perf_counter()
                await write_stock_sheet(workbook, session, ids, 1_048_576, translator("id"))
                with tempfile.TemporaryFile() as target:
                    workbook.save(target)
                return time.perf_counter() - started
        finally:
            await db.dispose()

    return asyncio.run(main())


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--database", required=True)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    if is_empty(args.database):
        from tests.benchmarks.programme_data import populate

        print("filling:", populate(args.database), flush=True)
    times = []
    for _ in range(args.runs):
        seconds = once(args.database)
        times.append(seconds)
        print(f"{seconds:.2f} s", flush=True)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"median {statistics.median(times):.2f} s; peak RSS {peak:.0f} MB")


if __name__ == "__main__":
    main()
