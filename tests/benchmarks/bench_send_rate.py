"""Sustained send rate of `kabar run`, measured at the fake Bot API.

Run: .venv/bin/python tests/benchmarks/bench_send_rate.py [--families 600]
Opens a round (a greeting and a question per family: 2 messages each) and lets a real
`kabar run` process drain it twice: once within Telegram's 30 messages/s, once with the
limit lifted to show the sender's headroom. Target: at least 95% of the limit, no 429.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import select

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from bot.db.database import Database  # noqa: E402
from bot.db.migrate import upgrade  # noqa: E402
from bot.db.models import Cohort  # noqa: E402
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


async def run(families: int, env: dict[str, str]) -> dict[str, float]:
    folder = Path(tempfile.mkdtemp())
    url = f"sqlite:///{folder / 'bench.db'}"
    upgrade(url)
    db = Database(url)
    now = datetime.now(UTC)
    await seed_cohort(db, families, quiet=("00:00", "00:00"), created=now)
    async with db.transaction() as session:
        cohort = (await session.execute(select(Cohort))).scalar_one()
        await open_round(session, cohort, now=now)
    await db.dispose()
    total = 2 * families
    async with FakeTelegram() as tg:
        for number in range(families):
            tg.user(10_000 + number, started=True)
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
    # The steady rate: from the first to the last message, start-up excluded.
    rate = (len(sends) - 1) / (sends[-1] - sends[0])
    return {
        "messages": total,
        "rate": rate,
        "max_1s": max_in_any_second(sends),
        "errors": throttled,
        "wall": wall,
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--families", type=int, default=600)
    args = parser.parse_args()
    runs = {
        "limit 30/s, 1 s per chat (Telegram's)": {
            "KABAR_SEND_PER_SECOND": "30",
            "KABAR_SEND_CHAT_INTERVAL": "1",
        },
        "limit lifted (1000/s, no per-chat spacing)": {
            "KABAR_SEND_PER_SECOND": "1000",
            "KABAR_SEND_CHAT_INTERVAL": "0",
        },
    }
    print("| run | messages | sustained rate | most in any 1 s | errors / 429 | wall time |")
    print("|---|---:|---:|---:|---:|---:|")
    for label, env in runs.items():
        result = asyncio.run(run(args.families, env))
        print(
            f"| {label} | {result['messages']:,.0f} | {result['rate']:.1f} msg/s "
            f"| {result['max_1s']:.0f} | {result['errors']:.0f} | {result['wall']:.1f} s |"
        )


if __name__ == "__main__":
    main()
