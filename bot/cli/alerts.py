"""`kabar alerts`: the alert board for staff, unacknowledged alerts first."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

import click

from bot.cli.common import fail, in_transaction, once, operator_translator, print_table, settings
from bot.lib.spreadsheet_safety import csv_writer

if TYPE_CHECKING:
    from datetime import datetime

    from sqlalchemy.ext.asyncio import AsyncSession

    from bot.domain.alerts.board import BoardRow
    from bot.lib.i18n import Translator

# Machine-readable: codes, not translations, and ISO times in UTC.
CSV_COLUMNS = (
    "alert_id",
    "participant_id",
    "name",
    "village",
    "cohort",
    "facilitator_id",
    "facilitator",
    "reason",
    "status",
    "level",
    "opened_at",
    "age_days",
    "last_action",
    "last_action_at",
    "last_action_by",
)
WHEN_FORMAT = "d MMM y HH:mm"


@click.command()
@click.option("--open", "live_only", is_flag=True, help="Only alerts not yet resolved or closed.")
@click.option(
    "--cohort",
    metavar="NAME",
    multiple=True,
    callback=once,
    help="Only the families of this cohort.",
)
@click.option("--facilitator", metavar="ID", help="Only the families of this facilitator.")
@click.option(
    "--format", "fmt", type=click.Choice(["table", "csv"]), default="table", show_default=True
)
def alerts(live_only: bool, cohort: str | None, facilitator: str | None, fmt: str) -> None:
    """The alert board: each alert's family, facilitator, reason, age and last action,
    unacknowledged ones first."""
    from bot.db.models import Person, Role
    from bot.domain.alerts.board import alert_board
    from bot.lib.clock import SystemClock

    config = settings()
    t = operator_translator(config)

    async def work(session: AsyncSession) -> list[BoardRow] | None:
        if facilitator is not None:
            found = await session.get(Person, facilitator)
            if found is None:
                return None
            if found.role is not Role.FACILITATOR:
                # A family's or a coordinator's ID: "No alerts." would be a false all-clear.
                fail(t.gettext('"{id}" is not a facilitator.').format(id=facilitator))
        return await alert_board(
            session, live_only=live_only, cohort=cohort, facilitator=facilitator
        )

    rows = in_transaction(config, work)
    if rows is None:
        fail(t.gettext('Nobody in the roster has the ID "{id}".').format(id=facilitator))
    now = SystemClock().now()
    if fmt == "csv":
        _write_csv(rows, now)
    elif not rows:
        click.echo(t.gettext("No alerts."))
    else:
        _print_table(rows, now, t, config.timezone)


def _write_csv(rows: list[BoardRow], now: datetime) -> None:
    from bot.domain.alerts.board import age_days

    writer = csv_writer(sys.stdout, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for row in rows:
        writer.writerow(
            (
                row.alert_id,
                row.person_id,
                row.name,
                row.village or "",
                row.cohort or "",
                row.facilitator_id or "",
                row.facilitator or "",
                row.rule,
                row.status.value,
                row.level,
                row.opened_at.isoformat(),
                age_days(row, now),
                row.last_action or "",
                row.last_action_at.isoformat() if row.last_action_at else "",
                row.last_actor or "",
            )
        )


def _print_table(rows: list[BoardRow], now: datetime, t: Translator, tz: str) -> None:
    from rich.table import Table

    from bot.domain.alerts import board

    table = Table(title=t.gettext("Alerts"), title_justify="left")
    table.add_column("#", justify="right")
    table.add_column(t.gettext("Family"), overflow="fold")
    table.add_column(t.gettext("Village"))
    table.add_column(t.gettext("Facilitator"))
    table.add_column(t.gettext("Reason"), overflow="fold")
    table.add_column(t.gettext("Status"))
    table.add_column(t.gettext("Age"), justify="right")
    table.add_column(t.gettext("Last action"), overflow="fold")
    for row in rows:
        table.add_row(
            str(row.alert_id),
            t.gettext("{name} ({id})").format(name=row.name, id=row.person_id),
            row.village or "—",
            row.facilitator or "—",
            board.reason_text(row, t),
            board.status_text(row, t),
            board.age_text(row, now, t),
            board.last_action_text(row, t, tz, WHEN_FORMAT) or "—",
        )
    print_table(table)
