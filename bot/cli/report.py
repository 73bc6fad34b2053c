"""`kabar report`: the programme figures per cohort and round, as a table, CSV or JSON."""

from __future__ import annotations

import asyncio
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from bot.cli.common import (
    cannot_write,
    fail,
    in_transaction,
    once,
    operator_translator,
    print_table,
    settings,
)
from bot.lib.i18n import N_
from bot.lib.spreadsheet_safety import csv_writer

TABLE_ROUNDS = 12  # per cohort, in the table; CSV and JSON have them all

if TYPE_CHECKING:
    from rich.table import Table
    from sqlalchemy.ext.asyncio import AsyncSession

    from bot.domain.reports.baseline import BaselineReport
    from bot.domain.reports.figures import RoundFigures
    from bot.domain.reports.programme import ProgrammeReport
    from bot.lib.i18n import Translator


def round_tables(report: ProgrammeReport, t: Translator) -> list[Table]:
    """Two tables of the same rounds (one would not fit a screen): who answered, and what
    they produced and earned."""
    from rich.table import Table

    from bot.domain.reports import text

    zones = {cohort.name: cohort.timezone for cohort in report.selection.cohorts}
    rows = _recent(report.rounds, TABLE_ROUNDS)
    n = t.format_number
    answers = Table(title=t.gettext("Who answered, per round"), title_justify="left")
    production = Table(title=t.gettext("Production and income, per round"), title_justify="left")
    for table, headings in (
        (
            answers,
            (
                N_("Cohort"), N_("Round"), N_("Opened"), N_("Registered"), N_("Asked"),
                N_("Answered"), N_("Partly"), N_("Missed"), N_("Response"),
                N_("Change (points)"), N_("Paused"), N_("Unreachable"),
            ),
        ),
        (
            production,
            (
                N_("Cohort"), N_("Round"), N_("Producing"), N_("Produced"), N_("Sold"),
                N_("Income"), N_("Median income"),
            ),
        ),
    ):  # fmt: skip
        for index, heading in enumerate(headings):
            left = index == 0 or heading == "Opened"
            table.add_column(
                t.gettext(heading), justify="left" if left else "right", no_wrap=index > 0
            )
    for row in rows:
        number = n(row.round_number) if row.closed else f"{n(row.round_number)} *"
        answers.add_row(
            row.cohort, number, text.opened(t, row, zones[row.cohort]), n(row.registered),
            n(row.asked), n(row.answered), n(row.partial), n(row.missed),
            text.percent(t, row.response_rate), text.points(t, row.response_rate_change),
            n(row.paused), n(row.unreachable),
        )  # fmt: skip
        production.add_row(
            row.cohort, number, n(row.producing), text.quantity(t, row.quantities),
            text.quantity(t, row.quantities, sold=True), text.money(t, row.revenue_idr),
            text.money(t, row.median_revenue_idr),
        )  # fmt: skip
    notes = []
    if len(rows) < len(report.rounds):
        notes.append(
            t.gettext(
                "The last {count} rounds of each cohort; --format csv or json gives every round."
            ).format(count=TABLE_ROUNDS)
        )
    if any(not row.closed for row in rows):
        notes.append(t.gettext("* still open: families may still answer."))
    if notes:
        production.caption = "\n".join(notes)
        production.caption_justify = "left"
    return [answers, production]


def _recent(rows: tuple[RoundFigures, ...], count: int) -> list[RoundFigures]:
    """Each cohort's last `count` rounds: a screen, not a year of rows."""
    kept: list[RoundFigures] = []
    for cohort in dict.fromkeys(row.cohort for row in rows):
        kept.extend([row for row in rows if row.cohort == cohort][-count:])
    return kept


def alert_table(report: ProgrammeReport, t: Translator) -> Table:
    from rich.table import Table

    from bot.domain.reports.text import rule_label

    table = Table(title=t.gettext("Open alerts by reason"), title_justify="left")
    table.add_column(t.gettext("Cohort"))
    table.add_column(t.gettext("Reason"))
    table.add_column(t.gettext("Not acted on"), justify="right")
    table.add_column(t.gettext("Acknowledged"), justify="right")
    for alert in report.alerts:
        table.add_row(
            alert.cohort,
            rule_label(t, alert.rule),
            t.format_number(alert.open),
            t.format_number(alert.acknowledged),
        )
    return table


def problem_table(report: ProgrammeReport, t: Translator) -> Table:
    from rich.table import Table

    from bot.domain.reports.text import problem_label

    rounds = ", ".join(
        t.gettext("{cohort} round {round}").format(cohort=r.cohort.name, round=r.number)
        for r in report.problem_rounds
    )
    table = Table(
        title=t.gettext("Problems named in {rounds}").format(rounds=rounds), title_justify="left"
    )
    headings = (N_("Cohort"), N_("District"), N_("Problem"), N_("Families"), N_("Most used words"))
    for index, heading in enumerate(headings):
        table.add_column(t.gettext(heading), justify="right" if index == 3 else "left")
    for problem in report.problems:
        words = ", ".join(f"{word} {t.format_number(count)}" for word, count in problem.words)
        table.add_row(
            problem.cohort,
            problem.district or t.gettext("(all)"),
            problem_label(t, problem.code),
            t.format_number(problem.families),
            words or "—",
        )
    return table


def change_table(change: BaselineReport, zones: dict[str, str], t: Translator) -> Table:
    """Per cohort, three and six months after its first round: the change against each
    family's own start (the roster's baseline, or their first month's rounds)."""
    from rich.table import Table

    from bot.domain.reports.baseline import CHECKPOINTS
    from bot.domain.reports.insights_text import signed_money
    from bot.domain.reports.text import DATE, percent

    table = Table(
        title=t.gettext("Change against each family's start (income per month)"),
        title_justify="left",
    )
    headings = (
        N_("Cohort"), N_("Months"), N_("On"), N_("Families compared"), N_("Median change"),
        N_("Above their start"), N_("Producing at the start"), N_("Producing now"),
    )  # fmt: skip
    for index, heading in enumerate(headings):
        table.add_column(t.gettext(heading), justify="left" if index < 3 else "right")
    for row in change.cohorts:
        if row.checkpoint is None:
            # Said once per cohort, as /laporan says it, rather than left out.
            if row.months == CHECKPOINTS[0]:
                table.add_row(row.cohort, "—", "—", t.gettext("no closed round yet"))
            continue
        date = t.format_datetime(row.checkpoint, zones[row.cohort], DATE)
        if not row.reached:
            table.add_row(row.cohort, t.format_number(row.months), date, t.gettext("not yet"))
            continue
        table.add_row(
            row.cohort, t.format_number(row.months), date, t.format_number(row.families),
            signed_money(t, row.median_change_idr), percent(t, row.above_start),
            percent(t, row.producing_at_start), percent(t, row.producing_now),
        )  # fmt: skip
    table.caption = t.gettext(
        "Start: the roster's baseline_revenue_idr, or else the family's answered rounds of "
        "the cohort's first month; now: the month before the date. Per month: the average of "
        "the answered rounds times the rounds of that month."
    )
    table.caption_justify = "left"
    return table


@click.command()
@click.option("--cohort", multiple=True, callback=once, help="Only this cohort.")
@click.option("--district", help="Only the families of this district.")
@click.option(
    "--round",
    "round_number",
    type=int,
    metavar="N",
    help="Only round N of each cohort (1 is its first round).",
)
@click.option(
    "--png",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Also draw the last 12 rounds (response rate, producing families, income) here.",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "csv", "json"]),
    default="table",
    show_default=True,
    help="csv: the round figures, one row per cohort and round. json: everything.",
)
def report(
    cohort: str | None, district: str | None, round_number: int | None, png: Path | None, fmt: str
) -> None:
    """The programme figures: per cohort and round, who was asked, answered and produced,
    quantities and income; open alerts by reason; the problems named in the latest round;
    the change against each family's start three and six months after the first round.

    CSV columns: cohort, round, round_id, round_opened_at, closed, registered, asked,
    answered, partial, missed, response_rate, response_rate_change, producing,
    quantity_produced, quantity_sold, unit, revenue_idr, median_revenue_idr, paused,
    unreachable.
    """
    from bot.domain.records import RecordsError
    from bot.domain.reports.programme import chart_figures, programme_report
    from bot.domain.reports.scope import ReportFilter

    config = settings()
    t = operator_translator(config)
    filters = ReportFilter(cohort=cohort, district=district, round_number=round_number)

    from bot.domain.reports.baseline import baseline_report
    from bot.domain.reports.scope import beside, select_scope
    from bot.lib.clock import SystemClock

    now = SystemClock().now()

    async def change_of(session: AsyncSession) -> BaselineReport:
        selection = await select_scope(session, None, filters)
        return await baseline_report(session, selection, now, families=False)

    async def work(
        session: AsyncSession,
    ) -> tuple[ProgrammeReport, list[RoundFigures], BaselineReport | None]:
        # The change against the start is independent of the round figures: on another
        # connection at the same time (another core, on SQLite too). Not in the CSV.
        if fmt == "csv":
            made, change = await programme_report(session, None, filters, parallel=True), None
        else:
            # A bad option is refused here, before two connections work at once: an error
            # in one of them would leave the other running.
            await select_scope(session, None, filters)
            made, change = await asyncio.gather(
                programme_report(session, None, filters, parallel=True),
                beside(session, change_of),
            )
        recent = await chart_figures(session, made) if png is not None else []
        return made, recent, change

    try:
        made, recent, change = in_transaction(config, work)
    except RecordsError as error:  # an unknown cohort, district, round
        fail(error.translate(t))
    if png is not None:
        _write_chart(made, recent, png, t)
    if fmt == "csv":
        from bot.domain.reports.output import ROUND_COLUMNS, csv_rows

        writer = csv_writer(sys.stdout, lineterminator="\n")
        writer.writerow(ROUND_COLUMNS)
        writer.writerows(csv_rows(made))
    elif fmt == "json":
        from bot.domain.reports.output import change_document, json_document

        document = json_document(made)
        if change is not None:
            document["change"] = change_document(change)
        click.echo(json.dumps(document, ensure_ascii=False, indent=1))
    elif not made.rounds:
        from bot.domain.reports.text import NO_ROUNDS

        click.echo(t.gettext(NO_ROUNDS))
    else:
        for table in (*round_tables(made, t), alert_table(made, t), problem_table(made, t)):
            print_table(table)
        if change is not None:
            zones = {cohort.name: cohort.timezone for cohort in made.selection.cohorts}
            print_table(change_table(change, zones, t))


def _write_chart(
    made: ProgrammeReport, recent: list[RoundFigures], path: Path, t: Translator
) -> None:
    from bot.domain.reports.chart import programme_chart
    from bot.domain.reports.programme import CHART_ROUNDS

    zones = {cohort.name: cohort.timezone for cohort in made.selection.cohorts}
    try:
        path.write_bytes(programme_chart(recent, zones, t, count=CHART_ROUNDS))
    except OSError as error:
        cannot_write(path, error, t)
    # On standard error: standard output carries the CSV or JSON.
    click.echo(t.gettext("Chart written to {path}.").format(path=path), err=True)
