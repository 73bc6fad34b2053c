"""Two clock ticks at once (two workers, each believing it leads for a moment) write one
reminder per check-in and one weekly digest per facilitator: the outbox's dedup key
refuses the second copy, whatever the leader lock says.

PostgreSQL only: there, two workers' transactions really run at the same time; SQLite is
one process's database, whose writes take turns.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from bot.app.services import Services
from bot.db.database import Database
from bot.db.models import OutboxMessage
from bot.domain.reports.weekly import send_weekly_digests
from bot.domain.rounds.scheduler import REMINDER, tick
from bot.lib.i18n import translator
from tests.conftest import ON_POSTGRES
from tests.domain.rounds.support import facilitator_on_telegram, seed_cohort

pytestmark = pytest.mark.skipif(
    not ON_POSTGRES, reason="two writers at once need PostgreSQL (KABAR_TEST_DATABASE_URL)"
)

FAMILIES = 20
MONDAY = datetime(2026, 1, 12, 1, 0, tzinfo=UTC)  # 08:00 in Jakarta


async def _rows(db: Database) -> list[OutboxMessage]:
    async with db.sessions() as session:
        return list((await session.execute(select(OutboxMessage))).scalars())


async def test_two_ticks_at_once_write_one_reminder_per_family(
    db: Database, database_url: str
) -> None:
    await seed_cohort(db, FAMILIES)
    runner = Services().runner
    await tick(db, now=MONDAY, runner=runner)
    other = Database(database_url)  # a second worker, its own connections
    try:
        due = MONDAY + timedelta(hours=24)
        await asyncio.gather(tick(db, now=due, runner=runner), tick(other, now=due, runner=runner))
    finally:
        await other.dispose()

    rows = await _rows(db)
    reminder = translator(None).gettext(REMINDER)
    reminders = Counter(
        row.chat_id for row in rows if str(row.payload.get("text")).startswith(reminder)
    )
    assert len(reminders) == FAMILIES
    assert set(reminders.values()) == {1}
    # The question asked again with each reminder, once too: the greeting with the
    # question, then the reminder with the question again.
    assert set(Counter(row.chat_id for row in rows).values()) == {2}


async def test_two_digest_runs_at_once_write_one_digest_per_facilitator(
    db: Database, database_url: str
) -> None:
    await seed_cohort(db, FAMILIES)
    await facilitator_on_telegram(db)
    runner = Services().runner
    await tick(db, now=MONDAY, runner=runner)
    next_monday = MONDAY + timedelta(weeks=1)
    await tick(db, now=next_monday, runner=runner)
    other = Database(database_url)
    try:
        await asyncio.gather(
            send_weekly_digests(db, now=next_monday, timezone="Asia/Jakarta"),
            send_weekly_digests(other, now=next_monday, timezone="Asia/Jakarta"),
        )
    finally:
        await other.dispose()

    photos = [row.chat_id for row in await _rows(db) if row.kind == "photo"]
    assert photos == [4242]
