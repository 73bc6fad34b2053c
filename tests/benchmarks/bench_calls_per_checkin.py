"""Telegram calls per check-in, and the replies' latency, under Telegram's limits.

Run:  .venv/bin/python tests/benchmarks/bench_calls_per_checkin.py [--families 200]
          [--silent 0] [--repeat 1] [--kabar-root PATH] [--timeout 400]

The check-in of bench_checkin_throughput.py (11 answers: Yes, "5 kg", "3", "150rb", two
ticks and Done, a note, Yes, Skip, Send), answered by N families at once, with the fake Bot
API in limits mode (bot/sandbox/fakeapi/flood.py: 429 beyond what Telegram allows) and
Kabar at its default sending limits (about 30 bulk messages a second). Reported: the
rate-limited calls (send*, edit*, not answerCallbackQuery) per family when the round opens
and per completed check-in while answering, the reply latency (p50, p99) and the 429s the
fake answered. `--silent N` adds N families to the round who never answer: the round's
bulk messages to them go out while the others answer, and their rate meanwhile is
reported (Telegram's ~30 a second is the most it can be). `--kabar-root` runs `kabar run`
and `kabar checkin send` from another checkout (PYTHONPATH puts it ahead of this one), for
a before/after comparison in one sitting. Not collected by pytest.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import shutil
import sys
import tempfile
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from tests.benchmarks.bench_checkin_throughput import (  # noqa: E402
    FIRST_USER_ID,
    Result,
    fresh_database,
    run_kabar,
)


def limited(method: str) -> bool:
    """What Telegram counts against its limits: messages and edits, not button answers."""
    return method.lower().startswith(("send", "edit", "copy", "forward")) and (
        method != "sendChatAction"
    )


@dataclass
class Run:
    result: Result
    opening: float  # limited calls per answering family before it answered
    answering: Counter[str]  # limited calls to answering families while they answered
    refused: int
    bulk_rate: float  # the round's messages to silent families a second, meanwhile
    bulk: Gaps  # how those messages were spaced at the fake
    refused_silent: int  # of the 429s, those to silent families (the 30/s), not to replies


@dataclass
class Gaps:
    """The bulk arrivals' spacing at the fake: where the rate went (counters, no content)."""

    most_in_1s: int  # Telegram refuses beyond 30
    slow_s: float  # time beyond a paced interval in gaps longer than 1.5 intervals
    slow_gaps: int
    longest_ms: float

    @classmethod
    def of(cls, times: list[float], per_second: float = 30.0 * 0.985) -> Gaps:
        times = sorted(times)
        interval = 1.0 / per_second
        gaps = [b - a for a, b in itertools.pairwise(times)]
        slow = [g for g in gaps if g > 1.5 * interval]
        most, lo = 0, 0
        for hi, t in enumerate(times):
            while t - times[lo] >= 1.0:
                lo += 1
            most = max(most, hi - lo + 1)
        return cls(most, sum(g - interval for g in slow), len(slow), max(gaps, default=0) * 1e3)


async def one(args: argparse.Namespace, workdir: Path) -> Run:
    async with fresh_database(args, workdir) as url:
        async with asyncio.timeout(args.timeout):
            result = await run_kabar(args, workdir, url)
    answering_chats = range(FIRST_USER_ID, FIRST_USER_ID + args.families)
    begun = min(s.sent for s in result.samples)
    ended = max(s.replied for s in result.samples)
    ours = [c for c in args.calls if c.ok and limited(c.method) and c.chat_id in answering_chats]
    answering = Counter(c.method for c in ours if c.time >= begun)
    opening = sum(1 for c in ours if c.time < begun) / args.families
    bulk = [
        c
        for c in args.calls
        if c.ok and c.method == "sendMessage" and c.chat_id not in answering_chats
        if begun <= c.time <= ended
    ]
    rate = len(bulk) / (ended - begun)
    silent = sum(1 for c in args.calls if not c.ok and c.chat_id not in answering_chats)
    gaps = Gaps.of([c.time for c in bulk])
    return Run(result, opening, answering, args.flood.refused, rate, gaps, silent)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--families", type=int, default=200)
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--kabar-root", help="run `kabar run` from this checkout")
    parser.add_argument(
        "--silent",
        type=int,
        default=0,
        help="families more in the round who never answer: bulk sending meanwhile",
    )
    parser.add_argument("--timeout", type=float, default=400.0)
    args = parser.parse_args()
    args.db, args.fake_limits = "sqlite", True
    args.kabar_env = {"PYTHONPATH": args.kabar_root} if args.kabar_root else {}
    args.kabar_prefix = []
    print(
        "| code | families (+ silent) | opening: calls per family | answering: limited calls "
        "per check-in (by method) | reply p50 | reply p99 | whole run | check-ins/s "
        "| round to the silent meanwhile | 429s |"
    )
    print("|---|---:|---:|---|---:|---:|---:|---:|---:|---:|")
    for _ in range(args.repeat):
        base = Path(tempfile.mkdtemp(prefix="kabar-calls-"))
        try:
            run = asyncio.run(one(args, base))
        finally:
            shutil.rmtree(base, ignore_errors=True)
        result = run.result
        per = {m: n / args.families for m, n in sorted(run.answering.items())}
        detail = ", ".join(f"{m} {n:.2f}" for m, n in per.items())
        bulk = f"{run.bulk_rate:.1f} msg/s" if args.silent else "-"
        print(
            f"| {args.kabar_root or 'this checkout'} | {args.families} (+ {args.silent}) "
            f"| {run.opening:.2f} | **{sum(per.values()):.2f}** ({detail}) "
            f"| {result.percentile(0.5):,.0f} ms | {result.percentile(0.99):,.0f} ms "
            f"| {result.whole_s:.1f} s | {result.checkins_per_s():.2f} | {bulk} "
            f"| {run.refused} |",
            flush=True,
        )
        if args.silent:
            # Where the bulk lane's time went, and who used the 2 cores meanwhile (the bench
            # process holds the fake Bot API and the simulated families).
            m, gaps = result.measured, run.bulk
            wall = result.wall_s
            print(
                f"  bulk at the fake: 429s {run.refused_silent}, "
                f"most in any 1 s {gaps.most_in_1s}, "
                f"{gaps.slow_gaps} gaps over 1.5 intervals losing {gaps.slow_s:.2f} s "
                f"of {wall:.1f} s (longest {gaps.longest_ms:.0f} ms); CPU while answering "
                f"(cores): bot {m.bot_cpu_s / wall:.2f}, bench+fake {m.bench_cpu_s / wall:.2f}, "
                f"others {m.other_cpu_s / wall:.2f}",
                flush=True,
            )


if __name__ == "__main__":
    main()
