"""Benchmark: end-to-end check-in throughput, Kabar against a python-telegram-bot baseline.

Run:  .venv/bin/python tests/benchmarks/bench_checkin_throughput.py
          [--families 200] [--db sqlite|postgresql] [--pg-url URL] [--only kabar|baseline]
          [--repeat N] [--telegram-limits] [--kabar-root PATH] [--open-with cli]
          [--profile OUT.prof] [--sql-census OUT.txt] [--memory-census OUT.txt [--trace-memory]]

For each system in turn (Kabar, then baseline_ptb_bot.py, written like PTB's examples with a
ConversationHandler and PicklePersistence) a fresh fake Bot API (bot/sandbox/fakeapi) starts in this
process on 127.0.0.1 and the bot runs as a subprocess pointed at it. N simulated families
wait until every one has the first question, then answer the whole check-in at once, each
waiting for the reply before its next answer:

    Yes · "5 kg" · "5" · "150rb" · Tools ✓ · Market ✓ · Done · a note · Yes · Skip · ✅ Send

An answer is one user action that gets a reply; its latency runs from the action to the reply
it leads to (the next question, the ticked keyboard for a toggle, the thanks after Send) as
the fake server saw it arrive. Kabar's families start from the round's first question
(`open_round`, as `kabar checkin send` does); the baseline's send /start first. Neither first
exchange is counted. Throughput is taken over the steady part (between the 10th and 90th
percentile of completions); CPU is the bot process's utime+stime from /proc over the
answering phase. The whole run (check-ins a second) goes from the round opening to the
last reply; so does "CPU per check-in": the CPU of the bot process from just before the round
opens (or the first /start) to the last thanks, plus the round opening's own CPU where it
runs outside the bot (`kabar checkin send`, start-up included, or open_round in this
process), divided by the check-ins completed. Afterwards Kabar's database must hold N
answered follow-up records with the answers given, and the baseline's pickle (flushed when
it stops) N records.

Each system's run is bounded by --timeout (default 300 s) and every bot process is stopped
(SIGTERM, then kill) however the run ends. Not collected by pytest (not named test_*).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import gc
import os
import pickle
import resource
import shutil
import signal
import statistics
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from machine import speed  # this folder: run as a script

from bot.sandbox.fakeapi import FakeTelegram, FakeUser, TranscriptEntry

ROOT = Path(__file__).resolve().parents[2]
BASELINE = Path(__file__).with_name("baseline_ptb_bot.py")
CPU_PROFILE = Path(__file__).with_name("cpu_profile.py")
SQL_CENSUS = Path(__file__).with_name("sql_census.py")
MEMORY_CENSUS = Path(__file__).with_name("memory_census.py")
TOKEN = "123456:BENCH-abcdefghijklmnopqrstuvwxyz"
UNIT = "kg"
NOTE = "Timbangan rusak, belum punya alat pengering."
FIRST_USER_ID = 700_000
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
REPLY_TIMEOUT_S = 120.0
# The fake Bot API has no rate limits and the baseline applies none, so by default Kabar's
# bulk limit (Telegram's ~30 messages/s; it holds the round's opening, and held every reply
# before #14) is raised to its maximum for a like-for-like comparison; --telegram-limits
# keeps it (bench_calls_per_checkin.py adds Telegram's limits at the fake).
LIKE_FOR_LIKE = ("KABAR_SEND_PER_SECOND=1000",)


# --- the answers --------------------------------------------------------------------------


def _prompt(step_id: str) -> str:
    from conversations.checkin import CHECKIN

    # Msgids are the English texts; families speak English so both bots' texts match.
    return CHECKIN.step(step_id).prompt.format(unit=UNIT)


@dataclass(frozen=True, slots=True)
class Answer:
    press: bool  # a button press, or a typed text
    value: str
    # The question this leads to (None: an edit of the same question's buttons), in a new
    # message or in the pressed one (bot/flows/render.py).
    reply: str | None

    def done(self, entry: TranscriptEntry) -> bool:
        if self.reply is None:
            return entry.kind in ("edit", "edit_markup")
        return entry.kind in ("text", "edit") and self.reply in entry.text


def script() -> list[Answer]:
    from bot.domain.checkins.binding import THANKS

    return [
        Answer(True, "Yes", _prompt("quantity_produced")),
        Answer(False, "5 kg", _prompt("quantity_sold")),
        # All sold: no stock left, so Kabar asks no offer question (the baseline has none);
        # it still reads the family's stock where it decides that, and keeps it at the end.
        Answer(False, "5", _prompt("revenue_idr")),
        Answer(False, "150rb", _prompt("problems")),
        Answer(True, "Tools or equipment", None),
        Answer(True, "Market or buyers", None),
        Answer(True, "Done", _prompt("problem_note")),
        Answer(False, NOTE, _prompt("needs_help")),
        Answer(True, "Yes", _prompt("photo")),
        Answer(True, "Skip", _prompt("confirm")),
        Answer(True, "✅ Send", THANKS),
    ]


@dataclass(slots=True)
class Sample:
    sent: float
    replied: float


@dataclass(slots=True)
class Measured:
    samples: list[Sample]
    opening_s: float  # from the start signal (round opened, /start sent) to the last first question
    bot_cpu_s: float
    bench_cpu_s: float
    db_cpu_s: float | None
    other_cpu_s: float  # everything else on the machine meanwhile: it skews the figures
    calls: Counter[str]
    peak_rss_mb: float  # the bot process's own high-water mark (VmHWM), start-up included
    whole_bot_cpu_s: float  # the bot process from before the round opens to the last reply
    opening_cpu_s: float  # the round opening outside the bot process (0 for the baseline)
    completed: int  # families who got their thanks


class Phase:
    """The answering phase. Families wait until every one has its first question, then all
    answer at once: the opening (which Kabar paces as bulk sending, one message a second per
    chat) is timed but not counted, nor its CPU or calls."""

    def __init__(self, tg: FakeTelegram, pid: int, families: int, measure_db: bool) -> None:
        self.tg, self.pid, self.families, self.measure_db = tg, pid, families, measure_db
        self.opening_from = time.monotonic()
        self.last_first_question = 0.0
        self.arrived = 0
        self.everyone = asyncio.Event()
        self.bot_cpu = self.own_cpu = self.machine = 0.0
        self.db_cpu: float | None = None
        self.calls_from = 0
        # Before anything of the run happens (the round's opening, the first /start).
        self.whole_from = cpu_seconds(pid)
        self.opening_cpu = 0.0  # added by whoever opens the round outside the bot
        self.completed = 0

    async def arrive(self, first_question_at: float) -> None:
        self.last_first_question = max(self.last_first_question, first_question_at)
        self.arrived += 1
        if self.arrived == self.families:
            self.begin()
            self.everyone.set()
        await self.everyone.wait()

    def begin(self) -> None:
        # Runs before any family answers, so no answer reaches the bot before these are read.
        self.bot_cpu, self.own_cpu = cpu_seconds(self.pid), time.process_time()
        self.db_cpu = postgres_cpu_seconds() if self.measure_db else None
        self.calls_from = len(self.tg.calls)
        self.machine = machine_busy_seconds()

    def end(self, samples: list[Sample]) -> Measured:
        bot = cpu_seconds(self.pid) - self.bot_cpu
        own = time.process_time() - self.own_cpu
        db = postgres_cpu_seconds() - self.db_cpu if self.db_cpu is not None else None
        other = machine_busy_seconds() - self.machine - bot - own - (db or 0.0)
        calls = Counter(c.method for c in self.tg.calls[self.calls_from :])
        del calls["getUpdates"]
        opening = self.last_first_question - self.opening_from
        whole = cpu_seconds(self.pid) - self.whole_from
        return Measured(
            samples, opening, bot, own, db, other, calls, peak_rss_mb(self.pid),
            whole, self.opening_cpu, self.completed,
        )  # fmt: skip


async def family(
    user: FakeUser,
    answers: list[Answer],
    samples: list[Sample],
    begin: Callable[[FakeUser], Awaitable[object]] | None,
    phase: Phase,
) -> None:
    if begin is not None:
        await begin(user)
    first = _prompt("produced")
    taken = await user.replies_until(
        lambda e: e.kind == "text" and first in e.text, timeout=REPLY_TIMEOUT_S
    )
    await phase.arrive(taken[-1].time)
    for answer in answers:
        sent = time.monotonic()
        if answer.press:
            await user.press(answer.value)
        else:
            await user.send_text(answer.value)
        taken = await user.replies_until(answer.done, timeout=REPLY_TIMEOUT_S)
        samples.append(Sample(sent, taken[-1].time))
    phase.completed += 1


# --- processes ----------------------------------------------------------------------------


def cpu_seconds(pid: int) -> float:
    """utime + stime of a process (all its threads) from /proc/<pid>/stat."""
    stat = Path(f"/proc/{pid}/stat").read_text()
    fields = stat[stat.rindex(")") + 2 :].split()  # after "pid (comm) "; comm may hold spaces
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS


def peak_rss_mb(pid: int) -> float:
    """A process's peak resident memory so far (VmHWM in /proc/<pid>/status), in MB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024  # kB
    return float("nan")


def machine_busy_seconds() -> float:
    """CPU time all processors spent not idle, from /proc/stat."""
    ticks = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    return (sum(ticks[:8]) - ticks[3] - ticks[4]) / CLOCK_TICKS  # minus idle and iowait


def postgres_cpu_seconds() -> float:
    """CPU of every `postgres` process on this machine (server and backends)."""
    total = 0.0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        with contextlib.suppress(OSError, ValueError):
            stat = (entry / "stat").read_text()
            if stat[stat.index("(") + 1 : stat.rindex(")")] == "postgres":
                total += cpu_seconds(int(entry.name))
    return total


class BotProcess:
    def __init__(self, argv: list[str], env: dict[str, str], workdir: Path) -> None:
        self.argv = argv
        self.env = env
        self.workdir = workdir
        self.log_path = workdir / "bot.log"
        self.process: asyncio.subprocess.Process | None = None

    @property
    def pid(self) -> int:
        assert self.process is not None
        return self.process.pid

    async def start(self, tg: FakeTelegram, ready_method: str, timeout: float = 60.0) -> None:
        """Start, and wait until the bot makes its first `ready_method` call."""
        with self.log_path.open("ab") as log:
            self.process = await asyncio.create_subprocess_exec(
                *self.argv, cwd=self.workdir, env=self.env, stdout=log, stderr=log
            )
        deadline = time.monotonic() + timeout
        while not any(c.method == ready_method for c in tg.calls):
            if self.process.returncode is not None:
                raise RuntimeError(f"bot exited early:\n{self.log()}")
            if time.monotonic() > deadline:
                raise TimeoutError(f"bot not ready within {timeout:g} s:\n{self.log()}")
            await asyncio.sleep(0.05)

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")[-4000:]

    async def stop(self, timeout: float = 300.0) -> int | None:  # a traced census takes minutes
        if self.process is None or self.process.returncode is not None:
            return None if self.process is None else self.process.returncode
        self.process.send_signal(signal.SIGTERM)
        try:
            return await asyncio.wait_for(self.process.wait(), timeout)
        except TimeoutError:
            self.process.kill()
            return await self.process.wait()


async def checkin_send(root: str, database_url: str, workdir: Path, cohort: str = "bench") -> float:
    """`kabar checkin send` from the checkout at `root` (a before/after comparison: the
    round's opening messages are that code's); the CPU it used, start-up included."""
    before = children_cpu_seconds()
    env = clean_env(KABAR_DATABASE_URL=database_url, PYTHONPATH=root)
    argv = [sys.executable, "-m", "bot", "checkin", "send", "--cohort", cohort]
    process = await asyncio.create_subprocess_exec(
        *argv, cwd=workdir, env=env, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE
    )
    out, err = await process.communicate()
    if process.returncode != 0:
        raise RuntimeError(f"kabar checkin send failed:\n{(out + err).decode()}")
    # Only this child ended meanwhile: the bot process is still running (not yet reaped).
    return children_cpu_seconds() - before


def children_cpu_seconds() -> float:
    """User + system CPU of this process's children that have ended and been waited for."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def clean_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("KABAR_", "BASELINE_"))}
    env.update(PYTHONUNBUFFERED="1", **extra)
    return env


# --- one system ---------------------------------------------------------------------------


@dataclass
class Result:
    system: str
    families: int
    measured: Measured
    committed: str

    @property
    def samples(self) -> list[Sample]:
        return self.measured.samples

    @property
    def answers(self) -> int:
        return len(self.samples)

    @property
    def wall_s(self) -> float:
        return max(s.replied for s in self.samples) - min(s.sent for s in self.samples)

    @property
    def whole_s(self) -> float:
        """From the start signal (the round opened) to the last reply: the whole run."""
        return self.measured.opening_s + self.wall_s

    def checkins_per_s(self) -> float:
        """Completed check-ins a second over the whole run, round opening included."""
        return self.families / self.whole_s

    def cpu_per_checkin_ms(self) -> float:
        """CPU of the whole run (the bot's, and the opening's outside it) per completed
        check-in."""
        m = self.measured
        return (m.whole_bot_cpu_s + m.opening_cpu_s) / max(m.completed, 1) * 1000

    def steady_rate(self) -> float:
        done = sorted(s.replied for s in self.samples)
        lo, hi = int(len(done) * 0.1), int(len(done) * 0.9)
        return (hi - lo) / (done[hi] - done[lo])

    def latencies_ms(self) -> list[float]:
        return sorted((s.replied - s.sent) * 1000 for s in self.samples)

    def percentile(self, q: float) -> float:
        values = self.latencies_ms()
        return values[min(len(values) - 1, round(q * (len(values) - 1)))]


async def drive(
    tg: FakeTelegram,
    users: list[FakeUser],
    bot: BotProcess,
    *,
    begin: Callable[[FakeUser], Awaitable[object]] | None,
    kick: Callable[[], Awaitable[float]] | None,
    measure_db: bool,
) -> Measured:
    """All families at once, from their first question to the end of the check-in."""
    answers = script()
    samples: list[Sample] = []
    phase = Phase(tg, bot.pid, len(users), measure_db)
    tasks = [asyncio.create_task(family(u, answers, samples, begin, phase)) for u in users]
    try:
        if kick is not None:
            phase.opening_cpu = await kick()
        await asyncio.gather(*tasks)
    finally:
        for task in tasks:
            task.cancel()
    return phase.end(samples)


async def run_kabar(args: argparse.Namespace, workdir: Path, database_url: str) -> Result:
    from sqlalchemy import func, select

    from bot.db.database import Database
    from bot.db.models import (
        Cohort,
        FollowUpRecord,
        Person,
        RecordStatus,
        Role,
        Round,
        TelegramAccount,
    )
    from bot.domain.rounds.opening import open_round
    from bot.lib.clock import SystemClock

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
            # Silent families (bench_calls_per_checkin.py --silent) get the round, never answer.
            everyone = args.families + getattr(args, "silent", 0)
            for i in range(everyone):
                person_id = f"KPM-{i:05d}"
                session.add(
                    Person(
                        id=person_id, role=Role.PARTICIPANT, name=f"Family {i}",
                        cohort_id=cohort.id, language="en", attributes={}, consent_at=now,
                        created_at=now, updated_at=now,
                    )
                )  # fmt: skip
            await session.flush()
            for i in range(everyone):
                session.add(
                    TelegramAccount(
                        person_id=f"KPM-{i:05d}", telegram_user_id=FIRST_USER_ID + i,
                        chat_id=FIRST_USER_ID + i, first_name=f"Family {i}",
                        linked_at=now, linked_by="invitation",
                    )
                )  # fmt: skip
        cohort_id = cohort.id
        round_ids: list[int] = []

        async def kick() -> float:
            """Open the round; the CPU that took outside the bot process."""
            root = args.kabar_env.get("PYTHONPATH")
            # bench_calls_per_checkin.py sets no `open_with`: another checkout opens its round.
            opener = getattr(args, "open_with", None) or ("cli" if root else "process")
            if opener == "cli":
                # That checkout's code opens the round (its greeting, its messages).
                used = await checkin_send(root or str(ROOT), database_url, workdir)
                async with db.sessions() as session:
                    round_ids.append(int(await session.scalar(select(func.max(Round.id))) or 0))
                return used
            # As `kabar checkin send` does: the round and its first questions in one
            # transaction. This process's CPU meanwhile (aiosqlite's thread included); the
            # fake API and the families are idle until the first questions go out.
            before = time.process_time()
            async with db.transaction() as session:
                row = await session.get(Cohort, cohort_id)
                assert row is not None
                opened = await open_round(session, row, now=SystemClock().now())
                round_ids.append(opened.round_id)
            return time.process_time() - before

        async with FakeTelegram() as tg:
            if getattr(args, "fake_limits", False):
                # Telegram's limits at the fake (bot/sandbox/fakeapi/flood.py): 429 beyond them.
                args.flood = tg.enforce_limits(30, chat_burst=3)
                args.calls = tg.calls
            for i in range(args.families, everyone):
                tg.user(FIRST_USER_ID + i, f"Family {i}", language_code="en", started=True)
            users = [
                tg.user(FIRST_USER_ID + i, f"Family {i}", language_code="en", started=True)
                for i in range(args.families)
            ]
            env = clean_env(
                KABAR_BOT_TOKEN=TOKEN,
                KABAR_TELEGRAM_API_URL=tg.api_url,
                KABAR_DATABASE_URL=database_url,
            )
            env.update(args.kabar_env)
            argv = [sys.executable, *args.kabar_prefix, "-m", "bot", "run"]
            bot = BotProcess(argv, env, workdir)
            try:
                await bot.start(tg, "setMyCommands")
                # The harness's own objects (the fake's state, the simulated families) out of
                # this process's full collections: one held the fake Bot API for 100+ ms, and
                # the requests that came meanwhile were stamped as one, three in the same
                # millisecond, and refused as over 30 a second (docs/PERFORMANCE.md, "session
                # 9's sitting"). The bot's sends were paced; the stall was the harness's.
                gc.collect()
                gc.freeze()
                measured = await drive(
                    tg, users, bot, begin=None, kick=kick, measure_db=args.db == "postgresql"
                )
            finally:
                code = await bot.stop()
            if code not in (0, None):
                print(f"kabar run exited {code}:\n{bot.log()}", file=sys.stderr)

        async with db.sessions() as session:
            records = (
                (
                    await session.execute(
                        select(FollowUpRecord).where(FollowUpRecord.round_id == round_ids[0])
                    )
                )
                .scalars()
                .all()
            )
        good = [
            r
            for r in records
            if r.status is RecordStatus.ANSWERED
            and r.produced is True
            and r.quantity_produced == Decimal(5)
            and r.unit == UNIT
            and r.quantity_sold == Decimal(5)
            and r.revenue_idr == 150_000
            and r.problems == ["tools", "market"]
            and r.problem_note == NOTE
            and r.needs_help is True
        ]
    finally:
        await db.dispose()
    return Result(
        "Kabar (`kabar run`)",
        args.families,
        measured,
        f"{len(good)}/{args.families} records in the database",
    )


async def run_baseline(args: argparse.Namespace, workdir: Path) -> Result:
    pickle_path = workdir / "baseline.pickle"
    async with FakeTelegram() as tg:
        users = [
            tg.user(FIRST_USER_ID + i, f"Family {i}", language_code="en")
            for i in range(args.families)
        ]
        argv = [sys.executable, *args.baseline_prefix, str(BASELINE)]
        argv += ["--token", TOKEN, "--base-url", tg.api_url, "--persistence", str(pickle_path)]
        bot = BotProcess(argv, clean_env(), workdir)
        try:
            await bot.start(tg, "getUpdates")

            async def begin(user: FakeUser) -> None:
                await user.send_command("start")

            measured = await drive(tg, users, bot, begin=begin, kick=None, measure_db=False)
        finally:
            code = await bot.stop()
        if code not in (0, None):
            print(f"baseline exited {code}:\n{bot.log()}", file=sys.stderr)
    records = 0
    if pickle_path.exists():
        with pickle_path.open("rb") as handle:
            stored: dict[str, Any] = pickle.load(handle)  # our own file, just written
        for data in stored.get("user_data", {}).values():
            for record in data.get("records", []):
                records += record.get("revenue_idr") == 150_000 and record.get("problems") == [
                    "tools",
                    "market",
                ]
    return Result(
        "PTB baseline (ConversationHandler + PicklePersistence)",
        args.families,
        measured,
        f"{records}/{args.families} records in the pickle, written at shutdown",
    )


# --- databases ----------------------------------------------------------------------------


@contextlib.asynccontextmanager
async def fresh_database(args: argparse.Namespace, workdir: Path) -> Any:
    """Yield the URL of a new database at the head migration; drop it afterwards."""
    from sqlalchemy.engine import make_url

    from bot.db.migrate import upgrade

    if args.db == "sqlite":
        url = f"sqlite:///{workdir / 'kabar.db'}"
        upgrade(url)
        await stamp_for_other_checkout(args, url)
        yield url
        return
    import asyncpg

    admin = make_url(args.pg_url)
    name = f"kabar_bench_{os.getpid()}"

    async def execute(sql: str) -> None:
        connection = await asyncpg.connect(
            host=admin.host or "127.0.0.1",
            port=admin.port or 5432,
            user=admin.username or "postgres",
            password=admin.password,
            database=admin.database or "postgres",
        )
        try:
            await connection.execute(sql)
        finally:
            await connection.close()

    await execute(f"DROP DATABASE IF EXISTS {name}")
    await execute(f"CREATE DATABASE {name}")
    try:
        url = admin.set(database=name).render_as_string(hide_password=False)
        upgrade(url)
        await stamp_for_other_checkout(args, url)
        yield url
    finally:
        await execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


async def stamp_for_other_checkout(args: argparse.Namespace, url: str) -> None:
    """Mark the database as at the head of the checkout `--kabar-root` names.

    The schema is this checkout's (a superset of an earlier one's: later migrations add
    tables, nullable or defaulted columns, and drop keys), so an earlier `kabar run` works on
    it; without the stamp it would try to migrate to a revision it does not know and stop.
    """
    root = args.kabar_env.get("PYTHONPATH")
    if not root:
        return
    from sqlalchemy import create_engine, text

    from bot.db.revisions import VERSION_TABLE, scripts_head

    head = scripts_head(Path(root) / "migrations" / "versions")
    stamp = text(f"UPDATE {VERSION_TABLE} SET version_num = :head")
    if url.startswith("postgresql"):
        # Through `kabar run`'s driver: a plain postgresql:// URL asks for psycopg, which
        # is not installed.
        from sqlalchemy.ext.asyncio import create_async_engine

        from bot.db.database import async_url

        async_engine = create_async_engine(async_url(url))
        try:
            async with async_engine.begin() as connection:
                await connection.execute(stamp, {"head": head})
        finally:
            await async_engine.dispose()
        return
    engine = create_engine(url)
    try:
        with engine.begin() as connection:
            connection.execute(stamp, {"head": head})
    finally:
        engine.dispose()


# --- report -------------------------------------------------------------------------------


def table(results: list[Result]) -> str:
    head = (
        "| system | CPU per check-in (whole run) | check-ins/s (whole run) | whole run | "
        "answers | answers/s (steady) | "
        "answers/s (overall) | p50 latency | "
        "p99 latency | max latency | answering time | bot CPU | bot CPU per answer | "
        "other CPU on the machine | peak RSS | committed |"
    )
    rows = [head, "|---|" + "---:|" * 14 + "---|"]
    for r in results:
        cpu = f"{r.measured.bot_cpu_s:.1f} s"
        if r.measured.db_cpu_s is not None:
            cpu += f" (+ PostgreSQL {r.measured.db_cpu_s:.1f} s)"
        rows.append(
            f"| {r.system} | {r.cpu_per_checkin_ms():.1f} ms | {r.checkins_per_s():.2f} | "
            f"{r.whole_s:.1f} s | {r.answers} | "
            f"{r.steady_rate():.0f} | {r.answers / r.wall_s:.0f} | "
            f"{r.percentile(0.5):.0f} ms | {r.percentile(0.99):.0f} ms | "
            f"{r.latencies_ms()[-1]:.0f} ms | {r.wall_s:.1f} s | {cpu} | "
            f"{r.measured.bot_cpu_s / r.answers * 1000:.1f} ms | "
            f"{r.measured.other_cpu_s:.1f} s | {r.measured.peak_rss_mb:.0f} MB | {r.committed} |"
        )
    return "\n".join(rows)


def details(results: list[Result]) -> str:
    lines = []
    for r in results:
        calls = ", ".join(f"{m} {n}" for m, n in sorted(r.measured.calls.items()))
        lines.append(
            f"- {r.system}: Bot API calls while answering: {calls}; mean latency "
            f"{statistics.fmean(r.latencies_ms()):.0f} ms; every family had its first "
            f"question {r.measured.opening_s:.1f} s after the start (not counted); this "
            f"process (fake API and families) used {r.measured.bench_cpu_s:.1f} s CPU; "
            f"whole run: {r.measured.completed} check-ins completed, the bot used "
            f"{r.measured.whole_bot_cpu_s:.2f} s CPU and the round's opening outside it "
            f"{r.measured.opening_cpu_s:.2f} s"
        )
    return "\n".join(lines)


async def main(args: argparse.Namespace) -> list[Result]:
    results: list[Result] = []
    base = Path(tempfile.mkdtemp(prefix="kabar-bench-"))
    try:
        # Alternating the systems spreads any other load on the machine over both.
        for run in range(1, args.repeat + 1):
            if args.only in (None, "kabar"):
                workdir = base / f"kabar-{run}"
                workdir.mkdir()
                async with fresh_database(args, workdir) as url:
                    async with asyncio.timeout(args.timeout):
                        results.append(await run_kabar(args, workdir, url))
            if args.only in (None, "baseline"):
                workdir = base / f"baseline-{run}"
                workdir.mkdir()
                async with asyncio.timeout(args.timeout):
                    results.append(await run_baseline(args, workdir))
    finally:
        if args.keep:
            print(f"kept {base}", file=sys.stderr)
        else:
            shutil.rmtree(base, ignore_errors=True)
    return results


def medians(results: list[Result]) -> str:
    lines = []
    for system in dict.fromkeys(r.system for r in results):
        runs = [r for r in results if r.system == system]
        if len(runs) < 2:
            continue
        rate = statistics.median(r.steady_rate() for r in runs)
        whole = statistics.median(r.checkins_per_s() for r in runs)
        p50 = statistics.median(r.percentile(0.5) for r in runs)
        p99 = statistics.median(r.percentile(0.99) for r in runs)
        cpu = statistics.median(r.measured.bot_cpu_s / r.answers * 1000 for r in runs)
        rss = statistics.median(r.measured.peak_rss_mb for r in runs)
        per = statistics.median(r.cpu_per_checkin_ms() for r in runs)
        lines.append(
            f"- {system}, median of {len(runs)} runs: {per:.1f} ms CPU per check-in (whole "
            f"run), {whole:.2f} check-ins/s (whole run), "
            f"{rate:.0f} answers/s (steady), "
            f"p50 {p50:.0f} ms, p99 {p99:.0f} ms, {cpu:.1f} ms bot CPU per answer, "
            f"peak RSS {rss:.0f} MB"
        )
    return "\n".join(lines)


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--families", type=int, default=200)
    parser.add_argument("--db", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument(
        "--pg-url",
        default="postgresql://postgres@127.0.0.1:5432/postgres",
        help="a server to create (and drop) a scratch database on, for --db postgresql",
    )
    parser.add_argument("--only", choices=("kabar", "baseline"))
    parser.add_argument(
        "--kabar-root",
        metavar="PATH",
        help="run `kabar run` (and, with --open-with cli, `kabar checkin send`) from this "
        "checkout (PYTHONPATH puts it ahead of this one): before/after comparisons",
    )
    parser.add_argument(
        "--open-with",
        choices=("process", "cli"),
        default="process",
        help="open the round in this process (this checkout's open_round, as `kabar checkin "
        "send` does; the default) or with `kabar checkin send` (its start-up then counts)",
    )
    parser.add_argument("--repeat", type=int, default=1, help="runs of each system, alternated")
    parser.add_argument("--timeout", type=float, default=300.0, help="seconds per system")
    parser.add_argument("--keep", action="store_true", help="keep the work directory (logs)")
    parser.add_argument(
        "--profile",
        metavar="PATH",
        help="run `kabar run` under cProfile (main thread CPU), writing PATH; slows it down",
    )
    parser.add_argument(
        "--kabar-env",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="extra environment for `kabar run` (repeatable); the default lifts the bulk "
        f"sending limit the baseline does not have: {' '.join(LIKE_FOR_LIKE)}",
    )
    parser.add_argument(
        "--telegram-limits",
        action="store_true",
        help="run Kabar with its default sending limits (about 30 messages/s) instead",
    )
    parser.add_argument(
        "--sql-census",
        metavar="PATH",
        help="count the SQL statements `kabar run` executes, by shape, into PATH",
    )
    parser.add_argument(
        "--memory-census",
        metavar="PATH",
        help="write `kabar run`'s memory at its stop (peak RSS, modules loaded) into PATH",
    )
    parser.add_argument(
        "--trace-memory",
        action="store_true",
        help="with --memory-census: also its live allocations by package (tracemalloc; slow)",
    )
    args = parser.parse_args()
    kabar_env = {} if args.telegram_limits else dict(v.split("=", 1) for v in LIKE_FOR_LIKE)
    for item in args.kabar_env:
        name, sep, value = item.partition("=")
        if not sep:
            parser.error(f"--kabar-env wants NAME=VALUE, not {item!r}")
        kabar_env[name] = value
    if args.kabar_root:
        kabar_env["PYTHONPATH"] = str(Path(args.kabar_root).resolve())
    args.kabar_env = kabar_env
    args.kabar_prefix = []
    if args.profile:
        args.kabar_prefix = [str(CPU_PROFILE), args.profile]
    elif args.sql_census:
        args.kabar_prefix = [str(SQL_CENSUS), args.sql_census]
    elif args.memory_census:
        trace = ["--trace"] if args.trace_memory else []
        args.kabar_prefix = [str(MEMORY_CENSUS), *trace, args.memory_census]
    args.baseline_prefix = []
    return args


if __name__ == "__main__":
    arguments = parse_args()
    started = time.monotonic()
    began = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    load, speed_before = os.getloadavg()[0], speed()
    outcome = asyncio.run(main(arguments))
    print()
    print(
        f"{arguments.families} families, database {arguments.db}, {os.cpu_count()} CPUs, "
        f"Python {sys.version.split()[0]}; Kabar from {arguments.kabar_root or ROOT}; "
        f"started {began}, load average {load:.1f} then, {os.getloadavg()[0]:.1f} at the "
        f"end; whole run {time.monotonic() - started:.0f} s"
    )
    print(f"before: {speed_before}; after: {speed()}")
    print()
    print(table(outcome))
    print()
    print(details(outcome))
    summary = medians(outcome)
    if summary:
        print(summary)
