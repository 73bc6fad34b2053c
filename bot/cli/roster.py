"""`kabar roster …`: import people from CSV or XLSX."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import click

from bot.cli.common import (
    fail,
    operator,
    operator_translator,
    prepare_database,
    run_async,
    settings,
)

if TYPE_CHECKING:
    from bot.domain.roster.importer import ImportProgress, ImportResult
    from bot.domain.roster.problems import Message
    from bot.domain.roster.validate import RowProblem
    from bot.lib.config import Settings
    from bot.lib.i18n import Translator

# Below this size an import takes about a second: no progress bar.
_PROGRESS_MIN_BYTES = 512 * 1024


@click.group()
def roster() -> None:
    """The people Kabar knows: participants, facilitators, coordinators, staff."""


@roster.command("import")
@click.argument("file", type=click.Path(path_type=Path))
@click.option(
    "--dry-run", is_flag=True, help="Check every row and show what would change; write nothing."
)
def import_roster(file: Path, dry_run: bool) -> None:
    """Import or update people from FILE (CSV with comma or semicolon, or XLSX).

    Columns: `id,role,name,phone,cohort,village,district,regency,supervisor_id,language`,
    and optionally `baseline_revenue_idr` (a family's income from the business per month
    before training, whole rupiah); extra columns are kept as attributes. Every row is
    checked first: if any row is wrong, every problem is listed and nothing is imported
    (exit code 1).
    """
    from bot.domain.roster.problems import RosterFileError

    config = settings()
    t = operator_translator(config)
    if not file.is_file():  # one line in the operator's language, not click's usage text
        fail(t.gettext("There is no roster file at {path}.").format(path=file))
    prepare_database(config)
    try:
        with _progress(t, file) as on_progress:
            result = run_async(_import(config, file, dry_run, on_progress))
    except RosterFileError as error:
        fail(
            t.gettext("{file}: {problem}").format(file=file.name, problem=render(t, error.message))
        )
    if not result.ok:
        _show_problems(t, result.problems)
        raise SystemExit(1)
    _show_result(t, result)


async def _import(
    config: Settings, path: Path, dry_run: bool, on_progress: ImportProgress | None
) -> ImportResult:
    from bot.db.database import Database
    from bot.domain.roster.importer import import_roster as run_import
    from bot.lib.clock import SystemClock

    db = Database(config.database_url)
    try:
        return await run_import(
            db,
            path,
            now=SystemClock().now(),
            timezone=config.timezone,
            dry_run=dry_run,
            on_progress=on_progress,
            actor=operator(),
        )
    except OSError as error:  # the database server cannot be reached
        fail(str(error))
    finally:
        await db.dispose()


def render(t: Translator, message: Message) -> str:
    return t.fill(message.msgid, message.params)


def _problem_line(t: Translator, problem: RowProblem) -> str:
    reasons = "; ".join(render(t, reason) for reason in problem.reasons)
    if problem.row_id:
        return t.gettext("Line {line} ({id}): {reasons}").format(
            line=problem.line, id=problem.row_id, reasons=reasons
        )
    return t.gettext("Line {line}: {reasons}").format(line=problem.line, reasons=reasons)


def _show_problems(t: Translator, problems: list[RowProblem]) -> None:
    # Every bad row is listed (the operator fixes them all in one go); the count comes last
    # so it is visible even after thousands of lines.
    chunk: list[str] = []
    for problem in problems:
        chunk.append(_problem_line(t, problem))
        if len(chunk) >= 1000:
            click.echo("\n".join(chunk), err=True)
            chunk.clear()
    if chunk:
        click.echo("\n".join(chunk), err=True)
    count = len(problems)
    click.echo(
        t.ngettext(
            "{count} row has problems; nothing was imported.",
            "{count} rows have problems; nothing was imported.",
            count,
        ).format(count=t.format_number(count)),
        err=True,
    )


def _role_label(t: Translator, role: str) -> str:
    labels = {
        "staff": t.gettext("staff"),
        "coordinator": t.gettext("coordinators"),
        "facilitator": t.gettext("facilitators"),
        "participant": t.gettext("participants"),
        "partner": t.gettext("buying partners"),
    }
    return labels[role]


def _show_result(t: Translator, result: ImportResult) -> None:
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    from bot.db.models import Role
    from bot.domain.cohorts import DEFAULT_SCHEDULE

    if result.dry_run:
        title = t.gettext("Dry run of {file}: nothing was written").format(file=result.file_name)
    else:
        title = t.gettext("Roster imported from {file}").format(file=result.file_name)
    table = Table(title=Text(title), title_justify="left")
    table.add_column(t.gettext("Role"))
    if result.dry_run:
        headings = (t.gettext("Would create"), t.gettext("Would update"), t.gettext("Unchanged"))
    else:
        headings = (t.gettext("Created"), t.gettext("Updated"), t.gettext("Unchanged"))
    for heading in headings:
        table.add_column(heading, justify="right")
    for role, counts in result.counts.items():
        if role is Role.PARTNER and not (counts.created or counts.updated or counts.unchanged):
            continue  # buying partners are optional: no row for a roster without any
        table.add_row(
            _role_label(t, role.value),
            t.format_number(counts.created),
            t.format_number(counts.updated),
            t.format_number(counts.unchanged),
        )
    total = result.total()
    table.add_section()
    table.add_row(
        t.gettext("Total"),
        t.format_number(total.created),
        t.format_number(total.updated),
        t.format_number(total.unchanged),
    )
    console = Console(highlight=False)
    console.print(table)
    if result.cohorts_created:
        if result.dry_run:
            text = t.gettext("Cohorts that would be created (schedule {schedule}): {names}")
        else:
            text = t.gettext("Cohorts created (schedule {schedule}): {names}")
        names = ", ".join(result.cohorts_created)
        console.print(Text(text.format(schedule=DEFAULT_SCHEDULE, names=names)))


@contextmanager
def _progress(t: Translator, path: Path) -> Iterator[ImportProgress | None]:
    """A progress bar on stderr for large files when a person is watching; else nothing."""
    if not sys.stderr.isatty() or path.stat().st_size < _PROGRESS_MIN_BYTES:
        yield None
        return
    from rich.console import Console
    from rich.progress import BarColumn, Progress, TaskProgressColumn, TextColumn

    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        TaskProgressColumn(),
        console=Console(stderr=True),
        transient=True,
    ) as progress:
        tasks = {
            "read": progress.add_task(t.gettext("Checking rows"), total=None),
            "write": progress.add_task(t.gettext("Writing people"), total=None, visible=False),
        }

        def update(phase: str, done: int, total: int) -> None:
            task = tasks[phase]
            progress.update(task, completed=done, total=total or None, visible=True)

        yield update
