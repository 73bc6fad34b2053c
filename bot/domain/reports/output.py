"""The programme report as data: CSV rows of the round figures, and one JSON document.

Values as data, never as display: numbers plain (a dot for decimals), the response rate a
fraction, times ISO 8601 in the cohort's time zone, codes untranslated. The column names
are a contract with analysts' scripts, like the records export's.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from bot.domain.records.csv_writer import timestamp
from bot.domain.reports.baseline import BaselineReport
from bot.domain.reports.figures import RoundFigures
from bot.domain.reports.programme import ProgrammeReport
from bot.lib.spreadsheet_safety import plain_decimal

ROUND_COLUMNS: tuple[str, ...] = (
    "cohort",
    "round",
    "round_id",
    "round_opened_at",
    "closed",
    "registered",
    "asked",
    "answered",
    "partial",
    "missed",
    "response_rate",
    "response_rate_change",
    "producing",
    "quantity_produced",
    "quantity_sold",
    "unit",
    "revenue_idr",
    "median_revenue_idr",
    "paused",
    "unreachable",
)


def _amounts(values: list[Decimal]) -> Decimal | str:
    # One unit (nearly always): the number itself; several: "12.5;3", text.
    if len(values) == 1:
        return values[0]
    return ";".join(plain_decimal(value) for value in values)


def _zones(report: ProgrammeReport) -> dict[str, ZoneInfo]:
    return {cohort.name: ZoneInfo(cohort.timezone) for cohort in report.selection.cohorts}


CsvCell = str | int | Decimal | None


def csv_row(row: RoundFigures, zone: ZoneInfo) -> tuple[CsvCell, ...]:
    """One round's figures as CSV cells, in ROUND_COLUMNS order, for the safe writer of
    bot.lib.spreadsheet_safety (numbers stay numbers, a falling rate keeps its minus). A
    round with records in several units (the cohort's unit changed) joins its quantities
    with ';'."""
    return (
        row.cohort,
        row.round_number,
        row.round_id,
        timestamp(row.opened_at.astimezone(zone)),
        "true" if row.closed else "false",
        row.registered,
        row.asked,
        row.answered,
        row.partial,
        row.missed,
        row.response_rate,
        row.response_rate_change,
        row.producing,
        _amounts([q.produced for q in row.quantities]),
        _amounts([q.sold for q in row.quantities]),
        ";".join(q.unit for q in row.quantities),
        row.revenue_idr,
        row.median_revenue_idr,
        row.paused,
        row.unreachable,
    )


def csv_rows(report: ProgrammeReport) -> list[tuple[CsvCell, ...]]:
    zones = _zones(report)
    return [csv_row(row, zones[row.cohort]) for row in report.rounds]


def _number(value: Decimal | None) -> int | float | None:
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() else float(value)


def json_document(report: ProgrammeReport) -> dict[str, Any]:
    """The whole report: scope, round figures, open alerts by reason, problem roll-up."""
    zones = _zones(report)
    selection = report.selection
    return {
        "scope": {
            "cohorts": [cohort.name for cohort in selection.cohorts],
            "district": selection.district,
            "round": selection.round_number,
        },
        "rounds": [
            {
                "cohort": row.cohort,
                "round": row.round_number,
                "round_id": row.round_id,
                "round_opened_at": timestamp(row.opened_at.astimezone(zones[row.cohort])),
                "closed": row.closed,
                "registered": row.registered,
                "asked": row.asked,
                "answered": row.answered,
                "partial": row.partial,
                "missed": row.missed,
                "response_rate": _number(row.response_rate),
                "response_rate_change": _number(row.response_rate_change),
                "producing": row.producing,
                "quantities": [
                    {"unit": q.unit, "produced": _number(q.produced), "sold": _number(q.sold)}
                    for q in row.quantities
                ],
                "revenue_idr": row.revenue_idr,
                "median_revenue_idr": _number(row.median_revenue_idr),
                "paused": row.paused,
                "unreachable": row.unreachable,
            }
            for row in report.rounds
        ],
        "open_alerts": [
            {"cohort": a.cohort, "rule": a.rule, "open": a.open, "acknowledged": a.acknowledged}
            for a in report.alerts
        ],
        "problems": {
            "rounds": [
                {"cohort": r.cohort.name, "round": r.number, "round_id": r.id}
                for r in report.problem_rounds
            ],
            "counts": [
                {
                    "cohort": p.cohort,
                    "district": p.district,
                    "code": p.code,
                    "families": p.families,
                    "words": [{"word": word, "count": count} for word, count in p.words],
                }
                for p in report.problems
            ],
        },
    }


def change_document(change: BaselineReport) -> list[dict[str, Any]]:
    """Per cohort and checkpoint, the change against the families' start (JSON)."""
    return [
        {
            "cohort": row.cohort,
            "months": row.months,
            "checkpoint": row.checkpoint.isoformat() if row.checkpoint else None,
            "reached": row.reached,
            "families": row.families,
            "median_change_idr": _number(row.median_change_idr),
            "above_start": _number(row.above_start),
            "producing_at_start": _number(row.producing_at_start),
            "producing_now": _number(row.producing_now),
        }
        for row in change.cohorts
    ]
