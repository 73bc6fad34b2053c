"""Benchmark: `kabar roster import` of a generated 100,000-row roster on SQLite.

Run:  .venv/bin/python tests/benchmarks/bench_roster_import.py [--rows N] [--keep DIR]

Each run is a separate `kabar` process on the same SQLite file; wall time is measured around
the process and peak memory is that process's own maximum RSS (the rusage os.wait4 returns
for it, i.e. RUSAGE_CHILDREN's ru_maxrss for that one child). Targets: under 20 s and under
300 MB for the first import. Not collected by pytest (not named test_*).
"""

from __future__ import annotations

import argparse
import csv
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
KABAR = ROOT / ".venv" / "bin" / "kabar"

FIRST = ["Endang", "Rohmah", "Rina", "Budi", "Dewi", "Hasanah", "Nur", "Lilik", "Wati", "Joko"]
FIRST += ["Sulastri", "Suminah", "Sri", "Tutik", "Indah", "Agus", "Rudi", "Siti", "Yuli", "Eko"]
LAST = ["Purnomo", "Rahayu", "Setiawan", "Maryam", "Susanti", "Sari", "Santoso", "Hariyanto"]
LAST += ["Fauzi", "Lestari", "Wibowo", "Kurniawan", "Handayani", "Pratiwi", "Hidayat"]
TRADES = ["serat pelepah pisang", "keripik", "anyaman", "jahit", "kue basah", "ternak ayam"]


def _name(rng: random.Random) -> str:
    return f"{rng.choice(FIRST)} {rng.choice(LAST)}"


def _phone(number: int, rng: random.Random) -> str:
    """A unique mobile number in one of the spellings people use."""
    national = f"813{number:08d}"  # 0813-xxxx-xxxx
    spelling = rng.randrange(5)
    if spelling == 0:
        return f"0{national[:3]}-{national[3:7]}-{national[7:]}"
    if spelling == 1:
        return f"+62 {national[:3]} {national[3:7]} {national[7:]}"
    if spelling == 2:
        return f"62{national}"
    if spelling == 3:
        return national  # a spreadsheet number that lost its leading zero
    return f"0{national}"


def generate(path: Path, rows: int, seed: int = 20250101) -> None:
    """A regency-sized roster: a few staff and coordinators, ~500 facilitators, families."""
    rng = random.Random(seed)
    header = ["id", "role", "name", "phone", "cohort", "village", "district", "regency"]
    header += ["supervisor_id", "language", "nik", "usaha"]
    staff = [f"STF-{i:03d}" for i in range(1, 4)]
    coordinators = [f"KRD-{i:03d}" for i in range(1, 21)]
    facilitators = [f"PDP-{i:04d}" for i in range(1, 501)]
    districts = [f"Kecamatan {i:02d}" for i in range(1, 21)]
    villages = [f"Desa {i:03d}" for i in range(1, 301)]
    cohorts = [f"{trade.replace(' ', '-')}-{year}" for trade in TRADES for year in (2024, 2025)]
    phone_number = 0
    with path.open("w", newline="", encoding="utf-8") as handle:
        out = csv.writer(handle)
        out.writerow(header)

        def person(pid: str, role: str, supervisor: str, **cells: str) -> None:
            nonlocal phone_number
            phone_number += 1
            out.writerow(
                [
                    pid,
                    role,
                    _name(rng),
                    _phone(phone_number, rng),
                    cells.get("cohort", ""),
                    cells.get("village", ""),
                    cells.get("district", ""),
                    "Manggarai Barat",
                    supervisor,
                    cells.get("language", ""),
                    cells.get("nik", ""),
                    cells.get("usaha", ""),
                ]
            )

        for pid in staff:
            person(pid, "staff", "")
        for index, pid in enumerate(coordinators):
            person(pid, "coordinator", staff[index % len(staff)], district=districts[index])
        for index, pid in enumerate(facilitators):
            person(
                pid,
                "facilitator",
                coordinators[index % len(coordinators)],
                district=districts[index % len(districts)],
            )
        for number in range(1, rows - len(staff) - len(coordinators) - len(facilitators) + 1):
            village_index = rng.randrange(len(villages))
            person(
                f"KPM-{number:06d}",
                "participant",
                facilitators[number % len(facilitators)],
                cohort=rng.choice(cohorts),
                village=villages[village_index],
                district=districts[village_index % len(districts)],
                language=rng.choice(["", "", "", "id", "jv", "mad"]),
                nik=f"53{rng.randrange(10**14):014d}",
                usaha=rng.choice(TRADES),
            )


def rename_some(source: Path, target: Path, every: int) -> int:
    """A copy of the roster with every n-th participant's name changed."""
    changed = 0
    with (
        source.open(newline="", encoding="utf-8") as src,
        target.open("w", newline="", encoding="utf-8") as dst,
    ):
        reader, writer = csv.reader(src), csv.writer(dst)
        for index, row in enumerate(reader):
            if index and row[1] == "participant" and index % every == 0:
                row[2] += " Baru"
                changed += 1
            writer.writerow(row)
    return changed


def to_xlsx(source: Path, target: Path) -> None:
    """The same roster as a workbook, phones without a leading zero typed as numbers."""
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet()
    with source.open(newline="", encoding="utf-8") as handle:
        for index, row in enumerate(csv.reader(handle)):
            cells: list[str | int] = list(row)
            if index and row[3].isdigit() and not row[3].startswith("0"):
                cells[3] = int(row[3])
            sheet.append(cells)
    book.save(target)


def run(args: list[str], env: dict[str, str]) -> tuple[float, float, int, str]:
    """(wall seconds, peak RSS MB, exit code, output) of one kabar process."""
    started = time.perf_counter()
    process = subprocess.Popen(
        [str(KABAR), *args],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    assert process.stdout is not None
    output = process.stdout.read()
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    peak_mb = usage.ru_maxrss / 1024  # kilobytes on Linux
    return wall, peak_mb, process.returncode, output


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--keep", type=Path, help="work in this directory and keep it")
    parser.add_argument("--xlsx", action="store_true", help="also import it as an XLSX file")
    options = parser.parse_args()

    work = options.keep or Path(tempfile.mkdtemp(prefix="kabar-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    roster = work / "roster.csv"
    renamed = work / "roster-renamed.csv"
    database = work / "kabar.db"
    for leftover in work.glob("kabar.db*"):
        leftover.unlink()

    generate(roster, options.rows)
    changed = rename_some(roster, renamed, every=10)
    env = dict(os.environ, KABAR_DATABASE_URL=f"sqlite:///{database}", KABAR_LOCALE="en")
    env.pop("KABAR_TEST_DATABASE_URL", None)
    xlsx_env = env

    size_mb = roster.stat().st_size / 1e6
    print(f"roster: {options.rows:,} rows, {size_mb:.1f} MB; python {sys.version.split()[0]}")
    runs = [
        ("first import (fresh database)", ["roster", "import", str(roster)]),
        ("same file again (all unchanged)", ["roster", "import", str(roster)]),
        ("dry run of the same file", ["roster", "import", "--dry-run", str(roster)]),
        (f"{changed:,} names changed", ["roster", "import", str(renamed)]),
    ]
    if options.xlsx:
        workbook = work / "roster.xlsx"
        to_xlsx(roster, workbook)
        xlsx_env = dict(env, KABAR_DATABASE_URL=f"sqlite:///{work / 'kabar-xlsx.db'}")
        for leftover in work.glob("kabar-xlsx.db*"):
            leftover.unlink()
        runs.append(("XLSX, first import (fresh database)", ["roster", "import", str(workbook)]))
    print()
    print("| run | wall time | peak RSS | exit |")
    print("|---|---:|---:|---:|")
    failed = False
    for label, args in runs:
        wall, peak, code, output = run(args, xlsx_env if label.startswith("XLSX") else env)
        if code != 0:
            failed = True
            print(output[-2000:], file=sys.stderr)
        print(f"| {label} | {wall:.1f} s | {peak:.0f} MB | {code} |")
    if options.keep is None:
        shutil.rmtree(work)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
