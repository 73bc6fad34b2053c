"""`kabar records export --format xlsx` of a programme's year (5.2 million records).

Run: .venv/bin/python tests/benchmarks/bench_xlsx_export.py --database URL [--keep]
URL as for bench_report.py (an empty database is filled first, not measured).
Targets: streamed in constant memory (peak RSS under 300 MB), split across sheets at
Excel's 1,048,576 rows, never truncated; its time reported.

The export is one `kabar` process writing to a file; its time is the whole process and
its memory that process's maximum RSS (os.wait4). The workbook is then opened read-only
(the sheets' dimensions, not every cell) to count each sheet's rows against the records.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from tests.benchmarks.bench_report import KABAR, is_empty  # noqa: E402

ROW = re.compile(rb'<row r="(\d+)"')


def sheet_rows(path: Path) -> list[tuple[str, int]]:
    """(sheet name, its last row number), read from the sheets' XML as a stream (a
    write-only workbook records no dimensions, and reading 5 million rows as cells takes
    minutes)."""
    from openpyxl import load_workbook

    names = load_workbook(path, read_only=True).sheetnames
    found = []
    with zipfile.ZipFile(path) as archive:
        for number, name in enumerate(names, start=1):
            last, tail = 0, b""
            with archive.open(f"xl/worksheets/sheet{number}.xml") as sheet:
                while chunk := sheet.read(1 << 20):
                    rows = ROW.findall(tail + chunk)
                    if rows:
                        last = int(rows[-1])
                    tail = chunk[-32:]
            found.append((name, last))
    return found


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--database", required=True)
    parser.add_argument("--keep", action="store_true", help="keep the workbook")
    args = parser.parse_args()
    if is_empty(args.database):
        from tests.benchmarks.programme_data import populate

        print(f"generated: {populate(args.database)}")
    target = Path(tempfile.mkdtemp(prefix="kabar-xlsx-")) / "monev.xlsx"
    environment = dict(os.environ, KABAR_DATABASE_URL=args.database, KABAR_LOCALE="en")
    print(f"load before: {os.getloadavg()}")
    started = time.perf_counter()
    process = subprocess.Popen(
        [str(KABAR), "records", "export", "--format", "xlsx", "--output", str(target)],
        env=environment,
        stderr=subprocess.PIPE,
    )
    _pid, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - started
    message = process.stderr.read().decode().strip() if process.stderr else ""
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"the export failed: {message}")
    print(f"load after: {os.getloadavg()}")
    print(message)
    print(f"time {elapsed:.0f} s, peak RSS {usage.ru_maxrss // 1024} MB, user CPU "
          f"{usage.ru_utime:.0f} s, file {target.stat().st_size / 1e6:.0f} MB")  # fmt: skip

    records = 0
    print("| sheet | rows (header included) |")
    print("|---|---:|")
    for name, rows in sheet_rows(target):
        if name.startswith("records"):
            records += rows - 1
        print(f"| {name} | {rows:,} |")
    print(f"records on the records sheets: {records:,}")
    if not args.keep:
        target.unlink()


if __name__ == "__main__":
    main()
