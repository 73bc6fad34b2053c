"""`kabar checkin send` tells the operator what will happen: nothing for a cohort nobody
has joined, and when the messages go for one in its quiet hours."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy import func, select

from bot.db.database import Database
from bot.db.models import Round
from bot.lib.clock import SystemClock
from tests.cli.support import run_kabar
from tests.domain.rounds.support import seed_cohort


async def rounds(db: Database) -> int:
    async with db.sessions() as session:
        return int(await session.scalar(select(func.count()).select_from(Round)) or 0)


async def test_a_cohort_nobody_has_joined_gets_no_round(
    db: Database, database_url: str, tmp_path: Path
) -> None:
    await seed_cohort(db, 0, name="kosong")
    ran = run_kabar(
        tmp_path, "checkin", "send", "--cohort", "kosong", KABAR_DATABASE_URL=database_url
    )
    assert (ran.code, ran.err) == (
        1,
        [
            "Nobody in kosong is registered yet, so no round was opened: hand out the "
            "invitations first (kabar invites --cohort kosong)."
        ],
    )
    assert await rounds(db) == 0


async def test_in_quiet_hours_it_says_when_the_messages_go(
    db: Database, database_url: str, tmp_path: Path
) -> None:
    jakarta = ZoneInfo("Asia/Jakarta")
    now = SystemClock().now().astimezone(jakarta)
    start = (now - timedelta(hours=1)).strftime("%H:%M")
    end_at = (now + timedelta(hours=2)).replace(second=0, microsecond=0)
    await seed_cohort(db, 3, quiet=(start, end_at.strftime("%H:%M")), name="tenun")
    ran = run_kabar(
        tmp_path, "checkin", "send", "--cohort", "tenun", KABAR_DATABASE_URL=database_url
    )
    assert ran.code == 0
    assert ran.out == [
        "Round 1 opened for 3 participants of tenun.",
        f"It is quiet hours in tenun: the messages go out from "
        f"{end_at.strftime('%A %H:%M')} (the cohort's time).",
    ]
