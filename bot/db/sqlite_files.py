"""The SQLite database as a file: created private, locked while `kabar run` uses it, backed up
and restored with SQLite's online backup API.

The file holds names, phones and answers, so it is readable by its owner only (SQLite gives
its -wal and -shm files the database file's permissions). A `kabar run` holds an advisory
lock on `<database>.lock` for as long as it lives; the kernel drops it when the process
dies, so a restore can tell a running Kabar from a crashed one without a stale pid file.
"""

from __future__ import annotations

import contextlib
import fcntl
import sqlite3
from collections.abc import Iterator
from pathlib import Path

from sqlalchemy.engine import make_url

from bot.lib.private_files import create_private


class InUseError(Exception):
    """A running Kabar holds the database."""


class NotADatabaseError(Exception):
    """The file is not a Kabar SQLite database."""


class NoDatabaseError(FileNotFoundError):
    """The database to back up is not there (unlike a backup's folder that is not)."""


def sqlite_path(url: str) -> Path | None:
    """The database file of a SQLite URL; None for another database or an in-memory one."""
    parsed = make_url(url)
    if not parsed.drivername.startswith("sqlite") or parsed.database in (None, "", ":memory:"):
        return None
    return Path(parsed.database)


def private_database(url: str) -> None:
    """Before SQLite creates the database file, create it private (a no-op once it exists or
    on PostgreSQL). A missing folder is left for SQLite to report."""
    path = sqlite_path(url)
    if path is not None and path.parent.is_dir():
        create_private(path)


def _lock_path(database: Path) -> Path:
    return database.with_name(database.name + ".lock")


@contextlib.contextmanager
def running_lock(url: str) -> Iterator[None]:
    """Held by `kabar run` for its lifetime; raises InUseError if another process holds it."""
    path = sqlite_path(url)
    if path is None:
        yield
        return
    create_private(_lock_path(path))
    with _lock_path(path).open("rb") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise InUseError(str(path)) from None
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def in_use(path: Path) -> bool:
    """Whether a running Kabar holds the database at `path`."""
    lock = _lock_path(path)
    if not lock.exists():
        return False
    with lock.open("rb") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_SH | fcntl.LOCK_NB)
        except BlockingIOError:
            return True
        fcntl.flock(handle, fcntl.LOCK_UN)
    return False


def _check_kabar_database(path: Path) -> None:
    """Raise NotADatabaseError unless `path` is a SQLite file with Kabar's schema."""
    try:
        with contextlib.closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as source:
            tables = {row[0] for row in source.execute("SELECT name FROM sqlite_master")}
            source.execute("PRAGMA quick_check").fetchone()
    except sqlite3.DatabaseError as error:
        raise NotADatabaseError(str(error)) from error
    if not {"alembic_version", "people"} <= tables:
        raise NotADatabaseError(str(path))


def _copy(source_path: Path, target_path: Path, *, pages_per_step: int) -> None:
    create_private(target_path)
    with (
        contextlib.closing(sqlite3.connect(source_path)) as source,
        contextlib.closing(sqlite3.connect(target_path)) as target,
    ):
        # Step by step, so the source's writers wait at most one step, not the whole copy;
        # a page written meanwhile makes SQLite restart the copy, which stays consistent.
        source.backup(target, pages=pages_per_step)
        # A backup of a WAL database is itself in WAL mode: one file to carry is simpler.
        target.execute("PRAGMA journal_mode=DELETE")


def backup(url: str, target: Path, *, pages_per_step: int = 1024) -> None:
    """A consistent copy of the database at `url` into the new file `target`, safe while
    `kabar run` writes. Refuses to overwrite an existing file."""
    source = sqlite_path(url)
    if source is None:
        raise ValueError("not a SQLite database URL")
    if not source.exists():
        raise NoDatabaseError(str(source))
    if target.exists():
        raise FileExistsError(str(target))
    _check_kabar_database(source)
    _copy(source, target, pages_per_step=pages_per_step)


def restore(backup_file: Path, url: str) -> None:
    """Replace the database at `url` with `backup_file`; refused while a Kabar uses it."""
    target = sqlite_path(url)
    if target is None:
        raise ValueError("not a SQLite database URL")
    if not backup_file.is_file():
        raise FileNotFoundError(str(backup_file))
    _check_kabar_database(backup_file)
    # Held through the copy: a `kabar run` starting meanwhile is refused.
    with running_lock(url):
        # Copied beside the target first, so a failed copy leaves the old database whole.
        staged = target.with_name(target.name + ".restoring")
        staged.unlink(missing_ok=True)
        _copy(backup_file, staged, pages_per_step=-1)
        # The old database's journal files would be replayed into the new one.
        for leftover in (target.with_name(target.name + s) for s in ("-wal", "-shm")):
            leftover.unlink(missing_ok=True)
        staged.replace(target)
