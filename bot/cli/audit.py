"""`kabar audit`: who did what, when, as the audit log recorded it."""

from __future__ import annotations

import json
import sys
from datetime import UTC, datetime, time
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

import click

from bot.cli.common import in_transaction, operator_translator, parse_date, print_table, settings
from bot.lib.spreadsheet_safety import csv_writer

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession

    from bot.db.models import AuditEntry

CSV_COLUMNS = ("at", "actor", "action", "subject", "details")
WHEN_FORMAT = "d MMM y HH:mm"


@click.command()
@click.option("--since", metavar="YYYY-MM-DD", help="Only from this day on (in KABAR_TIMEZONE).")
@click.option(
    "--format", "fmt", type=click.Choice(["table", "csv"]), default="table", show_default=True
)
def audit(since: str | None, fmt: str) -> None:
    """Who did what, when: roster imports, cohort changes, invitations, registrations,
    pauses and the like, oldest first."""
    from bot.domain.audit import audit_entries

    config = settings()
    t = operator_translator(config)
    day = parse_date(since, "--since", t)
    zone = ZoneInfo(config.timezone)
    start = None if day is None else datetime.combine(day, time(), zone).astimezone(UTC)

    async def work(session: AsyncSession) -> list[AuditEntry]:
        return await audit_entries(session, since=start)

    entries = in_transaction(config, work)
    if fmt == "csv":
        writer = csv_writer(sys.stdout, lineterminator="\n")
        writer.writerow(CSV_COLUMNS)
        for entry in entries:
            details = json.dumps(entry.details, ensure_ascii=False, sort_keys=True)
            writer.writerow(
                (entry.at.isoformat(), entry.actor, entry.action, entry.subject or "", details)
            )
        return
    if not entries:
        click.echo(t.gettext("Nothing in the audit log."))
        return
    from rich.table import Table

    table = Table(title=t.gettext("Audit log"), title_justify="left")
    table.add_column(t.gettext("When"))
    table.add_column(t.gettext("Who"))
    table.add_column(t.gettext("What"))
    table.add_column(t.gettext("Subject"), overflow="fold")
    table.add_column(t.gettext("Details"), overflow="fold")
    for entry in entries:
        table.add_row(
            t.format_datetime(entry.at, config.timezone, WHEN_FORMAT),
            entry.actor,
            entry.action,
            entry.subject or "—",
            ", ".join(f"{key}={value}" for key, value in sorted(entry.details.items())),
        )
    print_table(table)
