"""Benchmark: `kabar roster import` of rosters too wide to be rosters, on SQLite.

Run:  .venv/bin/python tests/benchmarks/bench_roster_limits.py [--keep DIR]

Two files: 1,000 people with 10,000 columns each (9,990 of them extra attributes), and a
header of 6 million column names (about 50 MB on one line) over one person. Each import is a
separate `kabar` process: wall time around it, peak memory its own maximum RSS. Both should
be refused in one line, quickly and in little memory. Not collected by pytest.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_roster_import import run

KNOWN = ["id", "role", "name", "phone", "cohort", "village", "district", "regency"]
KNOWN += ["supervisor_id", "language"]


def wide(path: Path, people: int = 1_000, extra: int = 9_990) -> None:
    header = KNOWN + [f"extra{number}" for number in range(extra)]
    values = ",".join(f"v{number}" for number in range(extra))
    with path.open("w", encoding="utf-8") as handle:
        handle.write(",".join(header) + "\n")
        for number in range(people):
            handle.write(f"STF-{number},staff,Staf {number},,,,,,,,{values}\n")


def long_header(path: Path, names: int = 6_000_000) -> None:
    with path.open("w", encoding="utf-8") as handle:
        handle.write(",".join(KNOWN))
        for start in range(0, names, 500_000):
            handle.write("".join(f",c{number}" for number in range(start, start + 500_000)))
        handle.write("\nSTF-1,staff,Siti\n")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keep", type=Path, help="work in this directory and keep it")
    options = parser.parse_args()
    work = options.keep or Path(tempfile.mkdtemp(prefix="kabar-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    files = {"10,000 columns x 1,000 people": work / "wide.csv"}
    files["6,000,000 column names"] = work / "long-header.csv"
    if not files["10,000 columns x 1,000 people"].exists():
        wide(files["10,000 columns x 1,000 people"])
    if not files["6,000,000 column names"].exists():
        long_header(files["6,000,000 column names"])
    print(f"{'file':32} {'MB':>6} {'wall s':>7} {'peak MB':>8} exit  first line")
    for label, path in files.items():
        for leftover in work.glob("limits.db*"):
            leftover.unlink()
        env = dict(os.environ, KABAR_DATABASE_URL=f"sqlite:///{work / 'limits.db'}")
        env["KABAR_LOCALE"] = "en"
        env.pop("KABAR_TEST_DATABASE_URL", None)
        wall, peak, code, output = run(["roster", "import", str(path)], env)
        size = path.stat().st_size / 1e6
        first = (output.strip().splitlines() or [""])[0][:90]
        print(f"{label:32} {size:6.1f} {wall:7.1f} {peak:8.0f} {code:4}  {first}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
