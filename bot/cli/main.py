"""Entry point of the `kabar` program: one group, each command in its own module."""

from __future__ import annotations

import click

from bot import __version__
from bot.cli import (
    alerts,
    audit,
    broadcast,
    checkin,
    cohort,
    db,
    demo,
    invites,
    records,
    report,
    roster,
    run,
    status,
)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="kabar")
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
cli.add_command(audit.audit)
cli.add_command(broadcast.broadcast)
cli.add_command(status.status)


def main() -> None:
    cli(prog_name="kabar")
