"""`kabar stock`: the pickup list for staff, every family who offered their stock."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

import click

from bot.cli.common import fail, in_transaction, once, operator_translator, print_table, settings
from bot.lib.spreadsheet_safety import csv_writer

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession

    from bot.domain.stock.pickup import Lot
    from bot.lib.i18n import Translator


@click.command()
@click.option(
    "--cohort",
    metavar="NAME",
    multiple=True,
    callback=once,
    help="Only the families of this cohort.",
)
@click.option(
    "--format", "fmt", type=click.Choice(["table", "csv"]), default="table", show_default=True
)
def stock(cohort: str | None, fmt: str) -> None:
    """The pickup list: per district and village, the stock families produced and did not
    sell yet and want offered to buying partners: product, quantity, since when, and the
    families holding it.

    CSV: one row per family: district, village, product, unit, village_quantity,
    village_since, participant_id, name, quantity, since (dates in the cohort's time zone).
    """
    from sqlalchemy import select

    from bot.db.models import Cohort
    from bot.domain.records import RecordsError
    from bot.domain.records.export import choose_cohort
    from bot.domain.stock.pickup import pickup_list

    config = settings()
    t = operator_translator(config)

    async def work(session: AsyncSession) -> list[Lot]:
        chosen = None
        if cohort is not None:
            cohorts = (await session.scalars(select(Cohort))).all()
            chosen = choose_cohort(cohorts, cohort)[0]
        return await pickup_list(session, None, chosen)

    try:
        found = in_transaction(config, work)
    except RecordsError as error:  # an unknown cohort
        fail(error.translate(t))
    if fmt == "csv":
        _write_csv(found)
    elif not found:
        from bot.domain.stock.text import NOTHING

        click.echo(t.gettext(NOTHING))
    else:
        _print_table(found, t)


def _write_csv(found: list[Lot]) -> None:
    from datetime import date
    from decimal import Decimal

    from bot.domain.stock.text import CSV_COLUMNS, family_rows
    from bot.lib.spreadsheet_safety import plain_decimal

    def cell(value: object) -> object:
        if isinstance(value, Decimal):
            return plain_decimal(value)
        return value.isoformat() if isinstance(value, date) else ("" if value is None else value)

    writer = csv_writer(sys.stdout, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for row in family_rows(found):
        writer.writerow([cell(value) for value in row])


def _print_table(found: list[Lot], t: Translator) -> None:
    from rich.table import Table

    from bot.domain.stock.text import HOLDER, amount, local_day

    table = Table(title=t.gettext("Stock ready for pickup"), title_justify="left")
    table.add_column(t.gettext("District"))
    table.add_column(t.gettext("Village"))
    table.add_column(t.gettext("Product"))
    table.add_column(t.gettext("Quantity"), justify="right")
    table.add_column(t.gettext("Since"))
    table.add_column(t.gettext("Families"), overflow="fold")
    for lot in found:
        table.add_row(
            lot.district or "—",
            lot.village or "—",
            lot.product,
            amount(t, lot.quantity) + " " + lot.unit,
            t.format_date(local_day(lot.since, lot.timezone), "d MMM y"),
            ", ".join(
                t.gettext(HOLDER).format(
                    name=t.gettext("{name} ({id})").format(name=h.name, id=h.person_id),
                    quantity=amount(t, h.quantity),
                )
                for h in lot.holders
            ),
        )
    print_table(table)
