"""Opening a round: sessions and first questions (outbox rows) for every family.

Run: .venv/bin/python tests/benchmarks/bench_round_open.py [--sizes 1000 10000 100000]
     [--database postgresql://postgres@127.0.0.1:5432/postgres]
Target: 100,000 participants under 5 s on SQLite and on PostgreSQL (#14), growing linearly.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from machine import speed  # this folder: run as a script
from sqlalchemy import func, insert, select, text

from bot.db.database import Database
from bot.db.migrate import upgrade
from bot.db.models import Cohort, OutboxMessage, ParticipantStatus, Person, Role, TelegramAccount
from bot.domain.rounds.opening import open_round

NOW = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)


async def seed(db: Database, families: int) -> int:
    async with db.transaction() as session:
        cohort = Cohort(
            name="bench", schedule="mon 08:00", timezone="Asia/Jakarta", unit="kg", created_at=NOW
        )
        session.add(cohort)
        await session.flush()
        await session.execute(
            insert(Person),
            [
                {
                    "id": "F",
                    "role": Role.FACILITATOR,
                    "name": "Fasilitator",
                    "attributes": {},
                    "status": ParticipantStatus.ACTIVE,
                    "created_at": NOW,
                    "updated_at": NOW,
                }
            ],
        )
        for start in range(0, families, 10_000):
            chunk = range(start, min(start + 10_000, families))
            await session.execute(
                insert(Person),
                [
                    {
                        "id": f"KPM-{n:07d}",
                        "role": Role.PARTICIPANT,
                        "name": f"Keluarga {n}",
                        "cohort_id": cohort.id,
                        "supervisor_id": "F",
                        "attributes": {},
                        "language": "en" if n % 10 == 0 else None,
                        "consent_at": NOW,
                        "status": ParticipantStatus.ACTIVE,
                        "created_at": NOW,
                        "updated_at": NOW,
                    }
                    for n in chunk
                ],
            )
            await session.execute(
                insert(TelegramAccount),
                [
                    {
                        "person_id": f"KPM-{n:07d}",
                        "telegram_user_id": 10**6 + n,
                        "chat_id": 10**6 + n,
                        "linked_at": NOW,
                        "linked_by": "invitation",
                    }
                    for n in chunk
                ],
            )
        return cohort.id


def server_cpu(pid: int | None) -> float | None:
    """CPU seconds a PostgreSQL backend on this machine has used; None if it is elsewhere."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


async def measure(url: str, families: int) -> tuple[float, int, float, float | None]:
    """Wall time to the commit, outbox rows, and the CPU seconds this process and (on
    PostgreSQL) its server backend spent: on a crowded machine the CPU seconds vary less."""
    upgrade(url)
    db = Database(url)
    try:
        cohort_id = await seed(db, families)
        started, cpu = time.perf_counter(), time.process_time()
        async with db.transaction() as session:
            backend = None
            if db.engine.dialect.name == "postgresql":
                backend = await session.scalar(text("SELECT pg_backend_pid()"))
            server = server_cpu(backend)
            cohort = await session.get(Cohort, cohort_id)
            assert cohort is not None
            opened = await open_round(session, cohort, now=NOW)
            await session.commit()
            server_end = server_cpu(backend)
        elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
        async with db.sessions() as session:
            rows = await session.scalar(select(func.count()).select_from(OutboxMessage))
        assert opened.participants == families and rows == families
        used = None if server is None or server_end is None else server_end - server
        return elapsed, int(rows or 0), cpu, used
    finally:
        await db.dispose()


def fresh_postgres(admin_url: str, name: str) -> str:
    import asyncpg
    from sqlalchemy.engine import make_url

    url = make_url(admin_url)

    async def run() -> None:
        connection = await asyncpg.connect(
            host=url.host, port=url.port or 5432, user=url.username, database=url.database
        )
        await connection.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        await connection.execute(f"CREATE DATABASE {name}")
        await connection.close()

    asyncio.run(run())
    return url.set(database=name).render_as_string(hide_password=False)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", type=int, nargs="+", default=[1_000, 10_000, 100_000])
    parser.add_argument("--database", help="a PostgreSQL admin URL; default: SQLite files")
    parser.add_argument(
        "--name",
        default="kabar_bench",
        help="PostgreSQL: the databases made (and dropped first) are NAME_<size>",
    )
    args = parser.parse_args()
    print(f"load average {os.getloadavg()[0]:.1f}; {speed()}")
    print("| participants | outbox rows | time | per 1,000 | CPU: Kabar | CPU: server |")
    print("|---:|---:|---:|---:|---:|---:|")
    for size in args.sizes:
        # A round of 100,000 leaves a 110 MB SQLite file: gone with its folder afterwards.
        with tempfile.TemporaryDirectory() as folder:
            if args.database:
                url = fresh_postgres(args.database, f"{args.name}_{size}")
            else:
                url = f"sqlite:///{Path(folder) / 'bench.db'}"
            elapsed, rows, cpu, server = asyncio.run(measure(url, size))
        on_server = "-" if server is None else f"{server:.2f} s"
        print(
            f"| {size:,} | {rows:,} | {elapsed:.2f} s | {elapsed / size * 1000 * 1000:.0f} ms "
            f"| {cpu:.2f} s | {on_server} |",
            flush=True,
        )
    print(f"load average {os.getloadavg()[0]:.1f}; {speed()}")


if __name__ == "__main__":
    main()
