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
from xml.sax.saxutils import escape

from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.utils.datetime import to_excel
from openpyxl.worksheet._write_only import WriteOnlyWorksheet
from openpyxl.xml.functions import fromstring

from bot.db.models import RecordStatus
from bot.domain.records.columns import COLUMNS, HEADER
from bot.domain.records.csv_writer import timestamp
from bot.domain.records.export import ExportFilter, RecordRow
from bot.domain.records.labels import titles
from bot.domain.reports.text import problem_label
from bot.lib.i18n import N_, Translator
from bot.lib.spreadsheet_safety import plain_decimal, safe_cell, safe_text

# A sheet holds 1,048,576 rows, the header among them; more go on the next sheet.
XLSX_MAX_ROWS = 1_048_576
RUPIAH = '"Rp"#,##0'
PERCENT = "0.0%"
DATE_TIME = "yyyy-mm-dd hh:mm:ss"

_BOLD = Font(bold=True)
_RECORD_WIDTHS = {
    "participant_name": 28,
    "round_opened_at": 20,
    "answered_at": 20,
    "problems": 22,
    "problem_note": 40,
    "attachments": 40,
    "media_files": 40,
}
_RECORD_FORMATS = {"revenue_idr": RUPIAH}


@dataclass(frozen=True, slots=True)
class ExportInfo:
    """What the "about" sheet says: when (aware, in the operator's zone) and which filters."""

    exported_at: datetime
    filters: ExportFilter


def text_cell(sheet: Any, value: str, *, bold: bool = False) -> Any:
    """A text cell of the "about" sheet (written by openpyxl itself)."""
    # Neutralised, openpyxl never takes it for a formula.
    cell = WriteOnlyCell(sheet, value=safe_text(value))
    if bold:
        cell.font = _BOLD
    return cell


def cell_value(value: Any) -> Any:
    """A value as a data sheet holds it: datetimes without a zone (the cohort's wall clock),
    None for nothing; numbers, decimals, booleans and text as they are."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.replace(tzinfo=None)
    return value


def _style_id(sheet: Any, *, number_format: str | None = None, bold: bool = False) -> int:
    """The workbook's id of a cell style (registered on first use)."""
    cell = WriteOnlyCell(sheet)
    if number_format is not None:
        cell.number_format = number_format
    if bold:
        cell.font = _BOLD
    return int(cell.style_id)


class _StreamedSheet(WriteOnlyWorksheet):  # type: ignore[misc]
    """A write-only sheet whose rows are turned into XML here, one element per row.

    openpyxl makes a cell object per value and writes it element by element, about 10 µs a
    cell: a quarter of an hour for 5.2 million records. Values here are only numbers,
    booleans, datetimes and text, each written as Excel stores it (text inline, so never a
    formula); about ten times faster. Styles are ids registered with the workbook.
    """

    def setup(self, styles: dict[int, int], date_style: int, header_style: int) -> None:
        self._styles = styles  # column index (0-based) -> style id
        self._date_style = date_style
        self._header_style = header_style  # the first row's, every column
        self._letters: list[str] = []

    def _write_rows(self) -> Any:
        xf = self._writer.xf.send(True)
        with xf.element("sheetData"):
            number = 1
            try:
                while True:
                    values = yield
                    xf.write(self._row(values, number))
                    number += 1
            except GeneratorExit:
                pass
        self._writer.xf.send(None)

    def _row(self, values: Sequence[Any], number: int) -> Any:
        # The row's XML as text, parsed in one call: a third of the time of building it
        # element by element from Python.
        while len(self._letters) < len(values):
            self._letters.append(get_column_letter(len(self._letters) + 1))
        suffix = str(number)
        header = number == 1
        parts = [f'<row r="{suffix}">']
        for index, value in enumerate(values):
            if value is None:
                continue
            style = self._header_style if header else self._styles.get(index)
            ref = self._letters[index] + suffix
            if isinstance(value, datetime) and style is None:
                style = self._date_style
            styled = "" if style is None else f' s="{style}"'
            if isinstance(value, str):
                value = safe_text(value)
                text = escape(ILLEGAL_CHARACTERS_RE.sub("", value))
                space = ' xml:space="preserve"' if value != value.strip() else ""
                parts.append(
                    f'<c r="{ref}"{styled} t="inlineStr"><is><t{space}>{text}</t></is></c>'
                )
            elif isinstance(value, bool):
                parts.append(f'<c r="{ref}"{styled} t="b"><v>{int(value)}</v></c>')
            elif isinstance(value, datetime):
                parts.append(f'<c r="{ref}"{styled}><v>{to_excel(value)!r}</v></c>')
            elif isinstance(value, Decimal):
                # The plain text form: the XML never holds an exponent like 1E+2.
                parts.append(f'<c r="{ref}"{styled}><v>{plain_decimal(value)}</v></c>')
            else:
                parts.append(f'<c r="{ref}"{styled}><v>{value!r}</v></c>')
        parts.append("</row>")
        return fromstring("".join(parts))


class SheetSeries:
    """Rows under one header on as many sheets as they need: "records", "records (2)", …

    Each sheet has the header in bold and frozen, and filters over its rows; the columns in
    `formats` (by name) get that number format. Values: see `cell_value`.
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
        t: Translator | None = None,
    ) -> None:
        if row_limit < 2:
            raise ValueError("a sheet needs room for the header and a row")
        self.workbook = workbook
        self.title = title
        self.header = tuple(header)
        # What the first row shows: in the operator's language when `t` is given.
        self.titles = tuple(titles(header, t)) if t is not None else self.header
        self.widths = widths or {}
        self.formats = formats or {}
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
        sheet = _StreamedSheet(parent=self.workbook, title=name)
        self.workbook._add_sheet(sheet)
        styles = {
            index: _style_id(sheet, number_format=self.formats[column])
            for index, column in enumerate(self.header)
            if column in self.formats
        }
        dates = _style_id(sheet, number_format=DATE_TIME)
        sheet.setup(styles, dates, _style_id(sheet, bold=True))
        sheet.freeze_panes = "A2"
        for position, column in enumerate(self.header, start=1):
            width = self.widths.get(column, 14)
            sheet.column_dimensions[get_column_letter(position)].width = width
        sheet.append(self.titles)
        self.sheet, self._in_sheet = sheet, 1

    def append(self, values: Sequence[Any]) -> None:
        """One row of values (see `cell_value`)."""
        if self._in_sheet >= self.row_limit:
            self._next_sheet()
        self.sheet.append(values)
        self._in_sheet += 1
        self.rows += 1

    def finish(self) -> list[str]:
        """Filters over each sheet's rows; returns the sheets' names (one at least)."""
        self.sheets.append((self.sheet, self._in_sheet))
        last = get_column_letter(len(self.header))
        for sheet, rows in self.sheets:
            sheet.auto_filter.ref = f"A1:{last}{rows}"
        return [sheet.title for sheet, _rows in self.sheets]


# The workbook's records: the CSV's columns, and the problems' names beside their codes.
XLSX_HEADER: tuple[str, ...] = tuple(
    name
    for column in HEADER
    for name in ((column, "problem_names") if column == "problems" else (column,))
)


def _record_values(row: RecordRow, t: Translator) -> list[Any]:
    values: list[Any] = []
    for column, value in zip(HEADER, row, strict=True):
        if isinstance(value, RecordStatus):
            values.append(value.value)
        elif isinstance(value, tuple):
            # problems (codes) and attachments ((kind, file id) pairs), joined as in the CSV.
            parts = (":".join(part) if isinstance(part, tuple) else part for part in value)
            values.append(";".join(parts) or None)
        else:
            values.append(cell_value(value))
        if column == "problems":
            values.append("; ".join(problem_label(t, code) for code in row.problems) or None)
    return values


async def write_records(
    workbook: Any,
    rows: AsyncIterable[RecordRow],
    t: Translator,
    *,
    row_limit: int = XLSX_MAX_ROWS,
) -> tuple[int, list[str]]:
    """The records on "records" sheets, split at `row_limit`; (records, sheet names)."""
    series = SheetSeries(
        workbook,
        "records",
        XLSX_HEADER,
        widths=_RECORD_WIDTHS,
        formats=_RECORD_FORMATS,
        row_limit=row_limit,
        t=t,
    )
    async for row in rows:
        series.append(_record_values(row, t))
    return series.rows, series.finish()


def _append(sheet: Any, values: Sequence[Any]) -> None:
    # A cohort filter or sheet name is the operator's text: neutralised like the data.
    sheet.append([safe_cell(value) for value in values])


def write_about(
    sheet: Any, info: ExportInfo, count: int, sheets: Sequence[str], t: Translator
) -> None:
    no_limit = t.gettext("(no limit)")
    filters = info.filters
    sheet.column_dimensions["A"].width = 22
    sheet.column_dimensions["B"].width = 90
    _append(sheet, [text_cell(sheet, t.gettext("Kabar follow-up records"), bold=True)])
    _append(sheet, [t.gettext("Exported at"), timestamp(info.exported_at)])
    _append(sheet, [t.gettext("Cohort"), filters.cohort or t.gettext("all cohorts")])
    since = filters.since.isoformat() if filters.since else no_limit
    until = filters.until.isoformat() if filters.until else no_limit
    _append(sheet, [t.gettext("Rounds opened from"), since])
    _append(sheet, [t.gettext("Rounds opened until"), until])
    _append(sheet, [t.gettext("Records"), count])
    _append(sheet, [t.gettext("Sheets"), ", ".join(sheets)])
    _append(
        sheet,
        [
            t.gettext("Times"),
            t.gettext(
                "Times on the records sheet are the local time of each record's cohort "
                "(Excel stores no time zone); the CSV export gives them with their offset."
            ),
        ],
    )
    _append(sheet, [])
    _append(
        sheet,
        [
            text_cell(sheet, t.gettext("Column"), bold=True),
            text_cell(sheet, t.gettext("Meaning"), bold=True),
            text_cell(sheet, t.gettext("Name in the CSV"), bold=True),
        ],
    )
    meanings = dict(COLUMNS)
    meanings["problem_names"] = N_("The problems named, in words (the workbook only).")
    for name, title in zip(XLSX_HEADER, titles(XLSX_HEADER, t), strict=True):
        _append(sheet, [title, t.gettext(meanings[name]), name])
