"""What an alert card costs now that it says what was done and comes with the family's media.

Run: .venv/bin/python tests/benchmarks/bench_cards.py [--alerts 2000]
     [--database postgresql://postgres@127.0.0.1:5432/postgres]
Target: a card with its media under 10 ms, so a round's alerts (at most five cards a
facilitator, more become a digest) are written within the alert job's run.

Every family has an open alert with two actions (one a typed note), a voice note on the
alert, and twelve files of their own (the latest photo and voice note among them), so the
"latest" lookups read past older files. Measured, each over every alert in one session:
1. `alert_card`: the card's text (facts, last check-ins, what was done);
2. `card_messages`: the card, the family's latest photo and voice note, the alert's voice.
SQLite lives in a temporary directory; PostgreSQL gets a fresh database (dropped afterwards).
"""

from __future__ import annotations

import argparse
import asyncio
import shutil
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import asyncpg
from sqlalchemy import func, insert, select
from sqlalchemy.engine import make_url

from bot.db.database import Database
from bot.db.migrate import upgrade
from bot.db.models import (
    Alert,
    AlertAction,
    Attachment,
    Cohort,
    Person,
    Role,
    TelegramAccount,
)
from bot.domain.alerts.cards import Recipient, alert_card, card_messages

NOW = datetime(2026, 1, 12, 1, 0, tzinfo=UTC)
PER_FACILITATOR = 5


async def seed(db: Database, alerts: int) -> None:
    async with db.transaction() as session:
        cohort = Cohort(
            name="bench", schedule="mon 08:00", timezone="Asia/Jakarta", unit="kg", created_at=NOW
        )
        session.add(cohort)
        await session.flush()
        facilitators = -(-alerts // PER_FACILITATOR)
        stamp = {"created_at": NOW, "updated_at": NOW, "attributes": {}}
        await session.execute(
            insert(Person),
            [
                {"id": f"F{f}", "role": Role.FACILITATOR, "name": f"Fasilitator {f}", **stamp}
                for f in range(facilitators)
            ],
        )
        await session.execute(
            insert(TelegramAccount),
            [
                {
                    "person_id": f"F{f}",
                    "telegram_user_id": 1_000 + f,
                    "chat_id": 1_000 + f,
                    "linked_at": NOW,
                    "linked_by": "invitation",
                }
                for f in range(facilitators)
            ],
        )
        await session.execute(
            insert(Person),
            [
                {
                    "id": f"K{n}",
                    "role": Role.PARTICIPANT,
                    "name": f"Keluarga {n}",
                    "phone": f"+62813{n:08d}",
                    "village": "Jorongan",
                    "cohort_id": cohort.id,
                    "supervisor_id": f"F{n // PER_FACILITATOR}",
                    **stamp,
                }
                for n in range(alerts)
            ],
        )
        await session.execute(
            insert(Alert),
            [
                {
                    "person_id": f"K{n}",
                    "rule": "help",
                    "assigned_to_id": f"F{n // PER_FACILITATOR}",
                    "opened_at": NOW,
                    "details": {},
                }
                for n in range(alerts)
            ],
        )
        ids = dict((await session.execute(select(Alert.person_id, Alert.id))).all())
        actions = []
        files = []
        for n in range(alerts):
            alert_id, facilitator = ids[f"K{n}"], f"F{n // PER_FACILITATOR}"
            actions += [
                {"alert_id": alert_id, "actor_id": facilitator, "action": "contacted", "at": NOW},
                {
                    "alert_id": alert_id,
                    "actor_id": facilitator,
                    "action": "note",
                    "note": "Sudah ditelepon, alatnya rusak",
                    "at": NOW,
                },
            ]
            files.append(_file(facilitator, "voice", "alert_note", NOW, alert_id))
            for week in range(12):
                kind = "photo" if week % 2 else "voice"
                files.append(_file(f"K{n}", kind, "sent_unasked", NOW - timedelta(weeks=week)))
        await session.execute(insert(AlertAction), actions)
        for start in range(0, len(files), 5_000):
            await session.execute(insert(Attachment), files[start : start + 5_000])


def _file(
    person: str, kind: str, purpose: str, at: datetime, alert_id: int | None = None
) -> dict[str, object]:
    return {
        "person_id": person,
        "alert_id": alert_id,
        "kind": kind,
        "purpose": purpose,
        "telegram_file_id": f"{kind}-{person}-{at:%Y%m%d}",
        "created_at": at,
    }


async def measure(url: str, alerts: int) -> None:
    db = Database(url)
    try:
        await seed(db, alerts)
        async with db.sessions() as session:
            count = await session.scalar(select(func.count()).select_from(Attachment))
            rows = (await session.execute(select(Alert).order_by(Alert.id))).scalars().all()
            recipients = {
                person.id: Recipient(person, 1)
                for person in (
                    await session.execute(select(Person).where(Person.role == Role.FACILITATOR))
                ).scalars()
            }
            for label, make in (("alert_card", alert_card), ("card_messages", card_messages)):
                started = time.perf_counter()
                made = 0
                for alert in rows:
                    result = await make(session, alert, recipients[alert.assigned_to_id or ""])
                    made += len(result) if isinstance(result, list) else 1
                elapsed = time.perf_counter() - started
                print(
                    f"| {make_url(url).get_backend_name()} | {label} | {alerts:,} alerts, "
                    f"{count:,} files | {made:,} messages | {elapsed:.2f} s | "
                    f"{elapsed / alerts * 1000:.2f} ms |"
                )
    finally:
        await db.dispose()


async def _pg_database(server: str, name: str, create: bool) -> str:
    url = make_url(server)
    connection = await asyncpg.connect(
        host=url.host, port=url.port or 5432, user=url.username, database=url.database
    )
    try:
        await connection.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        if create:
            await connection.execute(f"CREATE DATABASE {name}")
    finally:
        await connection.close()
    return url.set(database=name).render_as_string(hide_password=False)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--alerts", type=int, default=2_000)
    parser.add_argument("--database", default=None, help="a PostgreSQL server URL")
    args = parser.parse_args()
    print("| database | what | data | made | time | per alert |")
    print("|---|---|---|---|---|---|")
    if args.database:
        url = asyncio.run(_pg_database(args.database, "kabar_bench_cards", True))
        try:
            upgrade(url)
            asyncio.run(measure(url, args.alerts))
        finally:
            asyncio.run(_pg_database(args.database, "kabar_bench_cards", False))
        return
    folder = Path(tempfile.mkdtemp(dir="/tmp"))
    try:
        url = f"sqlite:///{folder / 'bench.db'}"
        upgrade(url)
        asyncio.run(measure(url, args.alerts))
    finally:
        shutil.rmtree(folder)


if __name__ == "__main__":
    main()
