"""Sustained send rate of `kabar run`, measured at the fake Bot API.

Run: .venv/bin/python tests/benchmarks/bench_send_rate.py [--families 600] [--kabar-root PATH]
Opens a round (one message per family: the greeting leads into the first question) and lets a real
`kabar run` process drain it three times: within Telegram's 30 messages/s with the fake Bot
API enforcing Telegram's limits (a 429 beyond 30 in any second or a burst of 3 in a chat,
bot/sandbox/fakeapi/flood.py), so that the 429 column can be other than 0; with the limit
lifted to show the sender's headroom; and within the limits again while one family in 25
gets its first message answered only after 7 s (Telegram sometimes answers late, having
sent the message): a message given up on and sent again arrives twice, counted as
duplicates. Target: at least 95% of the limit, no 429, no duplicate.
`--kabar-root` runs `kabar run` from another checkout (before/after comparisons).
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import time
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import func, select

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from bot.db.database import Database  # noqa: E402
from bot.db.migrate import upgrade  # noqa: E402
from bot.db.models import Cohort, OutboxMessage  # noqa: E402
from bot.domain.rounds.opening import open_round  # noqa: E402
from bot.sandbox.fakeapi import FakeTelegram  # noqa: E402
from tests.domain.rounds.support import seed_cohort  # noqa: E402
from tests.support.process import KabarProcess  # noqa: E402


def max_in_any_second(times: list[float]) -> int:
    best, start = 0, 0
    for end, at in enumerate(times):
        while at - times[start] >= 1.0:
            start += 1
        best = max(best, end - start + 1)
    return best


SLOW_EVERY = 25  # one family in this many gets its first message answered late
SLOW_S = 7.0  # longer than PTB's default read timeout (5 s)


async def run(families: int, env: dict[str, str], *, limits: bool, slow: bool) -> dict[str, float]:
    folder = Path(tempfile.mkdtemp())
    url = f"sqlite:///{folder / 'bench.db'}"
    upgrade(url)
    db = Database(url)
    now = datetime.now(UTC)
    await seed_cohort(db, families, quiet=("00:00", "00:00"), created=now)
    async with db.transaction() as session:
        cohort = (await session.execute(select(Cohort))).scalar_one()
        await open_round(session, cohort, now=now)
    async with db.sessions() as session:
        # One message a family since the greeting leads into the first question (#14).
        total = await session.scalar(select(func.count()).select_from(OutboxMessage)) or 0
    await db.dispose()
    async with FakeTelegram() as tg:
        for number in range(families):
            tg.user(10_000 + number, started=True)
        if limits:
            tg.enforce_limits(30, chat_burst=3)
        if slow:
            for number in range(0, families, SLOW_EVERY):
                tg.faults.add("sendMessage", delay=SLOW_S, times=1, chat_id=10_000 + number)
        kabar = KabarProcess(tg, url, folder, extra_env=env)
        started = time.perf_counter()
        await kabar.start()
        async with asyncio.timeout(600):
            while len(tg.sent_messages()) < total:
                await asyncio.sleep(0.05)
        wall = time.perf_counter() - started
        await kabar.stop()
        sends = sorted(c.time for c in tg.calls if c.method == "sendMessage")
        throttled = sum(1 for c in tg.calls if c.method == "sendMessage" and not c.ok)
        said = Counter((m["chat"]["id"], m["text"]) for m in tg.sent_messages())
    # The steady rate: from the first to the last message, start-up excluded.
    rate = (len(sends) - 1) / (sends[-1] - sends[0])
    return {
        "messages": total,
        "rate": rate,
        "max_1s": max_in_any_second(sends),
        "errors": throttled,
        "duplicates": sum(n - 1 for n in said.values()),
        "wall": wall,
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--families", type=int, default=600)
    parser.add_argument("--kabar-root", help="run `kabar run` from this checkout")
    args = parser.parse_args()
    telegram = {"KABAR_SEND_PER_SECOND": "30", "KABAR_SEND_CHAT_INTERVAL": "1"}
    lifted = {"KABAR_SEND_PER_SECOND": "1000", "KABAR_SEND_CHAT_INTERVAL": "0"}
    runs = {
        "limit 30/s, 1 s per chat; fake enforces Telegram's limits": (telegram, True, False),
        "limit lifted (1000/s, no per-chat spacing), no limits at the fake": (
            lifted,
            False,
            False,
        ),
        f"as the first, 1 family in {SLOW_EVERY} answered after {SLOW_S:g} s": (
            telegram,
            True,
            True,
        ),
    }
    print(
        "| run | messages | sustained rate | most in any 1 s | errors / 429 | duplicates "
        "| wall time |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|")
    for label, (env, limits, slow) in runs.items():
        if args.kabar_root:
            env = env | {"PYTHONPATH": args.kabar_root}
        result = asyncio.run(run(args.families, env, limits=limits, slow=slow))
        print(
            f"| {label} | {result['messages']:,.0f} | {result['rate']:.1f} msg/s "
            f"| {result['max_1s']:.0f} | {result['errors']:.0f} | {result['duplicates']:.0f} "
            f"| {result['wall']:.1f} s |",
            flush=True,
        )


if __name__ == "__main__":
    main()
