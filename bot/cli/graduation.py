"""`kabar graduation`: the families who meet their cohort's graduation bar, with the
evidence, for staff to review (nothing is decided automatically)."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

import click

from bot.cli.common import fail, in_transaction, once, operator_translator, print_table, settings
from bot.lib.i18n import N_
from bot.lib.spreadsheet_safety import csv_writer

if TYPE_CHECKING:
    from rich.table import Table
    from sqlalchemy.ext.asyncio import AsyncSession

    from bot.domain.reports.graduation import CohortGraduation
    from bot.lib.i18n import Translator

# Machine-readable: the round numbers and the revenues of the window, joined by ";".
CSV_COLUMNS = (
    "cohort",
    "participant_id",
    "name",
    "village",
    "district",
    "facilitator_id",
    "rounds_met",
    "rounds_required",
    "min_revenue_idr",
    "rounds",
    "revenues_idr",
)
BAR_TEXT = N_(
    "{cohort}: revenue of at least {amount} in at least {rounds} of the last {window} closed "
    "rounds, answering the latest, no open alert."
)
REVIEW_NOTE = N_(
    "For staff to review: nothing is decided automatically. "
    "Change the bar with kabar cohort update --graduation-…"
)
NOBODY = N_("No family meets the bar yet.")
NO_COHORTS = N_('No cohorts yet. Create one with: kabar cohort create NAME --schedule "mon 08:00"')


def bar_text(t: Translator, cohort: CohortGraduation) -> str:
    from bot.domain.graduation_bar import bar_words

    return t.gettext(BAR_TEXT).format(cohort=cohort.cohort, **bar_words(t, cohort.bar))


def graduation_table(t: Translator, cohort: CohortGraduation) -> Table:
    from rich.table import Table

    from bot.domain.reports.text import money

    table = Table(title=bar_text(t, cohort), title_justify="left")
    for heading in (N_("ID"), N_("Name"), N_("Village"), N_("Facilitator")):
        table.add_column(t.gettext(heading))
    table.add_column(t.gettext("Rounds met"), justify="right")
    for ref in cohort.rounds:
        label = t.gettext("Round {number}").format(number=t.format_number(ref.number))
        table.add_column(label, justify="right", no_wrap=True)
    for family in cohort.families:
        table.add_row(
            family.person_id,
            family.name,
            family.village or "—",
            family.facilitator_id or "—",
            t.format_number(family.rounds_met),
            *(money(t, value) for value in family.revenues),
        )
    return table


def csv_rows(cohorts: list[CohortGraduation]) -> list[tuple[object, ...]]:
    rows: list[tuple[object, ...]] = []
    for cohort in cohorts:
        numbers = ";".join(str(ref.number) for ref in cohort.rounds)
        for family in cohort.families:
            rows.append(
                (
                    cohort.cohort, family.person_id, family.name, family.village,
                    family.district, family.facilitator_id, family.rounds_met,
                    cohort.bar.rounds, cohort.bar.min_revenue_idr, numbers,
                    ";".join("" if v is None else str(v) for v in family.revenues),
                )
            )  # fmt: skip
    return rows


@click.command()
@click.option("--cohort", metavar="NAME", multiple=True, callback=once, help="Only this cohort.")
@click.option(
    "--format", "fmt", type=click.Choice(["table", "csv"]), default="table", show_default=True
)
def graduation(cohort: str | None, fmt: str) -> None:
    """The families who meet their cohort's graduation bar, with their revenue in the
    rounds that count, for staff to review: nothing is decided automatically.

    CSV columns: cohort, participant_id, name, village, district, facilitator_id,
    rounds_met, rounds_required, min_revenue_idr, rounds, revenues_idr (the last two
    joined by ";", oldest round first; empty: no answer).
    """
    from bot.domain.records import RecordsError
    from bot.domain.reports.graduation import graduation_list
    from bot.domain.reports.scope import ReportFilter, select_scope

    config = settings()
    t = operator_translator(config)

    async def work(session: AsyncSession) -> list[CohortGraduation]:
        selection = await select_scope(session, None, ReportFilter(cohort=cohort))
        return await graduation_list(session, selection)

    try:
        found = in_transaction(config, work)
    except RecordsError as error:  # an unknown cohort
        fail(error.translate(t))
    if fmt == "csv":
        writer = csv_writer(sys.stdout, lineterminator="\n")
        writer.writerow(CSV_COLUMNS)
        writer.writerows(csv_rows(found))
        return
    if not found:
        click.echo(t.gettext(NO_COHORTS))
        return
    for one in found:
        if one.families:
            print_table(graduation_table(t, one))
        else:  # a plain line, not a table of headers
            click.echo(bar_text(t, one) + " " + t.gettext(NOBODY))
    click.echo(t.gettext(REVIEW_NOTE))
