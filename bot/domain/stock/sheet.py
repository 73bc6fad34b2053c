"""The Monev workbook's "stock" sheet: the pickup list of the exported cohorts, one row
per family, as `kabar stock --format csv` gives it."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, time
from typing import Any

from sqlalchemy import and_
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import Person, Role
from bot.domain.records.xlsx_writer import SheetSeries
from bot.domain.stock.holdings import offered_holdings
from bot.domain.stock.pickup import lots
from bot.domain.stock.text import CSV_COLUMNS, family_rows
from bot.lib.i18n import Translator

DAY = "yyyy-mm-dd"


async def write_stock_sheet(
    workbook: Any,
    session: AsyncSession,
    cohort_ids: Sequence[int],
    row_limit: int,
    t: Translator,
) -> list[str]:
    families = and_(Person.role == Role.PARTICIPANT, Person.cohort_id.in_(list(cohort_ids)))
    found = lots(await offered_holdings(session, families))
    series = SheetSeries(
        workbook, "stock", CSV_COLUMNS, widths={"product": 24, "name": 24},
        formats={"village_since": DAY, "since": DAY}, row_limit=row_limit, t=t,
    )  # fmt: skip
    for row in family_rows(found):
        # A day as Excel keeps it: a datetime at midnight, shown as a date.
        series.append([datetime.combine(v, time()) if isinstance(v, date) else v for v in row])
    return series.finish()
