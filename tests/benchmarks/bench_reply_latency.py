"""How long a family waits for its next question while a round goes out at Telegram's limit.

Run:  .venv/bin/python tests/benchmarks/bench_reply_latency.py [--rounds 1000 20000]
          [--probes 20] [--spread 20] [--kabar-root PATH] [--timeout 240]

For each round size (in messages as they were before #14: a greeting and a first question
per family, so `--rounds 4000` is 2,000 families; since #14 they are one message) a fresh SQLite
database gets the families, a fake Bot API (bot/sandbox/fakeapi) starts on 127.0.0.1 in
Telegram's limits mode (429 beyond 30 messages a second, or a burst of 3 in one chat), a
real `kabar run` starts against both, and the round opens as `kabar checkin send` opens it.
The first `--probes` families, once they have their first question, start answering one
after another over `--spread` seconds, while the rest of the round is still going out: they
press "Yes", then type "5 kg" and "3", each time waiting for the next question and a
second's reading. Measured at
the fake server: from the answer to the next question's arrival (the reply), and from the
press to the answer that stops the button's spinner. The bulk rate is the round's messages
to other families a second over the same time, to show the round was going out at the
limit; 429s are the fake server's refusals.

The round is not drained to its end (20,000 messages take 11 minutes at 30 a second): the
bot is stopped once the probes are done. `--kabar-root` runs `kabar run` from another
checkout (for a before/after comparison: PYTHONPATH puts it ahead of this one). Every run is
bounded by --timeout and the bot process is stopped however it ends. Not collected by
pytest (not named test_*).
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from bot.sandbox.fakeapi import FakeTelegram, FakeUser  # noqa: E402
from tests.benchmarks.bench_checkin_throughput import (  # noqa: E402
    FIRST_USER_ID,
    TOKEN,
    UNIT,
    BotProcess,
    _prompt,
    checkin_send,
    clean_env,
    script,
)

# A family reads the question before answering. Answering at once would make four
# messages in a second in one chat, which Telegram (and the fake in limits mode) refuses.
THINK_S = 1.0


@dataclass
class Run:
    messages: int
    replies_ms: list[float] = field(default_factory=list)
    spinners_ms: list[float] = field(default_factory=list)
    bulk_rate: float = 0.0
    refused: int = 0
    most_in_1s: int = 0  # messages the fake took in any second (Telegram's limit: 30)
    window_s: float = 0.0


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


async def seed(database_url: str, families: int) -> int:
    from bot.db.database import Database
    from bot.db.migrate import upgrade
    from bot.db.models import Cohort, Person, Role, TelegramAccount

    upgrade(database_url)
    now = datetime.now(UTC)
    db = Database(database_url)
    try:
        async with db.transaction() as session:
            # No quiet hours (start == end), so the round's messages go out at any hour.
            cohort = Cohort(
                name="bench", schedule="mon 08:00", timezone="Asia/Jakarta", unit=UNIT,
                quiet_hours_start="00:00", quiet_hours_end="00:00", created_at=now,
            )  # fmt: skip
            session.add(cohort)
            await session.flush()
            session.add_all(
                Person(
                    id=f"KPM-{i:05d}", role=Role.PARTICIPANT, name=f"Family {i}",
                    cohort_id=cohort.id, language="en", attributes={}, consent_at=now,
                    created_at=now, updated_at=now,
                )
                for i in range(families)
            )  # fmt: skip
            await session.flush()
            session.add_all(
                TelegramAccount(
                    person_id=f"KPM-{i:05d}", telegram_user_id=FIRST_USER_ID + i,
                    chat_id=FIRST_USER_ID + i, first_name=f"Family {i}",
                    linked_at=now, linked_by="invitation",
                )
                for i in range(families)
            )  # fmt: skip
            return cohort.id
    finally:
        await db.dispose()


async def open_the_round(database_url: str, cohort_id: int) -> None:
    from bot.db.database import Database
    from bot.db.models import Cohort
    from bot.domain.rounds.opening import open_round

    db = Database(database_url)
    try:
        async with db.transaction() as session:
            cohort = await session.get(Cohort, cohort_id)
            assert cohort is not None
            await open_round(session, cohort, now=datetime.now(UTC))
    finally:
        await db.dispose()


async def probe(
    tg: FakeTelegram, user: FakeUser, delay: float, run: Run, started: list[float]
) -> None:
    first = _prompt("produced")
    await user.replies_until(lambda e: e.kind == "text" and first in e.text, timeout=120)
    await asyncio.sleep(delay)
    started.append(time.monotonic())
    for answer in script()[:3]:
        await asyncio.sleep(THINK_S)
        sent = time.monotonic()
        if answer.press:
            await user.press(answer.value)
        else:
            await user.send_text(answer.value)
        taken = await user.replies_until(answer.done, timeout=120)
        run.replies_ms.append((taken[-1].time - sent) * 1000)
        if answer.press:
            spinner = await _spinner_stopped(tg, user.id, sent)
            run.spinners_ms.append((spinner - sent) * 1000)


async def _spinner_stopped(tg: FakeTelegram, chat_id: int, pressed: float) -> float:
    async with asyncio.timeout(120):
        while True:
            for entry in tg.transcript(chat_id):
                if entry.kind == "callback_answer" and entry.time >= pressed:
                    return entry.time
            await asyncio.sleep(0.01)


async def run_one(messages: int, args: argparse.Namespace) -> Run:
    families = messages // 2
    folder = Path(tempfile.mkdtemp(prefix="kabar-reply-latency-"))
    url = f"sqlite:///{folder / 'bench.db'}"
    cohort_id = await seed(url, families)
    run = Run(messages)
    async with FakeTelegram() as tg:
        flood = tg.enforce_limits(30, chat_burst=3)
        users = [
            tg.user(FIRST_USER_ID + i, f"Family {i}", language_code="en", started=True)
            for i in range(families)
        ]
        env = clean_env(
            KABAR_BOT_TOKEN=TOKEN, KABAR_TELEGRAM_API_URL=tg.api_url, KABAR_DATABASE_URL=url
        )
        if args.kabar_root:
            env["PYTHONPATH"] = args.kabar_root
        profile = [str(Path(__file__).with_name("cpu_profile.py")), args.profile]
        argv = [sys.executable, *(profile if args.profile else []), "-m", "bot", "run"]
        bot = BotProcess(argv, env, folder)
        started: list[float] = []
        try:
            await bot.start(tg, "setMyCommands")
            if args.kabar_root:  # that checkout's code opens the round, as its CLI would
                await checkin_send(args.kabar_root, url, folder)
            else:
                await open_the_round(url, cohort_id)
            spacing = args.spread / max(1, args.probes - 1)
            probes = [
                asyncio.create_task(probe(tg, users[i], i * spacing, run, started))
                for i in range(args.probes)
            ]
            async with asyncio.timeout(args.timeout):
                await asyncio.gather(*probes)
            ended = time.monotonic()
        finally:
            await bot.stop()
        begun = min(started)
        probed = {u.id for u in users[: args.probes]}
        bulk = [
            c
            for c in tg.calls
            if c.method == "sendMessage" and c.ok and c.chat_id not in probed
            if begun <= c.time <= ended
        ]
        run.window_s = ended - begun
        run.bulk_rate = len(bulk) / run.window_s
        run.refused = flood.refused
        counted = sorted(
            c.time
            for c in tg.calls
            if c.ok
            and c.method.lower().startswith(("send", "edit"))
            and c.method != "sendChatAction"
        )
        start = 0
        for end, at in enumerate(counted):
            while at - counted[start] >= 1.0:
                start += 1
            run.most_in_1s = max(run.most_in_1s, end - start + 1)
        if args.verbose:
            for c in tg.calls:
                if not c.ok:
                    near = [
                        (round(d.time - c.time, 3), d.method, d.ok)
                        for d in tg.calls
                        if d.chat_id == c.chat_id and abs(d.time - c.time) < 1.5
                    ]
                    print(c.method, c.chat_id in probed, near, file=sys.stderr)
    return run


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--rounds", type=int, nargs="+", default=[1000, 20000])
    parser.add_argument("--probes", type=int, default=20)
    parser.add_argument(
        "--spread", type=float, default=20.0, help="seconds over which probes start"
    )
    parser.add_argument("--kabar-root", help="run `kabar run` from this checkout")
    parser.add_argument("--profile", help="run `kabar run` under cProfile, writing PATH")
    parser.add_argument("--verbose", action="store_true", help="the calls around each 429")
    parser.add_argument("--timeout", type=float, default=240.0, help="seconds per round")
    args = parser.parse_args()
    print(
        "| round | replies | reply p50 | reply p95 | reply max | spinner p50 | spinner p95 "
        "| round's rate meanwhile | most in any 1 s | 429 |"
    )
    print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for messages in args.rounds:
        run = asyncio.run(run_one(messages, args))
        r, s = run.replies_ms, run.spinners_ms
        print(
            f"| {messages:,} | {len(r)} | {statistics.median(r):,.0f} ms "
            f"| {percentile(r, 0.95):,.0f} ms | {max(r):,.0f} ms "
            f"| {statistics.median(s):,.0f} ms | {percentile(s, 0.95):,.0f} ms "
            f"| {run.bulk_rate:.1f} msg/s over {run.window_s:.0f} s | {run.most_in_1s} "
            f"| {run.refused} |",
            flush=True,
        )


if __name__ == "__main__":
    main()
