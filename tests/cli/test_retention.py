"""`kabar person retention`: participants inactive for longer than the retention are
anonymised as `forget` does; the others are left alone."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from bot.db.database import Database
from bot.db.models import Person, Role
from bot.lib.clock import SystemClock
from tests.cli.support import run_kabar
from tests.domain.rounds.support import seed_cohort


async def test_only_the_inactive_are_forgotten(
    db: Database, database_url: str, tmp_path: Path
) -> None:
    await seed_cohort(db, 3)  # they agreed on 5 January 2026 and never answered since
    async with db.transaction() as session:
        recent = await session.get(Person, "tenun-2026-00001")
        assert recent is not None
        recent.consent_at = SystemClock().now()

    counted = run_kabar(
        tmp_path,
        "person",
        "retention",
        "--days",
        "200",
        "--dry-run",
        KABAR_DATABASE_URL=database_url,
    )
    assert counted.out == ["2 participants have been inactive for over 200 days."]
    ran = run_kabar(
        tmp_path, "person", "retention", "--days", "200", KABAR_DATABASE_URL=database_url
    )
    assert ran.code == 0, ran.err
    assert ran.out == ["Forgot 2 participants inactive for over 200 days (0 media files deleted)."]
    async with db.sessions() as session:
        left = sorted(
            await session.scalars(select(Person.id).where(Person.role == Role.PARTICIPANT))
        )
    assert left[-1] == "tenun-2026-00001"
    assert [person_id.startswith("anon-") for person_id in left[:-1]] == [True, True]
