"""XLSX sheets streamed in constant memory (openpyxl write-only): the records, split across
sheets at Excel's row limit, and the "about" sheet.

Every data sheet has its header frozen and filters on; numbers are numbers, times Excel
datetimes (the cohort's wall clock), rupiah formatted as rupiah. The workbook around them
is laid out in bot/domain/reports/monev.py.
"""

from __future__ import annotations

from collections.abc import AsyncIterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from bot.db.models import RecordStatus
from bot.domain.records.columns import COLUMNS, HEADER
from bot.domain.records.csv_writer import plain_decimal, timestamp
from bot.domain.records.export import ExportFilter, RecordRow
from bot.lib.i18n import Translator

# A sheet holds 1,048,576 rows, the header among them; more go on the next sheet.
XLSX_MAX_ROWS = 1_048_576
RUPIAH = '"Rp"#,##0'
PERCENT = "0.0%"
DATE_TIME = "yyyy-mm-dd hh:mm"

_BOLD = Font(bold=True)
_RECORD_WIDTHS = {
    "participant_name": 28,
    "round_opened_at": 20,
    "answered_at": 20,
    "problems": 22,
    "problem_note": 40,
    "attachments": 40,
}
_RECORD_FORMATS = {"revenue_idr": RUPIAH}


@dataclass(frozen=True, slots=True)
class ExportInfo:
    """What the "about" sheet says: when (aware, in the operator's zone) and which filters."""

    exported_at: datetime
    filters: ExportFilter


def text_cell(sheet: Any, value: str, *, bold: bool = False) -> Any:
    cell = WriteOnlyCell(sheet, value=value)
    if value.startswith("="):
        # openpyxl would store it as a formula; participants' text must stay text.
        cell.data_type = "s"
    if bold:
        cell.font = _BOLD
    return cell


def cell_value(sheet: Any, value: Any) -> Any:
    """A value as Excel should hold it: datetimes without a zone (the cohort's wall clock),
    decimals in plain form, text never a formula, None for nothing."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.replace(tzinfo=None)
    if isinstance(value, Decimal):
        # Through the plain text form so the XML never holds an exponent like 1E+2.
        return Decimal(plain_decimal(value))
    if isinstance(value, str) and value.startswith("="):
        return text_cell(sheet, value)
    return value


class SheetSeries:
    """Rows under one header on as many sheets as they need: "records", "records (2)", …

    Each sheet has the header in bold and frozen, and filters over its rows; the columns in
    `formats` (by name) get that number format.
    """

    def __init__(
        self,
        workbook: Any,
        title: str,
        header: Sequence[str],
        *,
        widths: dict[str, int] | None = None,
        formats: dict[str, str] | None = None,
        row_limit: int = XLSX_MAX_ROWS,
    ) -> None:
        if row_limit < 2:
            raise ValueError("a sheet needs room for the header and a row")
        self.workbook = workbook
        self.title = title
        self.header = tuple(header)
        self.widths = widths or {}
        self.formats = [
            (index, fmt)
            for index, name in enumerate(self.header)
            if (fmt := (formats or {}).get(name))
        ]
        self.row_limit = row_limit
        self.sheets: list[tuple[Any, int]] = []  # (sheet, rows written there, header included)
        self.rows = 0
        self.sheet: Any = None  # the sheet being written
        self._in_sheet = 0
        self._next_sheet()

    def _next_sheet(self) -> None:
        if self.sheet is not None:
            self.sheets.append((self.sheet, self._in_sheet))
        number = len(self.sheets) + 1
        name = self.title if number == 1 else f"{self.title} ({number})"
        sheet = self.workbook.create_sheet(name)
        sheet.freeze_panes = "A2"
        for position, column in enumerate(self.header, start=1):
            width = self.widths.get(column, 14)
            sheet.column_dimensions[get_column_letter(position)].width = width
        sheet.append([text_cell(sheet, column, bold=True) for column in self.header])
        self.sheet, self._in_sheet = sheet, 1

    def append(self, values: Sequence[Any]) -> None:
        """One row of values (already Excel values, see `cell_value`)."""
        if self._in_sheet >= self.row_limit:
            self._next_sheet()
        row = list(values)
        for index, fmt in self.formats:
            if row[index] is not None:
                cell = WriteOnlyCell(self.sheet, value=row[index])
                cell.number_format = fmt
                row[index] = cell
        self.sheet.append(row)
        self._in_sheet += 1
        self.rows += 1

    def finish(self) -> list[str]:
        """Filters over each sheet's rows; returns the sheets' names (one at least)."""
        self.sheets.append((self.sheet, self._in_sheet))
        last = get_column_letter(len(self.header))
        for sheet, rows in self.sheets:
            sheet.auto_filter.ref = f"A1:{last}{rows}"
        return [sheet.title for sheet, _rows in self.sheets]


def _record_values(sheet: Any, row: RecordRow) -> list[Any]:
    values = []
    for value in row:
        if isinstance(value, RecordStatus):
            values.append(value.value)
        elif isinstance(value, tuple):
            # problems (codes) and attachments ((kind, file id) pairs), joined as in the CSV.
            parts = (":".join(part) if isinstance(part, tuple) else part for part in value)
            values.append(cell_value(sheet, ";".join(parts)))
        else:
            values.append(cell_value(sheet, value))
    return values


async def write_records(
    workbook: Any, rows: AsyncIterable[RecordRow], *, row_limit: int = XLSX_MAX_ROWS
) -> tuple[int, list[str]]:
    """The records on "records" sheets, split at `row_limit`; (records, sheet names)."""
    series = SheetSeries(
        workbook,
        "records",
        HEADER,
        widths=_RECORD_WIDTHS,
        formats=_RECORD_FORMATS,
        row_limit=row_limit,
    )
    async for row in rows:
        series.append(_record_values(series.sheet, row))
    return series.rows, series.finish()


def write_about(
    sheet: Any, info: ExportInfo, count: int, sheets: Sequence[str], t: Translator
) -> None:
    no_limit = t.gettext("(no limit)")
    filters = info.filters
    sheet.column_dimensions["A"].width = 22
    sheet.column_dimensions["B"].width = 90
    sheet.append([text_cell(sheet, t.gettext("Kabar follow-up records"), bold=True)])
    sheet.append([t.gettext("Exported at"), timestamp(info.exported_at)])
    sheet.append([t.gettext("Cohort"), filters.cohort or t.gettext("all cohorts")])
    since = filters.since.isoformat() if filters.since else no_limit
    until = filters.until.isoformat() if filters.until else no_limit
    sheet.append([t.gettext("Rounds opened from"), since])
    sheet.append([t.gettext("Rounds opened until"), until])
    sheet.append([t.gettext("Records"), count])
    sheet.append([t.gettext("Sheets"), ", ".join(sheets)])
    sheet.append(
        [
            t.gettext("Times"),
            t.gettext(
                "Times on the records sheet are the local time of each record's cohort "
                "(Excel stores no time zone); the CSV export gives them with their offset."
            ),
        ]
    )
    sheet.append([])
    sheet.append(
        [
            text_cell(sheet, t.gettext("Column"), bold=True),
            text_cell(sheet, t.gettext("Meaning"), bold=True),
        ]
    )
    for name, meaning in COLUMNS:
        sheet.append([name, t.gettext(meaning)])
