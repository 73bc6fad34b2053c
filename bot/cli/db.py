"""`kabar db …`: schema migrations."""

from __future__ import annotations

import click

from bot.cli.common import operator_translator, settings


@click.group()
def db() -> None:
    """Database schema."""


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
