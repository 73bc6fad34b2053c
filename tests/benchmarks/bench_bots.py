"""A round on N bots: how much faster it goes out than on one, within Telegram's limits.

Run: .venv/bin/python tests/benchmarks/bench_bots.py [--families 3000] [--bots 1,2,4]
     [--speed 10]

Each run opens a round (one message per family: the greeting leads into the first question)
with the families spread evenly over N bots (the default bot and N-1 added ones, as `kabar
bot add` stores them), and lets a real `kabar run` process send it to the fake Bot API in
limits mode, which counts each bot's messages apart (a 429 beyond the limit in any second,
or a burst of 3 in one chat). The clock is accelerated by `--speed`: every rate is
multiplied by it, at the fake and in Kabar alike (Telegram's 30 a second per bot becomes 30
x speed, its second between a chat's messages 1/speed), so that a round that would take
minutes at Telegram's pace takes seconds, and the point where one machine's CPU, not
Telegram, sets the pace shows. Printed: the sustained rate at the fake (first to last
message) in accelerated and in Telegram seconds, the speed-up over one bot, 429s, and the
CPU seconds `kabar run` used."""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
from pathlib import Path

from sqlalchemy import func, select

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from bot.db.database import Database  # noqa: E402
from bot.db.migrate import upgrade  # noqa: E402
from bot.db.models import Bot, Cohort, OutboxMessage, TelegramAccount  # noqa: E402
from bot.domain.rounds.opening import open_round  # noqa: E402
from bot.sandbox.fakeapi import FakeTelegram  # noqa: E402
from tests.domain.rounds.support import seed_cohort  # noqa: E402
from tests.support.process import TEST_TOKEN, KabarProcess  # noqa: E402

DEFAULT_BOT = int(TEST_TOKEN.split(":")[0])


def cpu_seconds(pid: int) -> float:
    """User and system CPU time of a process so far (Linux)."""
    import os

    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


async def run(families: int, bots: int, speed: float) -> dict[str, float]:
    folder = Path(tempfile.mkdtemp())
    url = f"sqlite:///{folder / 'bench.db'}"
    upgrade(url)
    db = Database(url)
    async with FakeTelegram() as tg:
        from datetime import UTC, datetime

        now = datetime.now(UTC)
        await seed_cohort(db, families, quiet=("00:00", "00:00"), created=now)
        async with db.transaction() as session:
            ids: list[int | None] = [None]
            for number in range(1, bots):
                token = tg.add_bot(1000 + number, f"kabar_bench_{number}_bot")
                bot = Bot(username=f"kabar_bench_{number}_bot", token=token, created_at=now)
                session.add(bot)
                await session.flush()
                ids.append(bot.id)
            accounts = await session.execute(select(TelegramAccount).order_by(TelegramAccount.id))
            for number, account in enumerate(accounts.scalars()):
                account.bot_id = ids[number % bots]
                tg.user(account.chat_id, started=True)
            cohort = (await session.execute(select(Cohort))).scalar_one()
            await open_round(session, cohort, now=now)
        async with db.sessions() as session:
            # The round's messages: one a family since the greeting leads into the first
            # question (#14); the benchmark waited for two and never ended.
            total = await session.scalar(select(func.count()).select_from(OutboxMessage)) or 0
        await db.dispose()
        tg.enforce_limits(round(30 * speed), chat_burst=3)
        env = {
            "KABAR_SEND_PER_SECOND": str(30 * speed),
            "KABAR_SEND_CHAT_INTERVAL": str(1 / speed),
        }
        kabar = KabarProcess(tg, url, folder, extra_env=env)
        await kabar.start()
        assert kabar.process is not None
        pid = kabar.process.pid
        cpu_before = cpu_seconds(pid)
        async with asyncio.timeout(900):
            while len(tg.sent_messages()) < total:
                await asyncio.sleep(0.05)
        cpu = cpu_seconds(pid) - cpu_before
        await kabar.stop()
        sends = sorted(c.time for c in tg.calls if c.method == "sendMessage" and c.ok)
        throttled = sum(1 for c in tg.calls if c.method == "sendMessage" and not c.ok)
    rate = (len(sends) - 1) / (sends[-1] - sends[0])
    return {"messages": total, "rate": rate, "errors": throttled, "cpu": cpu}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--families", type=int, default=3000)
    parser.add_argument("--bots", default="1,2,4")
    parser.add_argument("--speed", type=float, default=10.0)
    args = parser.parse_args()
    print(
        "| bots | messages | rate at the fake | in Telegram time | speed-up | 429s "
        "| CPU of kabar run | CPU per 1,000 messages |"
    )
    print("|---:|---:|---:|---:|---:|---:|---:|---:|")
    first: float | None = None
    for bots in [int(n) for n in args.bots.split(",")]:
        result = asyncio.run(run(args.families, bots, args.speed))
        first = first or result["rate"]
        print(
            f"| {bots} | {result['messages']:,.0f} | {result['rate']:.0f} msg/s "
            f"| {result['rate'] / args.speed:.1f} msg/s | {result['rate'] / first:.2f}x "
            f"| {result['errors']:.0f} | {result['cpu']:.1f} s "
            f"| {1000 * result['cpu'] / result['messages']:.2f} s |",
            flush=True,
        )


if __name__ == "__main__":
    main()
