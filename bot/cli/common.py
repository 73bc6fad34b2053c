"""What every command shares: settings, the operator's language, errors, the database."""

from __future__ import annotations

import asyncio
import re
from collections.abc import Awaitable, Callable, Coroutine
from datetime import date
from typing import TYPE_CHECKING, Any, NoReturn, TypeVar

import click

if TYPE_CHECKING:
    from rich.table import Table
    from sqlalchemy.ext.asyncio import AsyncSession

    from bot.lib.config import Settings
    from bot.lib.i18n import Translator

T = TypeVar("T")


class CliError(click.ClickException):
    """One clear line on stderr and a non-zero exit."""

    exit_code = 1

    def show(self, file: Any = None) -> None:
        click.echo(self.format_message(), err=True)


def fail(message: str) -> NoReturn:
    raise CliError(message)


def cannot_write(path: object, error: OSError, t: Translator) -> NoReturn:
    """One line for a file that could not be written, its reason in the operator's
    language (the system's own words are English)."""
    import errno
    from pathlib import Path

    from bot.lib.i18n import N_

    reasons = {
        errno.ENOENT: N_("the folder {folder} does not exist"),
        errno.EACCES: N_("no permission to write there"),
        errno.EPERM: N_("no permission to write there"),
        errno.EISDIR: N_("it is a folder"),
        errno.ENOSPC: N_("the disk is full"),
        errno.EROFS: N_("the disk is read-only"),
    }
    reason = reasons.get(error.errno or 0)
    folder = Path(str(error.filename or path)).parent
    words = t.gettext(reason).format(folder=folder) if reason else error.strerror or str(error)
    fail(t.gettext("Could not write {path}: {error}").format(path=path, error=words))


def once(ctx: click.Context, param: click.Parameter, values: tuple[str, ...]) -> str | None:
    """The value of an option that takes one (declared `multiple=True` with this callback):
    click would keep the last of two silently, and the operator would read the figures of
    a cohort they did not mean."""
    if len(set(values)) > 1:
        from bot.lib.i18n import N_

        t = operator_translator(settings())
        message = N_("{option} was given more than once ({values}): give it once.")
        fail(t.gettext(message).format(option=param.opts[0], values=", ".join(values)))
    return values[0] if values else None


def database_failure(error: BaseException, config: Settings, t: Translator) -> NoReturn:
    """One line for a database that cannot be used: what to fix if it is the operator's
    to fix, else the driver's own first line."""
    from bot.cli.failures import explain, first_line

    fail(
        explain(error, config.database_url, t)
        or t.gettext("Could not use the database: {error}").format(error=first_line(error))
    )


def operator() -> str:
    """Who the audit log names for a command: the operating-system user who ran it."""
    import getpass

    try:
        return f"cli:{getpass.getuser()}"
    except (OSError, KeyError):  # no user name to be had (a bare container): still the CLI
        return "cli"


def settings() -> Settings:
    """The checked settings, or every configuration problem listed and exit code 2."""
    from bot.lib.config import ConfigError, load_settings

    try:
        return load_settings()
    except ConfigError as error:
        for line in error.lines():
            click.echo(line, err=True)
        raise SystemExit(2) from None


def operator_translator(settings: Settings) -> Translator:
    """CLI messages are in KABAR_LOCALE (Indonesian unless set)."""
    from bot.lib.i18n import translator

    return translator(settings.locale)


def run_async(coro: Coroutine[Any, Any, T]) -> T:
    # uvloop where it is installed (Linux, macOS): the event loop's own overhead was a
    # sixth of `kabar run`'s CPU with families answering at once.
    try:
        import uvloop
    except ImportError:
        return asyncio.run(coro)
    with asyncio.Runner(loop_factory=uvloop.new_event_loop) as runner:
        return runner.run(coro)


def prepare_database(settings: Settings) -> None:
    """Bring SQLite up to date by itself; on PostgreSQL ask the operator to migrate."""
    url = settings.database_url
    if url.startswith("sqlite"):
        from bot.cli.failures import missing_folder
        from bot.db.revisions import sqlite_is_current

        # Said before SQLite tries: its failure surfaces from a thread, after the loop ends.
        problem = missing_folder(url, operator_translator(settings))
        if problem is not None:
            fail(problem)
        # Alembic is imported only to migrate: a bot that stays up should not carry it.
        if not sqlite_is_current(url):
            from bot.db.migrate import upgrade

            upgrade(url)
        return
    from bot.db.revisions import head_revision

    if run_async(_current_revision(url)) != head_revision(url):
        t = operator_translator(settings)
        fail(t.gettext("The database is not up to date: run `kabar db upgrade` first."))


async def _current_revision(url: str) -> str | None:
    from bot.db.database import Database
    from bot.db.revisions import current_revision

    db = Database(url)
    try:
        async with db.engine.connect() as connection:
            return await connection.run_sync(current_revision)
    finally:
        await db.dispose()


def in_transaction(config: Settings, work: Callable[[AsyncSession], Awaitable[T]]) -> T:
    """Run `work` in one transaction; domain errors become one translated line."""
    from sqlalchemy.exc import DBAPIError

    from bot.db.database import Database
    from bot.domain.broadcasts.errors import BroadcastError
    from bot.domain.cohorts import CohortError

    t = operator_translator(config)
    prepare_database(config)

    async def main() -> T:
        db = Database(config.database_url)
        try:
            async with db.transaction() as session:
                return await work(session)
        finally:
            await db.dispose()

    try:
        return run_async(main())
    except (CohortError, BroadcastError) as error:  # a BotError is a CohortError
        fail(error.translate(t))
    except (DBAPIError, OSError) as error:
        database_failure(error, config, t)


_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def parse_date(value: str | None, option: str, t: Translator) -> date | None:
    """A YYYY-MM-DD option's day, or one clear line naming the option."""
    if value is None:
        return None
    try:
        if not _DATE_RE.match(value):
            raise ValueError(value)
        return date.fromisoformat(value)
    except ValueError:
        fail(
            t.gettext(
                'The date "{value}" for {option} is not valid: use YYYY-MM-DD, '
                "for example 2025-08-17."
            ).format(value=value, option=option)
        )


def print_table(table: Table) -> None:
    """A rich table on standard output, whole."""
    import sys

    from rich.console import Console

    # Piped or captured output is not a terminal: use a width that never cuts a cell.
    Console(width=None if sys.stdout.isatty() else 240, highlight=False).print(table)
