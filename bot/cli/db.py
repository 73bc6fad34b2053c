"""`kabar db …`: schema migrations, backup and restore, and copying to another database."""

from __future__ import annotations

import shlex
from pathlib import Path
from typing import Any

import click

from bot.cli.common import (
    cannot_write,
    database_failure,
    fail,
    operator_translator,
    prepare_database,
    print_table,
    run_async,
    settings,
)


@click.group()
def db() -> None:
    """Database: schema, backup and restore, copying."""


@db.command()
def upgrade() -> None:
    """Apply pending migrations to KABAR_DATABASE_URL."""
    from bot.db.migrate import upgrade as run_upgrade

    config = settings()
    t = operator_translator(config)
    try:
        run_upgrade(config.database_url)
    except Exception as error:  # an unreachable server or a bad URL: say so in one line
        raise click.ClickException(
            t.gettext("Could not migrate the database: {error}").format(error=error)
        ) from error
    click.echo(t.gettext("The database is up to date."))


def _postgres_url(url: str) -> str:
    """The URL as libpq's tools take it: no SQLAlchemy driver name."""
    from sqlalchemy.engine import make_url

    parsed = make_url(url.replace("postgres://", "postgresql://", 1))
    return parsed.set(drivername="postgresql").render_as_string(hide_password=False)


def _show_command(intro: str, argv: list[str]) -> None:
    """What to run instead, quoted so that it can be pasted."""
    click.echo(intro)
    click.echo(shlex.join(argv))


@db.command()
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
def backup(path: Path) -> None:
    """Copy the database into the new file PATH, safe while `kabar run` writes.

    On PostgreSQL, prints the pg_dump command that does it.
    """
    from bot.db import sqlite_files

    config = settings()
    t = operator_translator(config)
    if sqlite_files.sqlite_path(config.database_url) is None:
        url = _postgres_url(config.database_url)
        _show_command(
            t.gettext("On PostgreSQL, back up with pg_dump:"),
            ["pg_dump", "--format=custom", f"--file={path}", url],
        )
        return
    try:
        sqlite_files.backup(config.database_url, path)
    except FileExistsError:
        fail(t.gettext("{path} exists already: choose a new file.").format(path=path))
    except sqlite_files.NoDatabaseError as error:
        fail(t.gettext("There is no database at {path}.").format(path=error))
    except sqlite_files.NotADatabaseError:
        fail(t.gettext("{path} is not a Kabar database.").format(path=config.database_url))
    except OSError as error:
        cannot_write(path, error, t)
    click.echo(t.gettext("Backed up to {path} (readable by its owner only).").format(path=path))


@db.command()
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
def restore(path: Path) -> None:
    """Replace the database with the backup PATH. Refused while `kabar run` uses it.

    On PostgreSQL, prints the pg_restore command that does it.
    """
    from bot.db import sqlite_files

    config = settings()
    t = operator_translator(config)
    if sqlite_files.sqlite_path(config.database_url) is None:
        url = _postgres_url(config.database_url)
        _show_command(
            t.gettext("On PostgreSQL, stop Kabar and restore with pg_restore:"),
            ["pg_restore", "--clean", "--if-exists", "--no-owner", f"--dbname={url}", str(path)],
        )
        return
    try:
        sqlite_files.restore(path, config.database_url)
    except sqlite_files.InUseError:
        fail(t.gettext("A running Kabar uses this database: stop `kabar run` first, then restore."))
    except FileNotFoundError:
        fail(t.gettext("There is no backup at {path}.").format(path=path))
    except sqlite_files.NotADatabaseError:
        fail(t.gettext("{path} is not a Kabar database.").format(path=path))
    except OSError as error:
        fail(t.gettext("Could not restore: {error}").format(error=error.strerror))
    # A backup from an older Kabar is brought up to this one's schema.
    prepare_database(config)
    click.echo(t.gettext("Restored from {path}.").format(path=path))


@db.command()
@click.option(
    "--to", "target_url", required=True, metavar="URL", help="The empty database to fill."
)
def copy(target_url: str) -> None:
    """Copy every row into another database (e.g. from SQLite to PostgreSQL).

    The target is brought to the current schema first and must hold no rows. Stop
    `kabar run` while copying. Prints each table's rows on both sides.
    """
    from rich.table import Table
    from sqlalchemy.exc import DBAPIError

    from bot.db.copy import TargetNotEmptyError, copy_database
    from bot.db.database import Database
    from bot.db.migrate import upgrade as run_upgrade

    config = settings()
    t = operator_translator(config)
    prepare_database(config)
    try:
        run_upgrade(target_url)
    except Exception as error:  # an unreachable server or a bad URL: say so in one line
        raise click.ClickException(
            t.gettext("Could not migrate the database: {error}").format(error=error)
        ) from error

    async def main() -> list[Any]:
        source, target = Database(config.database_url), Database(target_url)
        try:
            return await copy_database(source, target)
        finally:
            await source.dispose()
            await target.dispose()

    try:
        counts = run_async(main())
    except TargetNotEmptyError as error:
        fail(
            t.gettext(
                "The target already holds rows (table {table}): copy into an empty one."
            ).format(table=error.table)
        )
    except (DBAPIError, OSError) as error:
        database_failure(error, config, t)
    table = Table(t.gettext("table"))
    table.add_column(t.gettext("rows here"), justify="right")
    table.add_column(t.gettext("rows there"), justify="right")
    for count in counts:
        table.add_row(count.table, t.format_number(count.source), t.format_number(count.target))
    print_table(table)
    differ = [count.table for count in counts if count.source != count.target]
    if differ:
        fail(t.gettext("The counts differ in: {tables}").format(tables=", ".join(differ)))
    click.echo(t.gettext("Every row arrived."))
