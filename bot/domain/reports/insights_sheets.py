"""The Monev workbook's sheets on graduation readiness and change against each family's
start: "graduation" (the families meeting their cohort's bar, for review), "change" (per
cohort at three and six months) and "change by family"."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.records.xlsx_writer import PERCENT, RUPIAH, SheetSeries, cell_value
from bot.domain.reports.baseline import CHECKPOINTS, baseline_report
from bot.domain.reports.graduation import graduation_list
from bot.domain.reports.scope import Selection
from bot.lib.i18n import Translator

GRADUATION_COLUMNS = (
    "cohort", "participant_id", "participant_name", "village", "district", "facilitator_id",
    "rounds_met", "rounds_required", "min_revenue_idr", "window_rounds",
)  # fmt: skip
CHANGE_COLUMNS = (
    "cohort", "months", "checkpoint", "reached", "families", "median_change_idr",
    "above_start", "producing_at_start", "producing_now",
)  # fmt: skip
FAMILY_COLUMNS = (
    "cohort", "participant_id", "participant_name", "village", "district", "start_from",
    "start_revenue_idr", "producing_at_start",
    "revenue_3_months_idr", "change_3_months_idr", "producing_3_months",
    "revenue_6_months_idr", "change_6_months_idr", "producing_6_months",
)  # fmt: skip


async def write_insight_sheets(
    workbook: Any,
    session: AsyncSession,
    selection: Selection,
    now: datetime,
    row_limit: int,
    t: Translator,
) -> list[str]:
    sheets: list[str] = []
    cohorts = await graduation_list(session, selection)
    width = max((len(c.rounds) for c in cohorts), default=0)
    revenue_columns = tuple(f"round_{k + 1}_revenue_idr" for k in range(width))
    graduation = SheetSeries(
        workbook, "graduation", (*GRADUATION_COLUMNS, *revenue_columns),
        widths={"cohort": 24, "participant_name": 24},
        formats={"min_revenue_idr": RUPIAH, **dict.fromkeys(revenue_columns, RUPIAH)},
        row_limit=row_limit, t=t,
    )  # fmt: skip
    for cohort in cohorts:
        numbers = ", ".join(str(ref.number) for ref in cohort.rounds)
        for family in cohort.families:
            graduation.append(
                [
                    cohort.cohort, family.person_id, cell_value(family.name), family.village,
                    family.district, family.facilitator_id, family.rounds_met,
                    cohort.bar.rounds, cohort.bar.min_revenue_idr, numbers, *family.revenues,
                ]
            )  # fmt: skip
    sheets += graduation.finish()

    change = await baseline_report(session, selection, now)
    zones = {cohort.name: ZoneInfo(cohort.timezone) for cohort in selection.cohorts}
    summary = SheetSeries(
        workbook, "change", CHANGE_COLUMNS, widths={"cohort": 24},
        formats={
            "median_change_idr": RUPIAH, "above_start": PERCENT, "producing_at_start": PERCENT,
            "producing_now": PERCENT,
        },
        row_limit=row_limit, t=t,
    )  # fmt: skip
    for row in change.cohorts:
        at = row.checkpoint
        summary.append(
            [
                row.cohort, row.months,
                at.astimezone(zones[row.cohort]).replace(tzinfo=None) if at else None,
                row.reached, row.families, cell_value(row.median_change_idr),
                cell_value(row.above_start), cell_value(row.producing_at_start),
                cell_value(row.producing_now),
            ]
        )  # fmt: skip
    sheets += summary.finish()
    money = ("start_revenue_idr", "revenue_3_months_idr", "change_3_months_idr")
    families = SheetSeries(
        workbook, "change by family", FAMILY_COLUMNS,
        widths={"cohort": 24, "participant_name": 24},
        formats=dict.fromkeys(
            (*money, "revenue_6_months_idr", "change_6_months_idr"), RUPIAH
        ),
        row_limit=row_limit, t=t,
    )  # fmt: skip
    for one in change.families:
        cells: list[Any] = [
            one.cohort, one.person_id, cell_value(one.name), one.village,
            one.district, "roster" if one.from_roster else "rounds", one.start_idr,
            one.producing_at_start,
        ]  # fmt: skip
        for months in CHECKPOINTS:
            amount, producing = one.at[months]
            cells += [amount, one.change(months), producing]
        families.append(cells)
    sheets += families.finish()
    return sheets
