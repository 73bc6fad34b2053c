"""Entry point of the `kabar` program: one group, each command in its own module."""

from __future__ import annotations

import importlib
import sys
from typing import TYPE_CHECKING

import click

from bot import __version__
from bot.lib.i18n import N_

if TYPE_CHECKING:
    from bot.lib.i18n import Translator

# Each command's module is imported only when that command runs (or a listing shows it):
# `kabar run` holds none of the other commands' code (1.2 MB; docs/PERFORMANCE.md,
# "Memory of `kabar run`"). Name: (module, attribute).
COMMANDS = {
    "demo": ("bot.cli.demo", "demo"),
    "run": ("bot.cli.run", "run"),
    "db": ("bot.cli.db", "db"),
    "roster": ("bot.cli.roster", "roster"),
    "cohort": ("bot.cli.cohort", "cohort"),
    "invites": ("bot.cli.invites", "invites"),
    "checkin": ("bot.cli.checkin", "checkin"),
    "records": ("bot.cli.records", "records"),
    "alerts": ("bot.cli.alerts", "alerts"),
    "report": ("bot.cli.report", "report"),
    "graduation": ("bot.cli.graduation", "graduation"),
    "audit": ("bot.cli.audit", "audit"),
    "broadcast": ("bot.cli.broadcast", "broadcast"),
    "person": ("bot.cli.person", "person"),
    "status": ("bot.cli.status", "status"),
    "bot": ("bot.cli.bots", "bot"),
    "stock": ("bot.cli.stock", "stock"),
}


class KabarGroup(click.Group):
    """The `kabar` group: a command is imported when asked for, and its help translated
    then into the operator's language (`translator`, set before click runs)."""

    translator: Translator | None = None

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name in COMMANDS and cmd_name not in self.commands:
            from bot.cli.help_texts import translate

            module, attribute = COMMANDS[cmd_name]
            command: click.Command = getattr(importlib.import_module(module), attribute)
            if self.translator is not None:
                translate(command, self.translator)
            self.add_command(command, cmd_name)
        return super().get_command(ctx, cmd_name)


VERSION_LINE = N_("kabar, version {version}")


def _print_version(ctx: click.Context, _param: click.Parameter, value: bool) -> None:
    """`kabar --version` in the operator's language (click's own option says it in
    English, its message fixed when the option is declared)."""
    if not value or ctx.resilient_parsing:
        return
    from bot.lib.i18n import translator

    group = ctx.find_root().command
    t = (group.translator if isinstance(group, KabarGroup) else None) or translator(None)
    click.echo(t.gettext(VERSION_LINE).format(version=__version__))
    ctx.exit()


@click.group(cls=KabarGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--version",
    is_flag=True,
    expose_value=False,
    is_eager=True,
    callback=_print_version,
    help="Show Kabar's version and exit.",
)
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
    from bot.cli.help_texts import speak_click, translate
    from bot.lib.config import ConfigError, load_settings
    from bot.lib.i18n import translator

    try:
        locale = load_settings().locale
    except ConfigError:
        return
    t = translator(locale)
    speak_click(t)
    translate(cli, t)
    cli.translator = t


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
