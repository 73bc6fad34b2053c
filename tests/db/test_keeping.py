"""Keeping the data: backups taken while families answer, restores, the move to another
database with `kabar db copy`, and database files that only their owner can read."""

from __future__ import annotations

import asyncio
import json
import os
import shlex
import sqlite3
import stat
import sys
from pathlib import Path

from sqlalchemy import func, select

from bot.db.database import Database
from bot.db.migrate import upgrade
from bot.db.models import Base, FollowUpRecord
from bot.lib.clock import SystemClock
from bot.sandbox.demo.families import Behaviour, Family
from bot.sandbox.fakeapi import FakeTelegram
from tests.conftest import ON_POSTGRES
from tests.domain.rounds.support import seed_cohort
from tests.support.chat import kabar_command, settled
from tests.support.process import KabarProcess

FAMILIES = 12


async def kabar(url: str, workdir: Path, *args: str) -> tuple[int, str, str]:
    """A `kabar` command as an operator runs it: exit code, standard output and error."""
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        *args,
        cwd=workdir,
        env={"KABAR_DATABASE_URL": url, "KABAR_LOCALE": "en", "PATH": os.environ["PATH"]},
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await process.communicate()
    assert process.returncode is not None
    return process.returncode, out.decode(), err.decode()


async def answered(url: str) -> int:
    database = Database(url)
    try:
        async with database.sessions() as session:
            count = await session.scalar(
                select(func.count()).where(FollowUpRecord.answered_at.is_not(None))
            )
    finally:
        await database.dispose()
    return int(count or 0)


def whole_and_private(path: Path) -> bool:
    with sqlite3.connect(path) as connection:
        whole = connection.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    return whole and stat.S_IMODE(path.stat().st_mode) == 0o600


async def restore_into_fresh(backup: str, workdir: Path, fresh_url: str) -> None:
    """Restore `backup` as an operator would into an empty database at `fresh_url`."""
    code, out, err = await kabar(fresh_url, workdir, "db", "restore", backup)
    assert code == 0, err
    if ON_POSTGRES:  # Kabar prints the pg_restore command, and the operator runs it
        command = out.strip().splitlines()[-1]
        assert command.startswith("pg_restore ")
        process = await asyncio.create_subprocess_exec(*shlex.split(command))
        assert await process.wait() == 0


async def test_backups_taken_while_a_round_is_answered_restore_whole(
    database_url: str, empty_database_url: str, db: Database, tmp_path: Path
) -> None:
    await seed_cohort(db, FAMILIES, quiet=("00:00", "00:00"), created=SystemClock().now())
    backups: list[str] = []

    async def back_up() -> None:
        path = tmp_path / f"backup-{len(backups)}.db"
        code, out, err = await kabar(database_url, tmp_path, "db", "backup", str(path))
        assert code == 0, err
        if ON_POSTGRES:  # Kabar prints the pg_dump command that fits the URL
            command = out.strip().splitlines()[-1]
            assert command.startswith("pg_dump ")
            process = await asyncio.create_subprocess_exec(*shlex.split(command))
            assert await process.wait() == 0
        else:
            assert "Backed up" in out
        backups.append(str(path))

    async with FakeTelegram() as tg, KabarProcess(tg, database_url, tmp_path) as kabar_run:
        users = [tg.user(10_000 + n, started=True) for n in range(FAMILIES)]
        await kabar_command(database_url, tmp_path, "checkin", "send", "--cohort", "tenun-2026")
        families = [Family(user, Behaviour(), "id", "kg") for user in users]
        answering = asyncio.gather(*(family.check_in() for family in families))
        while not answering.done():
            await back_up()
        await answering
        await settled(db)
        if not ON_POSTGRES:
            # The live database is not overwritten while `kabar run` uses it.
            code, out, err = await kabar(database_url, tmp_path, "db", "restore", backups[0])
            assert code == 1
            assert err.strip() == (
                "A running Kabar uses this database: stop `kabar run` first, then restore."
            )
        await back_up()
        assert await kabar_run.stop() == 0

    assert len(backups) >= 2
    assert await answered(database_url) == FAMILIES
    # The last backup, taken once every family had answered, holds every check-in.
    await restore_into_fresh(backups[-1], tmp_path, empty_database_url)
    assert await answered(empty_database_url) == FAMILIES
    code, out, err = await kabar(empty_database_url, tmp_path, "cohort", "list")
    assert code == 0 and "tenun-2026" in out, err
    if ON_POSTGRES:
        return
    # The restored database passes `kabar status`: its round and answers, nothing overdue.
    code, out, err = await kabar(empty_database_url, tmp_path, "status", "--format", "json")
    assert code == 0, out + err
    restored = json.loads(out)
    assert restored["cohorts"]["tenun-2026"]["responded"] == FAMILIES
    assert restored["overview"]["needs_attention"] == []
    for backup in backups:
        # Each one taken mid-round is a consistent database, private to its owner.
        assert whole_and_private(Path(backup))
        fresh = tmp_path / f"fresh-{Path(backup).stem}.db"
        await restore_into_fresh(backup, tmp_path, f"sqlite:///{fresh}")
        assert 0 <= await answered(f"sqlite:///{fresh}") <= FAMILIES
        assert whole_and_private(fresh)


async def test_a_backup_never_overwrites_and_a_restore_checks_its_file(
    database_url: str, tmp_path: Path
) -> None:
    if ON_POSTGRES:
        code, out, _ = await kabar(database_url, tmp_path, "db", "restore", "x.dump")
        assert code == 0 and "pg_restore --clean" in out
        return
    existing = tmp_path / "kept.db"
    existing.write_text("a file the operator keeps")
    code, _, err = await kabar(database_url, tmp_path, "db", "backup", str(existing))
    assert (code, err.strip()) == (1, f"{existing} exists already: choose a new file.")
    assert existing.read_text() == "a file the operator keeps"

    code, _, err = await kabar(database_url, tmp_path, "db", "restore", str(existing))
    assert (code, err.strip()) == (1, f"{existing} is not a Kabar database.")
    code, _, err = await kabar(database_url, tmp_path, "db", "restore", "missing.db")
    assert (code, err.strip()) == (1, "There is no backup at missing.db.")
    # Nothing was harmed: the database still opens.
    assert await answered(database_url) == 0


async def test_db_copy_moves_every_row_and_compares_the_counts(
    empty_database_url: str, tmp_path: Path
) -> None:
    """From a SQLite file into the run's database (PostgreSQL in CI's second run)."""
    source_url = f"sqlite:///{tmp_path / 'source.db'}"
    upgrade(source_url)
    source = Database(source_url)
    try:
        await seed_cohort(source, 30, quiet=("00:00", "00:00"))
        async with source.transaction() as session:
            # A supervisor written after the people who name them, as a roster can.
            from bot.db.models import Person, Role

            now = SystemClock().now()
            session.add(
                Person(
                    id="zz-coordinator",
                    role=Role.COORDINATOR,
                    name="Koordinator",
                    created_at=now,
                    updated_at=now,
                )
            )
            await session.flush()
            facilitator = await session.get(Person, "tenun-2026-F")
            assert facilitator is not None
            facilitator.supervisor_id = "zz-coordinator"
        expected = {}
        async with source.engine.connect() as connection:
            for table in Base.metadata.sorted_tables:
                expected[table.name] = await connection.scalar(
                    select(func.count()).select_from(table)
                )
    finally:
        await source.dispose()

    code, out, err = await kabar(source_url, tmp_path, "db", "copy", "--to", empty_database_url)
    assert code == 0, err
    assert "Every row arrived." in out
    # The table of counts: 30 families, their facilitator and the coordinator, both sides.
    people = next(line for line in out.splitlines() if " people " in line)
    assert people.split() == ["│", "people", "│", "32", "│", "32", "│"], people

    target = Database(empty_database_url)
    try:
        async with target.engine.connect() as connection:
            for table in Base.metadata.sorted_tables:
                count = await connection.scalar(select(func.count()).select_from(table))
                assert count == expected[table.name], table.name
        async with target.transaction() as session:
            from bot.db.models import Cohort, Person

            copied = await session.get(Person, "tenun-2026-F")
            assert copied is not None and copied.supervisor_id == "zz-coordinator"
            # New rows get new ids: the sequences moved past the copied ones.
            session.add(
                Cohort(
                    name="baru",
                    schedule="mon 08:00",
                    timezone="Asia/Jakarta",
                    created_at=SystemClock().now(),
                )
            )
    finally:
        await target.dispose()

    # A second copy into the now full database is refused, and changes nothing.
    code, _, err = await kabar(source_url, tmp_path, "db", "copy", "--to", empty_database_url)
    assert code == 1
    assert err.strip() == "The target already holds rows (table cohorts): copy into an empty one."


async def test_a_new_sqlite_database_is_readable_by_its_owner_only(tmp_path: Path) -> None:
    path = tmp_path / "kabar.db"
    code, _, err = await kabar(f"sqlite:///{path}", tmp_path, "db", "upgrade")
    assert code == 0, err
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    database = Database(f"sqlite:///{path}")
    try:
        async with database.transaction() as session:
            from bot.db.models import Cohort

            session.add(
                Cohort(
                    name="baru",
                    schedule="mon 08:00",
                    timezone="Asia/Jakarta",
                    created_at=SystemClock().now(),
                )
            )
        wal = path.with_name("kabar.db-wal")
        assert wal.exists() and stat.S_IMODE(wal.stat().st_mode) == 0o600
    finally:
        await database.dispose()
