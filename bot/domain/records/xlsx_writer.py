"""Records as an XLSX workbook: a "records" sheet of typed cells and an "about" sheet."""

from __future__ import annotations

from collections.abc import AsyncIterable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import IO, Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from bot.db.models import RecordStatus
from bot.domain.records.columns import COLUMNS, HEADER
from bot.domain.records.csv_writer import plain_decimal, timestamp
from bot.domain.records.export import ExportFilter, RecordRow, RecordsError
from bot.lib.i18n import N_, Translator

# A sheet has 1,048,576 rows; one is the header.
XLSX_MAX_RECORDS = 1_048_575
MSG_TOO_MANY = N_(
    "An XLSX sheet holds at most {limit} records: use --format csv, or narrow the export "
    "with --cohort, --since or --until."
)

_BOLD = Font(bold=True)
_WIDTHS = {
    "participant_name": 28,
    "round_opened_at": 20,
    "answered_at": 20,
    "problems": 22,
    "problem_note": 40,
    "attachments": 40,
}


@dataclass(frozen=True, slots=True)
class ExportInfo:
    """What the "about" sheet says: when (aware, in the operator's zone) and which filters."""

    exported_at: datetime
    filters: ExportFilter


def _cell(sheet: Any, value: Any, *, bold: bool = False) -> Any:
    cell = WriteOnlyCell(sheet, value=value)
    if isinstance(value, str) and value.startswith("="):
        # openpyxl would store it as a formula; participants' text must stay text.
        cell.data_type = "s"
    if bold:
        cell.font = _BOLD
    return cell


def _value(sheet: Any, value: Any) -> Any:
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        # Excel datetimes carry no zone: this is the cohort's local wall-clock time.
        return value.replace(tzinfo=None)
    if isinstance(value, Decimal):
        # Through the plain text form so the XML never holds an exponent like 1E+2.
        return Decimal(plain_decimal(value))
    if isinstance(value, str):
        return _cell(sheet, value) if value.startswith("=") else value
    return value


def _record_cells(sheet: Any, row: RecordRow) -> list[Any]:
    cells = []
    for value in row:
        if isinstance(value, RecordStatus):
            cells.append(value.value)
        elif isinstance(value, tuple):
            # problems (codes) and attachments ((kind, file id) pairs), joined as in the CSV.
            parts = (":".join(part) if isinstance(part, tuple) else part for part in value)
            cells.append(_value(sheet, ";".join(parts)))
        else:
            cells.append(_value(sheet, value))
    return cells


def _write_about(sheet: Any, info: ExportInfo, count: int, t: Translator) -> None:
    no_limit = t.gettext("(no limit)")
    filters = info.filters
    sheet.column_dimensions["A"].width = 22
    sheet.column_dimensions["B"].width = 90
    sheet.append([_cell(sheet, t.gettext("Kabar follow-up records"), bold=True)])
    sheet.append([t.gettext("Exported at"), timestamp(info.exported_at)])
    sheet.append([t.gettext("Cohort"), filters.cohort or t.gettext("all cohorts")])
    since = filters.since.isoformat() if filters.since else no_limit
    until = filters.until.isoformat() if filters.until else no_limit
    sheet.append([t.gettext("Rounds opened from"), since])
    sheet.append([t.gettext("Rounds opened until"), until])
    sheet.append([t.gettext("Records"), count])
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
            _cell(sheet, t.gettext("Column"), bold=True),
            _cell(sheet, t.gettext("Meaning"), bold=True),
        ]
    )
    for name, meaning in COLUMNS:
        sheet.append([name, t.gettext(meaning)])


async def write_xlsx(
    rows: AsyncIterable[RecordRow], target: Path | IO[bytes], *, info: ExportInfo, t: Translator
) -> int:
    """Write the workbook to a path or binary stream; return the number of records.

    Write-only mode streams rows to a temporary file, so memory stays flat for big exports.
    Raises RecordsError when the records do not fit in one sheet.
    """
    workbook = Workbook(write_only=True)
    records = workbook.create_sheet("records")
    about = workbook.create_sheet("about")
    records.freeze_panes = "A2"
    for position, name in enumerate(HEADER, start=1):
        records.column_dimensions[get_column_letter(position)].width = _WIDTHS.get(name, 14)
    records.append([_cell(records, name, bold=True) for name in HEADER])
    count = 0
    async for row in rows:
        count += 1
        if count > XLSX_MAX_RECORDS:
            raise RecordsError(MSG_TOO_MANY, limit=XLSX_MAX_RECORDS)
        records.append(_record_cells(records, row))
    _write_about(about, info, count, t)
    workbook.save(target)
    return count
