"""How long `kabar --help` takes: imports are kept lazy so the command line feels instant.

Run: .venv/bin/python tests/benchmarks/bench_cli_startup.py [--runs 20]
Target: under 0.3 s.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

KABAR = Path(sys.executable).with_name("kabar")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()
    timings: dict[str, list[float]] = {}
    for command in (["--help"], ["roster", "import", "--help"], ["run", "--help"]):
        label = "kabar " + " ".join(command)
        for _ in range(args.runs):
            started = time.perf_counter()
            subprocess.run([str(KABAR), *command], check=True, capture_output=True)
            timings.setdefault(label, []).append(time.perf_counter() - started)
    print("| command | median | p90 | max |")
    print("|---|---:|---:|---:|")
    for label, values in timings.items():
        values.sort()
        p90 = values[int(len(values) * 0.9) - 1]
        print(
            f"| `{label}` | {statistics.median(values):.3f} s | {p90:.3f} s | {max(values):.3f} s |"
        )


if __name__ == "__main__":
    main()
