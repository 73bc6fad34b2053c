"""Migrations take an empty database to head, and the models agree with them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Connection, select

from bot.db.engine import Database
from bot.db.migrate import current_revision, head_revision, upgrade
from bot.db.models import AuditEntry, Base


async def test_upgrade_from_empty_to_head_matches_models(empty_database_url: str) -> None:
    upgrade(empty_database_url)
    upgrade(empty_database_url)  # a second run is a no-op, not an error

    database = Database(empty_database_url)
    try:
        async with database.engine.connect() as connection:

            def check(sync: Connection) -> tuple[str | None, list[object]]:
                context = MigrationContext.configure(sync, opts={"compare_type": True})
                return current_revision(sync), compare_metadata(context, Base.metadata)

            revision, differences = await connection.run_sync(check)
    finally:
        await database.dispose()
    assert revision == head_revision(empty_database_url)
    assert differences == [], "models and migrations disagree: write a migration"


async def test_timestamps_come_back_timezone_aware_in_utc(db: Database) -> None:
    wib = timezone(timedelta(hours=7))
    written = datetime(2025, 8, 17, 8, 0, tzinfo=wib)
    async with db.transaction() as session:
        session.add(AuditEntry(at=written, actor="cli", action="test"))
    async with db.sessions() as session:
        stored = (await session.execute(select(AuditEntry.at))).scalar_one()
    assert stored == written
    assert stored.tzinfo is not None
    assert stored.utcoffset() == UTC.utcoffset(None)
