"""The schema's revisions read without Alembic, for the running bot.

Alembic (with Mako and its DDL modules) is about 10 MB of a process's memory once imported.
`kabar run` and its health checks only need two facts: the head revision, read here from
the migration scripts' own `revision`/`down_revision` lines, and the database's revision,
read from Alembic's `alembic_version` table. Alembic itself (bot/db/migrate.py) is imported
only when there is something to migrate. tests/db/test_revisions.py holds these to
Alembic's own answers.
"""

from __future__ import annotations

import re
import sqlite3
from contextlib import closing
from pathlib import Path

from sqlalchemy import Connection, inspect, text
from sqlalchemy.engine import make_url

import migrations

VERSION_TABLE = "alembic_version"
# `revision: str = '0010_media'`, `down_revision: str | None = None`: literal assignments,
# as Alembic's script template writes them.
_ASSIGNMENT = re.compile(
    r"""^(revision|down_revision)\s*(?::[^=\n]*)?=\s*(?:'([^']*)'|"([^"]*)"|None)\s*$""",
    re.MULTILINE,
)


class UnreadableScriptsError(Exception):
    """The scripts are not the simple chain this reader understands: ask Alembic."""


def head_revision(url: str) -> str | None:
    """The head revision; from Alembic when the scripts are not one simple chain."""
    try:
        return scripts_head()
    except UnreadableScriptsError:
        from bot.db.migrate import head_revision as alembic_head

        return alembic_head(url)


def scripts_head(versions: Path | None = None) -> str:
    """The one head of the migration scripts' chain, read from their text (this checkout's
    scripts unless another checkout's `versions` folder is given, as benchmarks do)."""
    revisions: set[str] = set()
    parents: set[str] = set()
    folder = versions or Path(migrations.__file__).parent / "versions"
    for script in sorted(folder.glob("*.py")):
        if script.name == "__init__.py":
            continue
        found = {m[1]: m[2] or m[3] or None for m in _ASSIGNMENT.finditer(script.read_text())}
        revision = found.get("revision")
        if revision is None:
            raise UnreadableScriptsError(script.name)
        revisions.add(revision)
        if (parent := found.get("down_revision")) is not None:
            parents.add(parent)
    heads = revisions - parents
    if len(heads) != 1:
        raise UnreadableScriptsError(f"heads: {sorted(heads)}")
    return heads.pop()


def current_revision(connection: Connection) -> str | None:
    """The database's revision (None when it was never migrated)."""
    if not inspect(connection).has_table(VERSION_TABLE):
        return None
    rows = connection.execute(text(f"SELECT version_num FROM {VERSION_TABLE}")).scalars().all()
    return rows[0] if len(rows) == 1 else None


def sqlite_is_current(url: str) -> bool:
    """Whether an SQLite file exists and is at the head revision (read-only: a missing file
    is not created here)."""
    path = make_url(url).database
    if not path or path == ":memory:" or not Path(path).is_file():
        return False
    try:
        head = scripts_head()
    except UnreadableScriptsError:
        return False
    try:
        with closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as connection:
            rows = connection.execute(f"SELECT version_num FROM {VERSION_TABLE}").fetchall()
    except sqlite3.Error:
        return False  # no table yet, or unreadable: let Alembic say what is wrong
    return rows == [(head,)]
