"""`kabar demo`: the whole loop locally, with no token and no network; it ends as staff
would, with `kabar report`'s figures and chart."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from bot.cli.common import operator_translator, run_async, settings
from bot.lib.i18n import N_

if TYPE_CHECKING:
    from rich.console import Console

    from bot.lib.i18n import Translator

STEP_REPORT = N_("The figures for {cohort}, as `kabar report` shows them:")
STEP_CHART = N_("The chart of the last rounds (kabar report --png): {path}")


@click.command()
@click.option(
    "--workdir",
    type=click.Path(file_okay=False, path_type=Path),
    help="Keep the demo's database here (default: a new temporary folder).",
)
@click.option("--seed", default=7, show_default=True, help="Seed for the simulated families.")
def demo(workdir: Path | None, seed: int) -> None:
    """Run the whole loop locally: a sandbox Bot API, a sample cohort, simulated families
    registering and answering, going quiet and being escalated, a staff broadcast, and the
    programme figures."""
    from rich.console import Console

    from bot.sandbox.demo.story import run_demo

    config = settings()
    t = operator_translator(config)
    import sys

    # Piped output is not a terminal: wide enough for the report's seventeen columns.
    console = Console(width=None if sys.stdout.isatty() else 240)
    result = run_async(run_demo(console, t, workdir=workdir, seed=seed))
    run_async(demo_report(console, t, result.database, result.cohort))


async def demo_report(console: Console, t: Translator, database: Path, cohort: str) -> Path:
    """`kabar report`'s tables for the demo's database, and its chart beside it."""
    from bot.cli.report import alert_table, problem_table, round_tables
    from bot.db.database import Database
    from bot.domain.reports.chart import programme_chart
    from bot.domain.reports.programme import CHART_ROUNDS, chart_figures, programme_report
    from bot.domain.reports.scope import ReportFilter

    db = Database(f"sqlite:///{database}")
    try:
        async with db.transaction() as session:
            made = await programme_report(session, None, ReportFilter())
            recent = await chart_figures(session, made)
    finally:
        await db.dispose()
    console.print("\n[bold]" + t.gettext(STEP_REPORT).format(cohort=cohort) + "[/]")
    for table in (*round_tables(made, t), alert_table(made, t), problem_table(made, t)):
        console.print(table)
    chart = database.with_name("report.png")
    zones = {c.name: c.timezone for c in made.selection.cohorts}
    chart.write_bytes(programme_chart(recent, zones, t, count=CHART_ROUNDS))
    console.print(t.gettext(STEP_CHART).format(path=chart))
    return chart
