"""Entry point of the `kabar` program: one group, each command in its own module."""

from __future__ import annotations

import sys

import click

from bot import __version__
from bot.cli import (
    alerts,
    audit,
    bots,
    broadcast,
    checkin,
    cohort,
    db,
    demo,
    graduation,
    invites,
    person,
    records,
    report,
    roster,
    run,
    status,
    stock,
)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="kabar", help="Show Kabar's version and exit.")
@click.option(
    "--debug",
    is_flag=True,
    expose_value=False,
    help="Show the whole traceback of an error, not one line (anywhere on the command line).",
)
def cli() -> None:
    """Kabar: scheduled check-ins with beneficiary families (KPM), alerts to their
    facilitators, and the figures for programme staff.

    Configuration comes from KABAR_* environment variables or a .env file.
    """


cli.add_command(demo.demo)
cli.add_command(run.run)
cli.add_command(db.db)
cli.add_command(roster.roster)
cli.add_command(cohort.cohort)
cli.add_command(invites.invites)
cli.add_command(checkin.checkin)
cli.add_command(records.records)
cli.add_command(alerts.alerts)
cli.add_command(report.report)
cli.add_command(graduation.graduation)
cli.add_command(audit.audit)
cli.add_command(broadcast.broadcast)
cli.add_command(person.person)
cli.add_command(status.status)
cli.add_command(bots.bot)
cli.add_command(stock.stock)


def main() -> None:
    debug = "--debug" in sys.argv[1:]
    args = [arg for arg in sys.argv[1:] if arg != "--debug"]
    _in_the_operators_language()
    try:
        cli.main(args=args, prog_name="kabar")
    except Exception as error:
        if debug:
            raise
        click.echo(_one_line(error), err=True)
        sys.exit(1)


def _in_the_operators_language() -> None:
    """Help texts in KABAR_LOCALE, like the output (a bad setting is reported later, by the
    command that reads the settings)."""
    from bot.cli.help_texts import translate
    from bot.lib.config import ConfigError, load_settings
    from bot.lib.i18n import translator

    try:
        locale = load_settings().locale
    except ConfigError:
        return
    translate(cli, translator(locale))


def _one_line(error: Exception) -> str:
    """An error no command caught: the operator's to fix (the database, a missing extra),
    or else a bug, named in one line with the way to see more."""
    from bot.cli.common import operator_translator
    from bot.cli.failures import explain, first_line
    from bot.lib.config import ConfigError, Settings, load_settings

    try:
        config = load_settings()
    except ConfigError:
        config = Settings()
    t = operator_translator(config)
    return explain(error, config.database_url, t) or t.gettext(
        "Unexpected error: {error}. Run the command again with --debug to see where."
    ).format(error=f"{type(error).__name__}: {first_line(error)}")
