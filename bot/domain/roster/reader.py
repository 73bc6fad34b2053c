"""Roster files (CSV or XLSX) as a stream of numbered rows of trimmed text.

Rows are streamed so a large roster never sits in memory twice. Line numbers are what the
operator sees in their editor: for CSV the first physical line of the record (a quoted
value may span lines), for XLSX the sheet's row number. The header is line 1 unless blank
lines come before it.
"""

from __future__ import annotations

import codecs
import csv
import io
import zipfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import Path
from typing import Any, NoReturn

from bot.domain.roster.problems import RosterFileError
from bot.lib.i18n import N_

COLUMNS: tuple[str, ...] = (
    "id",
    "role",
    "name",
    "phone",
    "cohort",
    "village",
    "district",
    "regency",
    "supervisor_id",
    "language",
    "baseline_revenue_idr",
)
REQUIRED_COLUMNS: tuple[str, ...] = ("id", "role", "name")

# Called now and then with (done, total): bytes for CSV, rows for XLSX (total may be 0).
ProgressCallback = Callable[[int, int], None]
_PROGRESS_EVERY = 2000
_CHUNK = 1 << 20

# Far beyond any real roster (ten columns and a few of the operator's own); a file past them
# is a mistake or an attack, and each person would store every extra column.
MAX_COLUMNS = 200
MAX_HEADER_LENGTH = 100
# The header line is read in pieces of this many characters, so that a header of millions
# of columns is refused without ever holding it whole.
_LINE_PIECE = 1 << 16
_DELIMITERS = (",", ";", "\t")

_ZIP_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0"  # the old binary .xls format


@dataclass(frozen=True, slots=True)
class RawRow:
    """One non-empty row: known columns by name, extra columns by their header text."""

    line: int
    values: dict[str, str]
    extra: tuple[tuple[str, str], ...]
    # Non-empty cells to the right of the last header column.
    overflow: bool

    def get(self, column: str) -> str:
        return self.values.get(column, "")


def read_roster(path: Path, *, on_progress: ProgressCallback | None = None) -> Iterator[RawRow]:
    """The rows of a CSV or XLSX roster after its header.

    Raises RosterFileError when the file is not a roster at all (unreadable, no header,
    a required column missing); row-level problems are left to validation.
    """
    with path.open("rb") as handle:
        magic = handle.read(4)
    if magic == _ZIP_MAGIC:
        yield from _read_xlsx(path, on_progress)
    elif magic == _OLE_MAGIC:
        raise RosterFileError(
            N_("This is an old Excel .xls file; save it as .xlsx or CSV and import that.")
        )
    else:
        yield from _read_csv(path, on_progress)


def _too_many_columns(count: int) -> NoReturn:
    raise RosterFileError(
        N_(
            "The header row has {count} columns; a roster may have at most {limit} "
            "(its own columns and yours)."
        ),
        count=count,
        limit=MAX_COLUMNS,
    )


class _Header:
    """Maps cell positions to roster columns (lower-cased) or extra attribute names."""

    def __init__(self, cells: Sequence[str]) -> None:
        names = [cell.strip() for cell in cells]
        while names and not names[-1]:
            names.pop()
        if len(names) > MAX_COLUMNS:
            _too_many_columns(len(names))
        seen: set[str] = set()
        self.keys: list[str | None] = []  # a roster column, or None for an extra column
        self.names = names
        for position, name in enumerate(names, start=1):
            if not name:
                raise RosterFileError(
                    N_("Column {number} of the header row has no name."), number=position
                )
            if len(name) > MAX_HEADER_LENGTH:
                raise RosterFileError(
                    N_(
                        "Column {number} of the header row is {length} characters long; "
                        "a column name may have at most {limit}."
                    ),
                    number=position,
                    length=len(name),
                    limit=MAX_HEADER_LENGTH,
                )
            folded = name.lower()
            if folded in seen:
                raise RosterFileError(
                    N_("The column “{name}” appears twice in the header row."), name=name
                )
            seen.add(folded)
            self.keys.append(folded if folded in COLUMNS else None)
        missing = [column for column in REQUIRED_COLUMNS if column not in seen]
        if missing:
            raise RosterFileError(
                N_(
                    "The header row lacks the required column(s) {missing}; "
                    "the columns are: {columns}."
                ),
                missing=", ".join(missing),
                columns=",".join(COLUMNS),
            )
        self.width = len(names)

    def row(self, line: int, cells: Sequence[str]) -> RawRow | None:
        """The row, or None when every cell is empty (skipped silently)."""
        values: dict[str, str] = {}
        extra: list[tuple[str, str]] = []
        filled = False
        for key, name, cell in zip(self.keys, self.names, cells, strict=False):
            value = cell.strip()
            if value:
                filled = True
            if key is not None:
                values[key] = value
            elif value:
                extra.append((name, value))
        overflow = any(cell.strip() for cell in cells[self.width :])
        if not filled and not overflow:
            return None
        return RawRow(line=line, values=values, extra=tuple(extra), overflow=overflow)


def _rows_after_header(numbered: Iterable[tuple[int, Sequence[str]]]) -> Iterator[RawRow]:
    header: _Header | None = None
    rows = 0
    for line, cells in numbered:
        if header is None:
            if any(cell.strip() for cell in cells):
                header = _Header(cells)
            continue
        row = header.row(line, cells)
        if row is not None:
            rows += 1
            yield row
    if header is None:
        raise RosterFileError(N_("The file is empty: a header row is required."))
    if rows == 0:
        # A table of zeros would read as a successful import of a file saved too early.
        raise RosterFileError(N_("The file has a header row but no people under it."))


# --- CSV ---------------------------------------------------------------------------------


def detect_encoding(path: Path) -> str:
    """UTF-8 (BOM or not) when every byte is valid UTF-8, UTF-16 with its BOM, else cp1252.

    Excel's "CSV UTF-8" writes a BOM; its plain "CSV" on Windows writes cp1252; "Unicode
    text" writes UTF-16. Checked over the whole file, in chunks, before any row is parsed.
    """
    decoder = codecs.getincrementaldecoder("utf-8")()
    with path.open("rb") as handle:
        first = handle.read(_CHUNK)
        if first.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            return "utf-16"
        chunk = first
        try:
            while chunk:
                decoder.decode(chunk)
                chunk = handle.read(_CHUNK)
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            return "cp1252"
    return "utf-8-sig"


def _scan_header(text: io.TextIOBase) -> str:
    """The delimiter of the header (the first non-blank line), the one it holds most of.

    The line is read in pieces and only counted, so that a header of millions of columns
    is refused here, before the CSV reader would make a string of every one of them.
    """
    while True:
        counts = dict.fromkeys(_DELIMITERS, 0)
        blank = True
        piece = text.readline(_LINE_PIECE)
        if not piece:
            return ","
        while True:
            for delimiter in _DELIMITERS:
                counts[delimiter] += piece.count(delimiter)
            blank = blank and not piece.strip()
            if piece.endswith(("\n", "\r")) or len(piece) < _LINE_PIECE:
                break
            piece = text.readline(_LINE_PIECE)
        if blank:
            continue
        delimiter = max(counts, key=lambda d: counts[d])
        # A quoted name may hold the delimiter: counted here, it can only overstate, so
        # the exact count is left to the header row itself unless far past the limit.
        if counts[delimiter] + 1 > 2 * MAX_COLUMNS:
            _too_many_columns(counts[delimiter] + 1)
        return delimiter


def _read_csv(path: Path, on_progress: ProgressCallback | None) -> Iterator[RawRow]:
    encoding = detect_encoding(path)
    total = path.stat().st_size
    # cp1252 leaves five byte values undefined; show them as U+FFFD rather than fail.
    errors = "replace" if encoding == "cp1252" else "strict"
    with (
        path.open("rb") as binary,
        io.TextIOWrapper(binary, encoding=encoding, errors=errors, newline="") as text,
    ):
        delimiter = _scan_header(text)
        text.seek(0)
        reader = csv.reader(text, delimiter=delimiter)

        def numbered() -> Iterator[tuple[int, list[str]]]:
            start = 1
            count = 0
            try:
                for cells in reader:
                    yield start, cells
                    start = reader.line_num + 1
                    count += 1
                    if on_progress is not None and count % _PROGRESS_EVERY == 0:
                        on_progress(binary.tell(), total)
            except csv.Error as error:
                raise RosterFileError(
                    N_("Line {line}: the file cannot be read as CSV ({error})."),
                    line=reader.line_num,
                    error=str(error),
                ) from error
            if on_progress is not None:
                on_progress(total, total)

        yield from _rows_after_header(numbered())


# --- XLSX --------------------------------------------------------------------------------


def cell_text(value: Any) -> str:
    """A spreadsheet cell as the text the operator sees: 81300002001, not 81300002001.0."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e17:
            return str(int(value))
        return repr(value)
    if isinstance(value, datetime):
        if value.time() == time(0, 0):
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, date | time):
        return value.isoformat()
    return str(value)


def _read_xlsx(path: Path, on_progress: ProgressCallback | None) -> Iterator[RawRow]:
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError) as error:
        raise RosterFileError(
            N_("The file cannot be read as an Excel workbook ({error})."), error=str(error)
        ) from error
    try:
        if not workbook.worksheets:
            raise RosterFileError(N_("The file is empty: a header row is required."))
        sheet = workbook.worksheets[0]
        total = sheet.max_row or 0
        # Some programs write a wrong sheet size; ignoring it reads every row that is there.
        sheet.reset_dimensions()

        def numbered() -> Iterator[tuple[int, list[str]]]:
            for line, values in enumerate(sheet.iter_rows(values_only=True), start=1):
                yield line, [cell_text(value) for value in values]
                if on_progress is not None and line % _PROGRESS_EVERY == 0:
                    on_progress(line, max(total, line))
            if on_progress is not None:
                on_progress(total, total)

        yield from _rows_after_header(numbered())
    finally:
        workbook.close()
