"""Benchmark: `kabar invites` for a regency of 100,001 unregistered people, on SQLite.

Run:  .venv/bin/python tests/benchmarks/bench_invites.py [--rows N] [--keep DIR]

The roster of bench_roster_import.py (3 staff, 20 coordinators, 500 facilitators, the rest
families) is imported once (kept in DIR with --keep, so later runs skip it); then each
`kabar invites` run is a separate process: wall time around it, CPU time (user + system,
its pool of processes included) and peak memory (maximum RSS), both from os.wait4's rusage
for that child. On a shared machine the CPU time is the steadier figure. Target:
`--format html --renew` under 30 s. Not collected by pytest (not named test_*).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_roster_import import KABAR, generate


def run(args: list[str], env: dict[str, str]) -> tuple[float, float, float, int, str]:
    """(wall s, CPU s, peak RSS MB, exit code, output) of one kabar process."""
    started = time.perf_counter()
    process = subprocess.Popen(
        [str(KABAR), *args], env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    assert process.stdout is not None
    output = process.stdout.read()
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - started
    cpu = usage.ru_utime + usage.ru_stime
    return wall, cpu, usage.ru_maxrss / 1024, os.waitstatus_to_exitcode(status), output


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_001)
    parser.add_argument("--keep", type=Path, help="work in this directory and keep it")
    options = parser.parse_args()

    work = options.keep or Path(tempfile.mkdtemp(prefix="kabar-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    database = work / f"invites-{options.rows}.db"
    env = dict(os.environ, KABAR_DATABASE_URL=f"sqlite:///{database}", KABAR_LOCALE="en")
    env["KABAR_BOT_USERNAME"] = "kabar_bench_bot"  # links and QR codes on every card
    env.pop("KABAR_TEST_DATABASE_URL", None)
    if not database.exists():
        roster = work / f"roster-{options.rows}.csv"
        generate(roster, options.rows)
        wall, _cpu, _peak, code, output = run(["roster", "import", str(roster)], env)
        if code != 0:
            print(output)
            return 1
        print(f"imported {options.rows:,} people in {wall:.1f} s")

    sheet = work / "invites.html"
    table = work / "invites.csv"
    runs = [
        ("html --renew (every code new)", ["--format", "html", "--renew", "--output", str(sheet)]),
        ("html again (the same codes)", ["--format", "html", "--output", str(sheet)]),
        ("csv --renew", ["--format", "csv", "--renew", "--output", str(table)]),
    ]
    print(f"{'run':34} {'wall s':>8} {'CPU s':>8} {'peak MB':>8} {'file MB':>8}")
    for label, args in runs:
        wall, cpu, peak, code, output = run(["invites", *args], env)
        if code != 0:
            print(output)
            return 1
        written = Path(args[-1]).stat().st_size / 1e6
        print(f"{label:34} {wall:8.1f} {cpu:8.1f} {peak:8.0f} {written:8.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
