"""An operator's mistake as one clear line: what went wrong and what to do, in the operator's
language, instead of a traceback (`--debug` shows the traceback)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bot.lib.i18n import Translator


def _root(error: BaseException) -> BaseException:
    """The driver's own error under SQLAlchemy's wrapping."""
    seen = error
    while True:
        inner = getattr(seen, "orig", None) or seen.__cause__
        if inner is None or inner is seen:
            return seen
        seen = inner


def first_line(error: BaseException) -> str:
    """The driver's message, without SQLAlchemy's statement and background link."""
    lines = str(_root(error)).strip().splitlines()
    return lines[0] if lines else type(error).__name__


def _database(url: str) -> tuple[str, str]:
    """What the operator called the database: (kind, name)."""
    from sqlalchemy.engine import make_url

    parsed = make_url(url.replace("postgres://", "postgresql://", 1))
    if parsed.drivername.startswith("sqlite"):
        return "sqlite", parsed.database or ""
    return "postgresql", parsed.database or ""


def missing_folder(database_url: str, t: Translator) -> str | None:
    """Why a SQLite database cannot be created where the URL says, if it cannot."""
    kind, name = _database(database_url)
    if kind != "sqlite" or not name or name == ":memory:":
        return None
    folder = Path(name).parent
    if not folder.is_dir():
        return t.gettext(
            "Cannot open the database {path}: the folder {folder} does not exist."
        ).format(path=name, folder=folder)
    if not os.access(folder, os.W_OK):
        return t.gettext(
            "Cannot open the database {path}: no permission to write in {folder}."
        ).format(path=name, folder=folder)
    return None


def explain(error: BaseException, database_url: str, t: Translator) -> str | None:
    """The line for an error an operator can fix, or None for anything else (a bug)."""
    root = _root(error)
    kind, name = _database(database_url)
    message = str(root)
    if isinstance(error, ModuleNotFoundError) and error.name == "asyncpg":
        return t.gettext(
            'PostgreSQL needs the extra: pip install "kabar[postgres]" (or -e ".[postgres]").'
        )
    if kind == "sqlite":
        if "unable to open database file" in message:
            return missing_folder(database_url, t) or t.gettext(
                "Cannot open the database {path}."
            ).format(path=name)
        if "file is not a database" in message:
            return t.gettext("{path} is not a database: check KABAR_DATABASE_URL.").format(
                path=name
            )
    if kind == "postgresql":
        if type(root).__name__ == "InvalidCatalogNameError" or "does not exist" in message:
            return t.gettext(
                "PostgreSQL has no database {name}: create it (createdb {name}) "
                "or correct KABAR_DATABASE_URL."
            ).format(name=name)
        if isinstance(root, OSError):
            return t.gettext(
                "Cannot connect to PostgreSQL for database {name}: {reason}. "
                "Is the server running, and is KABAR_DATABASE_URL right?"
            ).format(name=name, reason=root.strerror or message)
        if type(root).__name__ == "InvalidPasswordError":
            return t.gettext("PostgreSQL refused the user or password in KABAR_DATABASE_URL.")
    return None
