"""Resident memory of `kabar run`'s imports, one library at a time, in a fresh process: how
much of the bot's memory the stack takes before any family answers.

Run:  .venv/bin/python tests/benchmarks/import_floor.py [--runs 3]

Each step imports what `kabar run` imports, in its order (PTB through `bot.tg`, which keeps
httpx out as the bot does), and the resident memory (VmRSS) is read after it. The steps up
to "the design's stack" are the libraries the design card fixes (Python, asyncio,
python-telegram-bot, SQLAlchemy with its ORM, APScheduler, Babel) plus click and uvloop;
the rest is Kabar's choices and Kabar's own code. Medians over the runs.
"""

from __future__ import annotations

import argparse
import importlib
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

STEPS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("Python and click", ("click",)),
    ("asyncio, ssl, uvloop", ("asyncio", "ssl", "uvloop")),
    ("python-telegram-bot, telegram.ext", ("bot.tg", "telegram.ext")),
    ("SQLAlchemy Core", ("sqlalchemy",)),
    ("SQLAlchemy ORM, asyncio extension, aiosqlite", ("sqlalchemy.orm", "sqlalchemy.ext.asyncio",
                                                      "aiosqlite")),
    ("APScheduler, Babel", ("apscheduler.schedulers.asyncio", "babel.dates", "babel.numbers")),
    ("= the design's stack", ()),
    ("prometheus_client", ("prometheus_client",)),
    ("aiohttp (its client)", ("aiohttp",)),
    ("Kabar's models (both SQL dialects)", ("bot.db.models",)),
    ("the rest of `kabar run`", ("bot.cli.run", "bot.app.serve")),
)  # fmt: skip


def rss_mb() -> float:
    with Path("/proc/self/status").open() as status:
        line = next(line for line in status if line.startswith("VmRSS"))
    return int(line.split()[1]) / 1024


def one_run() -> list[float]:
    """In this process: RSS at the start and after each step."""
    sys.path.insert(0, str(ROOT))
    readings = [rss_mb()]
    for _, modules in STEPS:
        for module in modules:
            importlib.import_module(module)
        readings.append(rss_mb())
    return readings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--one", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        print(" ".join(f"{mb:.2f}" for mb in one_run()))
        return
    runs = []
    for _ in range(args.runs):
        out = subprocess.run(
            [sys.executable, __file__, "--one"], capture_output=True, text=True, check=True
        )
        runs.append([float(x) for x in out.stdout.split()])
    at = [statistics.median(run[i] for run in runs) for i in range(len(STEPS) + 1)]
    print(f"Python {sys.version.split()[0]}; medians of {args.runs} fresh processes\n")
    print("| step | adds | resident after it |")
    print("|---|---:|---:|")
    print(f"| the interpreter (and this script's argparse, subprocess) | | {at[0]:.1f} MB |")
    for i, (name, modules) in enumerate(STEPS, start=1):
        added = "" if not modules else f"{at[i] - at[i - 1]:+.1f} MB"
        label = f"**{name}**" if not modules else name
        print(f"| {label} | {added} | {at[i]:.1f} MB |")


if __name__ == "__main__":
    main()
