"""`kabar alerts`: the alert board for staff, unacknowledged alerts first."""

from __future__ import annotations

import csv
import sys
from typing import TYPE_CHECKING

import click

from bot.cli.common import fail, in_transaction, operator_translator, print_table, settings

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
@click.option("--cohort", metavar="NAME", help="Only the families of this cohort.")
@click.option("--facilitator", metavar="ID", help="Only the families of this facilitator.")
@click.option(
    "--format", "fmt", type=click.Choice(["table", "csv"]), default="table", show_default=True
)
def alerts(live_only: bool, cohort: str | None, facilitator: str | None, fmt: str) -> None:
    """The alert board: each alert's family, facilitator, reason, age and last action,
    unacknowledged ones first."""
    from bot.db.models import Person
    from bot.domain.alerts.board import alert_board
    from bot.lib.clock import SystemClock

    config = settings()
    t = operator_translator(config)

    async def work(session: AsyncSession) -> list[BoardRow] | None:
        if facilitator is not None and await session.get(Person, facilitator) is None:
            return None
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


def _age_days(row: BoardRow, now: datetime) -> int:
    return max((now - row.opened_at).days, 0)


def _write_csv(rows: list[BoardRow], now: datetime) -> None:
    writer = csv.writer(sys.stdout, lineterminator="\n")
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
                _age_days(row, now),
                row.last_action or "",
                row.last_action_at.isoformat() if row.last_action_at else "",
                row.last_actor or "",
            )
        )


def _print_table(rows: list[BoardRow], now: datetime, t: Translator, tz: str) -> None:
    from rich.table import Table

    from bot.domain.alerts.cards import ACTION_LABELS, REASONS

    statuses = {
        "open": t.gettext("not acknowledged"),
        "acknowledged": t.gettext("acknowledged"),
        "resolved": t.gettext("resolved"),
        "closed": t.gettext("closed by itself"),
    }
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
        status = statuses[row.status.value]
        if row.level == "coordinator":
            status = t.gettext("{status}, with the coordinator").format(status=status)
        days = _age_days(row, now)
        last = "—"
        if row.last_action is not None and row.last_action_at is not None:
            label = ACTION_LABELS.get(row.last_action)
            last = t.gettext("{action} by {name}, {when}").format(
                action=t.gettext(label) if label else row.last_action,
                name=row.last_actor or "—",
                when=t.format_datetime(row.last_action_at, tz, WHEN_FORMAT),
            )
        table.add_row(
            str(row.alert_id),
            t.gettext("{name} ({id})").format(name=row.name, id=row.person_id),
            row.village or "—",
            row.facilitator or "—",
            t.gettext(REASONS[row.rule]) if row.rule in REASONS else row.rule,
            status,
            t.ngettext("{count} day", "{count} days", days).format(count=t.format_number(days)),
            last,
        )
    print_table(table)
