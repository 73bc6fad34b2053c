"""The monitoring and evaluation (Monev) workbook of `kabar records export --format xlsx`.

Sheets, in order: "records" (split into "records (2)", … at Excel's row limit, never cut
short), "figures" (per cohort and round, as `kabar report`), "alerts" (one row per action
taken on an alert, an alert nobody acted on once), "problems" (per cohort, round and
district, the problems named and the words of the notes), "graduation", "change", "change
by family" (insights_sheets.py), "stock" (the pickup list, bot/domain/stock/sheet.py),
"about". Streamed: the records and
the alerts are read a chunk at a time and written to temporary files as they come, so
memory stays flat for millions of records.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import IO, Any
from zoneinfo import ZoneInfo

from openpyxl import Workbook
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from bot.db.dialect import jit_off
from bot.db.models import Alert, AlertAction, Person
from bot.domain.records.export import ExportFilter, iter_records
from bot.domain.records.xlsx_writer import (
    PERCENT,
    RUPIAH,
    XLSX_MAX_ROWS,
    ExportInfo,
    SheetSeries,
    cell_value,
    write_about,
    write_records,
)
from bot.domain.reports.figures import RoundFigures, round_figures
from bot.domain.reports.insights_sheets import write_insight_sheets
from bot.domain.reports.output import ROUND_COLUMNS
from bot.domain.reports.problems import problem_rollup
from bot.domain.reports.scope import ReportFilter, RoundRef, Selection, select_scope
from bot.domain.reports.text import problem_label
from bot.domain.stock.sheet import write_stock_sheet
from bot.lib.i18n import Translator

ALERT_COLUMNS = (
    "alert_id", "participant_id", "cohort", "village", "district", "facilitator_id", "rule",
    "status", "level", "assigned_to_id", "opened_at", "acknowledged_at", "escalated_at",
    "closed_at", "closed_reason", "action", "action_by", "action_at", "action_note",
)  # fmt: skip
PROBLEM_COLUMNS = ("cohort", "round", "district", "problem", "problem_name", "families", "words")
_FIGURE_FORMATS = {
    "response_rate": PERCENT,
    "response_rate_change": PERCENT,
    "revenue_idr": RUPIAH,
    "median_revenue_idr": RUPIAH,
}


def _in_dates(opened: datetime, zone: ZoneInfo, filters: ExportFilter) -> bool:
    day = opened.astimezone(zone).date()
    return (filters.since is None or day >= filters.since) and (
        filters.until is None or day <= filters.until
    )


def _figure_values(row: RoundFigures, zone: ZoneInfo) -> list[Any]:
    quantities = row.quantities
    one_unit = len(quantities) == 1

    def amount(values: list[Any]) -> Any:
        # One unit (nearly always): a number; several: "12.5;3" as in the CSV.
        if one_unit:
            return cell_value(values[0])
        return ";".join(str(value) for value in values) or None

    return [
        row.cohort,
        row.round_number,
        row.round_id,
        row.opened_at.astimezone(zone).replace(tzinfo=None),
        row.closed,
        row.registered,
        row.asked,
        row.answered,
        row.partial,
        row.missed,
        cell_value(row.response_rate),
        cell_value(row.response_rate_change),
        row.producing,
        amount([q.produced for q in quantities]),
        amount([q.sold for q in quantities]),
        ";".join(q.unit for q in quantities) or None,
        row.revenue_idr,
        cell_value(row.median_revenue_idr),
        row.paused,
        row.unreachable,
    ]


async def _figures(
    workbook: Any,
    session: AsyncSession,
    selection: Selection,
    filters: ExportFilter,
    row_limit: int,
    t: Translator,
) -> list[str]:
    zones = {cohort.name: ZoneInfo(cohort.timezone) for cohort in selection.cohorts}
    series = SheetSeries(
        workbook,
        "figures",
        ROUND_COLUMNS,
        widths={"cohort": 24},
        formats=_FIGURE_FORMATS,
        row_limit=row_limit,
        t=t,
    )
    async with jit_off(session):
        rows = await round_figures(session, selection)
    for row in rows:
        zone = zones[row.cohort]
        if _in_dates(row.opened_at, zone, filters):
            series.append(_figure_values(row, zone))
    return series.finish()


async def _alerts(
    workbook: Any, session: AsyncSession, selection: Selection, row_limit: int, t: Translator
) -> list[str]:
    family = aliased(Person)
    names = {cohort.id: cohort.name for cohort in selection.cohorts}
    zones = {cohort.id: ZoneInfo(cohort.timezone) for cohort in selection.cohorts}
    statement = (
        select(
            Alert.id,
            Alert.person_id,
            family.cohort_id,
            family.village,
            family.district,
            family.supervisor_id,
            Alert.rule,
            Alert.status,
            Alert.level,
            Alert.assigned_to_id,
            Alert.opened_at,
            Alert.acknowledged_at,
            Alert.escalated_at,
            Alert.closed_at,
            Alert.closed_reason,
            AlertAction.action,
            AlertAction.actor_id,
            AlertAction.at,
            AlertAction.note,
        )
        .join(family, family.id == Alert.person_id)
        .outerjoin(AlertAction, AlertAction.alert_id == Alert.id)
        .where(family.cohort_id.in_(list(names)))
        .order_by(Alert.id, AlertAction.at, AlertAction.id)
        .execution_options(yield_per=2000)
    )
    series = SheetSeries(
        workbook,
        "alerts",
        ALERT_COLUMNS,
        widths={"action_note": 40, "cohort": 24},
        row_limit=row_limit,
        t=t,
    )
    result = await session.stream(statement)
    async for partition in result.partitions():
        for row in partition:
            values = list(row)
            zone = zones[values[2]]
            values[2] = names[values[2]]
            values[7] = values[7].value
            for index in (10, 11, 12, 13, 17):
                if values[index] is not None:
                    values[index] = values[index].astimezone(zone)
            series.append([cell_value(value) for value in values])
    return series.finish()


async def _problems(
    workbook: Any,
    session: AsyncSession,
    selection: Selection,
    rounds: list[RoundRef],
    row_limit: int,
    t: Translator,
) -> list[str]:
    series = SheetSeries(
        workbook,
        "problems",
        PROBLEM_COLUMNS,
        widths={"words": 50, "problem_name": 22},
        row_limit=row_limit,
        t=t,
    )
    async with jit_off(session):
        problems = await problem_rollup(session, selection, rounds, per_round=True)
    for problem in problems:
        words = ", ".join(f"{word} {count}" for word, count in problem.words)
        series.append(
            [
                problem.cohort,
                problem.round_number,
                problem.district,
                problem.code,
                problem_label(t, problem.code),
                problem.families,
                words or None,
            ]
        )
    return series.finish()


async def write_monev_workbook(
    session: AsyncSession,
    filters: ExportFilter,
    target: Path | IO[bytes],
    *,
    info: ExportInfo,
    t: Translator,
    row_limit: int = XLSX_MAX_ROWS,
) -> int:
    """Write the workbook to a path or binary stream; return the number of records.

    `row_limit` (rows per sheet, the header included) is Excel's unless a test asks for less.
    Raises RecordsError for an unknown cohort.
    """
    workbook = Workbook(write_only=True)
    count, sheets = await write_records(
        workbook, iter_records(session, filters), t, row_limit=row_limit
    )
    selection = await select_scope(session, None, ReportFilter(cohort=filters.cohort))
    zones = {cohort.id: ZoneInfo(cohort.timezone) for cohort in selection.cohorts}
    in_range = [r for r in selection.rounds if _in_dates(r.opened_at, zones[r.cohort.id], filters)]
    sheets += await _figures(workbook, session, selection, filters, row_limit, t)
    sheets += await _alerts(workbook, session, selection, row_limit, t)
    sheets += await _problems(workbook, session, selection, in_range, row_limit, t)
    sheets += await write_insight_sheets(
        workbook, session, selection, info.exported_at, row_limit, t
    )
    sheets += await write_stock_sheet(workbook, session, list(zones), row_limit, t)
    write_about(workbook.create_sheet("about"), info, count, sheets, t)
    workbook.save(target)
    return count
