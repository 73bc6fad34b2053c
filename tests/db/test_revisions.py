"""The schema's revisions read without Alembic agree with Alembic's own answers."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Connection

from bot.db import migrate, revisions
from bot.db.database import Database


def test_the_head_read_from_the_scripts_is_alembics_head(empty_database_url: str) -> None:
    assert revisions.scripts_head() == migrate.head_revision(empty_database_url)
    assert revisions.head_revision(empty_database_url) == migrate.head_revision(empty_database_url)


async def _both(url: str) -> tuple[str | None, str | None]:
    database = Database(url)
    try:
        async with database.engine.connect() as connection:

            def read(sync: Connection) -> tuple[str | None, str | None]:
                return revisions.current_revision(sync), migrate.current_revision(sync)

            return await connection.run_sync(read)
    finally:
        await database.dispose()


async def test_the_databases_revision_is_alembics_before_and_after_migrating(
    empty_database_url: str,
) -> None:
    assert await _both(empty_database_url) == (None, None)
    migrate.upgrade(empty_database_url, "0009_quarantine")
    assert await _both(empty_database_url) == ("0009_quarantine", "0009_quarantine")
    migrate.upgrade(empty_database_url)
    head = migrate.head_revision(empty_database_url)
    assert await _both(empty_database_url) == (head, head)


def test_an_sqlite_file_is_current_only_at_head(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'kabar.db'}"
    assert not revisions.sqlite_is_current(url)
    assert not (tmp_path / "kabar.db").exists()  # looking does not create it
    migrate.upgrade(url, "0009_quarantine")
    assert not revisions.sqlite_is_current(url)
    migrate.upgrade(url)
    assert revisions.sqlite_is_current(url)
