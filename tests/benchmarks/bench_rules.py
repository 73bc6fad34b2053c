"""Escalation rules over a year of weekly rounds: `evaluate` and `escalate_due`.

Run: .venv/bin/python tests/benchmarks/bench_rules.py [--sizes 1000 10000 100000]
     [--database postgresql://postgres@127.0.0.1:5432/postgres] [--covering-index]
Target: every rule for 100,000 participants × 52 rounds (5.2 million records) under 5 s,
on SQLite and on PostgreSQL.

The history is generated in SQL (one INSERT … SELECT; not measured). Per 100 families:
70 answer nearly every week (an occasional single miss or partial answer, "no production"
now and then), 10 stopped answering 0–5 weeks ago, 10 stopped producing 0–5 weeks ago,
5 never answered, 3 asked for help in the latest round, 1 paused, 1 blocked the bot.

Measured, each in its own transaction with its commit:
1. first evaluation (every alert of the year's state is opened at once);
2. the same again (nothing changed: the steady cost);
3. after a 53rd round closes (some recover, some start a streak, help requests end);
4. escalate_due an hour after the first evaluation (nothing due yet: the cost of a clock
   tick with every alert open), and three days after round 53 (every alert still open
   goes to the coordinator).
SQLite files live in a temporary directory under /tmp; PostgreSQL gets a fresh database
per size (dropped afterwards) and VACUUM ANALYZE after loading, as autovacuum would do.
`--covering-index` adds an index on follow_up_records (person_id, round_id, status,
produced, needs_help) first, to measure what it would save.
"""

from __future__ import annotations

import argparse
import asyncio
import shutil
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import Integer, and_, case, cast, func, insert, literal, select, text
from sqlalchemy.engine import make_url

from bot.db.database import Database
from bot.db.migrate import upgrade
from bot.db.models import (
    Cohort,
    FollowUpRecord,
    ParticipantStatus,
    Person,
    RecordStatus,
    Role,
    Round,
    TelegramAccount,
)
from bot.db.models.base import table_of
from bot.db.types import JSONType
from bot.domain.alerts import escalate_due, evaluate

START = datetime(2025, 1, 6, 1, 0, tzinfo=UTC)
WEEK = timedelta(days=7)
ROUNDS = 52
CHUNK = 20_000


def when(week: int) -> datetime:
    """When round `week` (1-based) closed."""
    return START + (week - 1) * WEEK + timedelta(days=6)


async def seed_people(db: Database, families: int) -> int:
    async with db.transaction() as session:
        cohort = Cohort(
            name="bench", schedule="mon 08:00", timezone="Asia/Jakarta", created_at=START
        )
        session.add(cohort)
        await session.flush()
        staff = [("K", Role.COORDINATOR, None), ("F", Role.FACILITATOR, "K")]
        for number, (person_id, role, supervisor) in enumerate(staff, start=1):
            await session.execute(insert(Person), [_person(person_id, role, supervisor, None, 0)])
            await session.execute(insert(TelegramAccount), [_account(person_id, number)])
        for start in range(0, families, CHUNK):
            chunk = range(start, min(start + CHUNK, families))
            await session.execute(
                insert(Person),
                [_person(f"KPM-{n:07d}", Role.PARTICIPANT, "F", cohort.id, n) for n in chunk],
            )
            await session.execute(
                insert(TelegramAccount), [_account(f"KPM-{n:07d}", 1000 + n) for n in chunk]
            )
        return cohort.id


def _person(
    person_id: str, role: Role, supervisor: str | None, cohort_id: int | None, n: int
) -> dict[str, Any]:
    paused = role is Role.PARTICIPANT and n % 100 == 98
    return {
        "id": person_id,
        "role": role,
        "name": person_id,
        "cohort_id": cohort_id,
        "supervisor_id": supervisor,
        "attributes": {},
        "status": ParticipantStatus.PAUSED if paused else ParticipantStatus.ACTIVE,
        "paused_at": when(ROUNDS) if paused else None,
        "consent_at": START,
        "created_at": START,
        "updated_at": START,
    }


def _account(person_id: str, number: int) -> dict[str, Any]:
    blocked = person_id.startswith("KPM-") and int(person_id[4:]) % 100 == 99
    return {
        "person_id": person_id,
        "telegram_user_id": number,
        "chat_id": number,
        "linked_at": START,
        "linked_by": "invitation",
        "unreachable_at": when(ROUNDS) if blocked else None,
        "unreachable_reason": "Forbidden: bot was blocked by the user" if blocked else None,
    }


COVERING = (
    "CREATE INDEX ix_follow_up_records_person_round_facts ON follow_up_records "
    "(person_id, round_id, status, produced, needs_help)"
)


async def add_rounds(
    db: Database, cohort_id: int, first: int, last: int, *, covering: bool = False
) -> None:
    """Rounds first..last (1-based weeks), closed, and every family's record in each."""
    people = table_of(Person)
    rounds = table_of(Round)
    async with db.transaction() as session:
        for week in range(first, last + 1):
            opened = START + (week - 1) * WEEK
            await session.execute(
                insert(rounds).values(
                    cohort_id=cohort_id,
                    kind="scheduled",
                    scheduled_for=opened,
                    opened_at=opened,
                    closes_at=when(week),
                    closed_at=when(week),
                )
            )
    n = cast(func.substr(people.c.id, 5), Integer)  # KPM-0000123 -> 123
    r = rounds.alias("r")
    nth = r.c.id  # round ids are 1, 2, … in a fresh database: the id is the week
    bucket = n % 100
    missed = case(
        (bucket < 70, (n * 7 + nth * 13) % 17 == 0),
        (bucket < 80, and_(nth > ROUNDS - n % 6, ~and_(nth > ROUNDS, n % 3 == 0))),
        (bucket < 90, literal(False)),
        (bucket < 95, literal(True)),
        else_=literal(False),
    )
    partial = and_(bucket < 70, (n + 3 * nth) % 23 == 0)
    dry = case(
        (and_(bucket >= 80, bucket < 90), nth > ROUNDS - n % 6),
        else_=(n + nth) % 5 == 0,
    )
    status = case(
        (missed, RecordStatus.MISSED.value),
        (partial, RecordStatus.PARTIAL.value),
        else_=RecordStatus.ANSWERED.value,
    )
    produced = case((missed, None), (partial, None), else_=~dry)
    needs_help = and_(bucket >= 95, bucket < 98, nth == ROUNDS, ~missed)
    answered_at = case((missed, None), (partial, None), else_=r.c.opened_at)
    rows = (
        select(
            r.c.id,
            people.c.id,
            status,
            produced,
            literal([], JSONType),
            needs_help,
            literal(False),
            answered_at,
            r.c.opened_at,
            r.c.opened_at,
        )
        .select_from(r.join(people, people.c.cohort_id == r.c.cohort_id))
        .where(
            r.c.cohort_id == cohort_id,
            r.c.id >= first,
            r.c.id <= last,
            people.c.role == Role.PARTICIPANT,
        )
        .order_by(r.c.id, people.c.id)
    )
    columns = [
        "round_id",
        "person_id",
        "status",
        "produced",
        "problems",
        "needs_help",
        "late",
        "answered_at",
        "created_at",
        "updated_at",
    ]
    async with db.engine.connect() as connection:
        if db.is_sqlite:
            await connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
        else:
            # Loading only: skip the per-row foreign-key triggers.
            await connection.exec_driver_sql("SET session_replication_role = replica")
        await connection.commit()
        async with connection.begin():
            await connection.execute(insert(table_of(FollowUpRecord)).from_select(columns, rows))
        if not db.is_sqlite:
            await connection.exec_driver_sql("SET session_replication_role = DEFAULT")
            await connection.commit()
    if not db.is_sqlite:
        async with db.engine.connect() as connection:
            autocommit = await connection.execution_options(isolation_level="AUTOCOMMIT")
            await autocommit.execute(text("VACUUM ANALYZE"))


async def timed(db: Database, work: Any) -> tuple[float, Any]:
    started = time.perf_counter()
    async with db.transaction() as session:
        result = await work(session)
    return time.perf_counter() - started, result


async def measure(url: str, families: int, covering: bool) -> dict[str, Any]:
    upgrade(url)
    db = Database(url)
    try:
        loading = time.perf_counter()
        cohort_id = await seed_people(db, families)
        await add_rounds(db, cohort_id, 1, ROUNDS, covering=covering)
        loaded = time.perf_counter() - loading
        async with db.sessions() as session:
            records = await session.scalar(select(func.count()).select_from(FollowUpRecord))
        first_t, first = await timed(db, lambda s: evaluate(s, now=when(ROUNDS)))
        idle_t, idle = await timed(db, lambda s: escalate_due(s, when(ROUNDS) + timedelta(hours=1)))
        assert idle == []
        again_t, again = await timed(
            db, lambda s: evaluate(s, now=when(ROUNDS) + timedelta(hours=1))
        )
        await add_rounds(db, cohort_id, ROUNDS + 1, ROUNDS + 1)
        after_t, after = await timed(db, lambda s: evaluate(s, now=when(ROUNDS + 1)))
        escalate_t, escalated = await timed(
            db, lambda s: escalate_due(s, when(ROUNDS + 1) + timedelta(days=3))
        )
        assert again.opened == [] and again.closed == []
        return {
            "families": families,
            "records": int(records or 0),
            "loaded": loaded,
            "first": (first_t, len(first.opened), len(first.closed)),
            "again": again_t,
            "after": (after_t, len(after.opened), len(after.closed)),
            "escalate": (escalate_t, len(escalated)),
            "idle": idle_t,
        }
    finally:
        await db.dispose()


def fresh_postgres(admin_url: str, name: str, *, drop_only: bool = False) -> str:
    import asyncpg

    url = make_url(admin_url)

    async def run() -> None:
        connection = await asyncpg.connect(
            host=url.host, port=url.port or 5432, user=url.username, database=url.database
        )
        await connection.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        if not drop_only:
            await connection.execute(f"CREATE DATABASE {name}")
        await connection.close()

    asyncio.run(run())
    return url.set(database=name).render_as_string(hide_password=False)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", type=int, nargs="+", default=[1_000, 10_000, 100_000])
    parser.add_argument("--database", help="a PostgreSQL admin URL; default: SQLite files")
    parser.add_argument("--covering-index", action="store_true")
    args = parser.parse_args()
    print(
        "| participants | records | first evaluation (opened) | again, nothing new "
        "| after round 53 (opened / closed) | escalate_due, none due "
        "| escalate_due (escalated) |"
    )
    print("|---:|---:|---:|---:|---:|---:|---:|")
    for size in args.sizes:
        scratch: Path | None = None
        if args.database:
            url = fresh_postgres(args.database, f"kabar_bench_rules_{size}")
        else:
            scratch = Path(tempfile.mkdtemp(prefix="kabar-rules-", dir="/tmp"))
            url = f"sqlite:///{scratch / 'bench.db'}"
        try:
            m = asyncio.run(measure(url, size, args.covering_index))
        finally:
            if args.database:
                fresh_postgres(args.database, f"kabar_bench_rules_{size}", drop_only=True)
            elif scratch is not None:
                shutil.rmtree(scratch, ignore_errors=True)
        first_t, first_opened, _ = m["first"]
        after_t, after_opened, after_closed = m["after"]
        escalate_t, escalated = m["escalate"]
        print(
            f"| {size:,} | {m['records']:,} | {first_t:.2f} s ({first_opened:,}) "
            f"| {m['again']:.2f} s | {after_t:.2f} s ({after_opened:,} / {after_closed:,}) "
            f"| {m['idle']:.2f} s | {escalate_t:.2f} s ({escalated:,}) |",
            flush=True,
        )
        print(f"<!-- loading took {m['loaded']:.1f} s -->", flush=True)


if __name__ == "__main__":
    main()
