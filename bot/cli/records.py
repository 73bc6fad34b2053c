"""`kabar records export`: the follow-up records as CSV or XLSX, for Monev analysts."""

from __future__ import annotations

import io
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import TYPE_CHECKING

import click

from bot.cli.common import (
    cannot_write,
    database_failure,
    fail,
    once,
    operator,
    operator_translator,
    parse_date,
    prepare_database,
    run_async,
    settings,
)

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession

    from bot.domain.records import ExportFilter
    from bot.lib.config import Settings
    from bot.lib.i18n import Translator

    # Writes the export from a session; returns the number of records.
    Work = Callable[[AsyncSession], Awaitable[int]]


async def _count(config: Settings, filters: ExportFilter) -> int:
    from bot.db.database import Database
    from bot.domain.records import count_records

    db = Database(config.database_url)
    try:
        async with db.transaction() as session:
            return await count_records(session, filters)
    finally:
        await db.dispose()


async def _stream(config: Settings, work: Work) -> int:
    from bot.db.database import Database

    db = Database(config.database_url)
    try:
        async with db.transaction() as session:
            return await work(session)
    finally:
        await db.dispose()


async def _audit_export(config: Settings, cohort: str | None, details: dict[str, object]) -> None:
    """An export is a staff action like any other: who took which records, when."""
    from bot.db.database import Database
    from bot.domain.audit import audit
    from bot.lib.clock import SystemClock

    db = Database(config.database_url)
    try:
        async with db.transaction() as session:
            audit(
                session,
                at=SystemClock().now(),
                actor=operator(),
                action="records.exported",
                subject=cohort,
                details=details,
            )
    finally:
        await db.dispose()


def _partial_path(output: Path) -> Path:
    # Written beside the target and renamed at the end: a failed export leaves no half file.
    return output.with_name(f".{output.name}.partial")


def _run_to_file(config: Settings, output: Path, write: Callable[[Path], Work]) -> int:
    from bot.lib.private_files import private_file

    partial = private_file(_partial_path(output))  # personal data: the owner's alone
    try:
        count = run_async(_stream(config, write(partial)))
        partial.replace(output)
    finally:
        partial.unlink(missing_ok=True)
    return count


def _export_csv(config: Settings, filters: ExportFilter, output: Path | None) -> int:
    from bot.domain.records import iter_records
    from bot.domain.records.csv_writer import write_csv

    if output is None:
        # Bytes to stdout whatever the terminal's encoding: the data is UTF-8 by contract.
        text = io.TextIOWrapper(sys.stdout.buffer, encoding="utf-8", newline="")
        try:
            return run_async(
                _stream(config, lambda session: write_csv(iter_records(session, filters), text))
            )
        finally:
            text.flush()
            text.detach()

    def to_path(path: Path) -> Work:
        async def work(session: AsyncSession) -> int:
            with path.open("w", encoding="utf-8", newline="") as handle:
                return await write_csv(iter_records(session, filters), handle)

        return work

    return _run_to_file(config, output, to_path)


def _export_xlsx(
    config: Settings, filters: ExportFilter, output: Path | None, t: Translator
) -> int:
    from datetime import UTC, datetime
    from zoneinfo import ZoneInfo

    from bot.domain.records.xlsx_writer import ExportInfo
    from bot.domain.reports.monev import write_monev_workbook

    now = datetime.now(UTC).astimezone(ZoneInfo(config.timezone))
    info = ExportInfo(exported_at=now, filters=filters)
    if output is None:
        stdout = sys.stdout.buffer
        count = run_async(
            _stream(
                config,
                lambda session: write_monev_workbook(session, filters, stdout, info=info, t=t),
            )
        )
        stdout.flush()
        return count

    def to_path(path: Path) -> Work:
        return lambda session: write_monev_workbook(session, filters, path, info=info, t=t)

    return _run_to_file(config, output, to_path)


@click.group()
def records() -> None:
    """Follow-up records: what each family reported, round by round."""


@records.command("export")
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["csv", "xlsx"]),
    default="csv",
    show_default=True,
    help="csv: UTF-8 with BOM, comma-separated. xlsx: a workbook (needs --output on a terminal).",
)
@click.option("--cohort", multiple=True, callback=once, help="Only this cohort's records.")
@click.option(
    "--output",
    type=click.Path(dir_okay=False, writable=True, path_type=Path),
    help="Write to this file instead of standard output.",
)
@click.option(
    "--since", metavar="YYYY-MM-DD", help="Only rounds opened on this day or later (cohort time)."
)
@click.option(
    "--until", metavar="YYYY-MM-DD", help="Only rounds opened on this day or earlier (cohort time)."
)
def export(
    output_format: str,
    cohort: str | None,
    output: Path | None,
    since: str | None,
    until: str | None,
) -> None:
    """Export the follow-up records, ordered by cohort, round and participant.

    Columns: record_id, participant_id, participant_name, cohort, village, district,
    facilitator_id, round_id, round_opened_at, answered_at, status, produced,
    quantity_produced, unit, quantity_sold, revenue_idr, problems, problem_note,
    needs_help, attachments, late, media_files, offer_stock.
    """
    from sqlalchemy.exc import DBAPIError

    from bot.domain.records import ExportFilter, RecordsError

    config = settings()
    t = operator_translator(config)
    since_day = parse_date(since, "--since", t)
    until_day = parse_date(until, "--until", t)
    if since_day and until_day and since_day > until_day:
        fail(
            t.gettext("--since {since} is after --until {until}.").format(
                since=since_day.isoformat(), until=until_day.isoformat()
            )
        )
    if output_format == "xlsx" and output is None and sys.stdout.isatty():
        fail(
            t.gettext(
                "An XLSX workbook cannot be shown in a terminal: add --output PATH, "
                "for example --output records.xlsx."
            )
        )
    filters = ExportFilter(cohort=cohort, since=since_day, until=until_day)
    prepare_database(config)

    # Checked before any output exists: an unknown cohort or a database that cannot be
    # reached is reported without leaving an empty file behind.
    try:
        run_async(_count(config, filters))
    except RecordsError as error:
        fail(error.translate(t))
    except (DBAPIError, OSError) as error:
        database_failure(error, config, t)

    try:
        if output_format == "xlsx":
            count = _export_xlsx(config, filters, output, t)
        else:
            count = _export_csv(config, filters, output)
    except RecordsError as error:
        fail(error.translate(t))
    except DBAPIError as error:
        database_failure(error, config, t)
    except OSError as error:
        cannot_write(output or "-", error, t)

    details = {
        "format": output_format,
        "records": count,
        "since": since_day.isoformat() if since_day else None,
        "until": until_day.isoformat() if until_day else None,
        "file": str(output) if output is not None else None,
    }
    run_async(_audit_export(config, cohort, details))
    # Only when the data went to a file: standard output then carries nothing else.
    if output is not None:
        click.echo(
            # No plural forms needed: this wording reads right for any count.
            t.gettext("Records written to {path}: {count}.").format(
                count=t.format_number(count), path=output
            ),
            err=True,
        )
