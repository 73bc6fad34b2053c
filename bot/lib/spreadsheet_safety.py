"""Cells that stay data: no text cell of any CSV or XLSX Kabar writes can start a formula.

Spreadsheet programs run a cell starting with `=`, `+`, `-` or `@` (and, after trimming, a
tab or carriage return) as a formula: `=HYPERLINK("http://x","y")` in a participant's name
or a roster id would become a live link or worse in a coordinator's Excel. Following OWASP's
"CSV injection" advice, such text gets a leading single quote, which Excel and LibreOffice
show as text. Numbers handed over as numbers (int, Decimal, float) are not text and stay
numbers, negative ones included; every exporter goes through this module so that the rule
is kept in one place.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from decimal import Decimal
from typing import Any, TextIO

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_text(value: str) -> str:
    """The text as a spreadsheet must show it: quoted when it would start a formula."""
    return "'" + value if value.startswith(FORMULA_START) else value


def safe_cell(value: Any) -> Any:
    """Text neutralised; numbers, booleans, datetimes and None as they are (for XLSX)."""
    return safe_text(value) if isinstance(value, str) else value


def plain_decimal(value: Decimal) -> str:
    """1.500 → "1.5", 5.000 → "5", 100 → "100": no trailing zeros, no exponent."""
    text = format(value, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text


def csv_cell(value: Any) -> str:
    """One CSV cell: text neutralised, a number written plainly (never quoted, since it
    is a number), None empty."""
    if value is None:
        return ""
    if isinstance(value, str):
        return safe_text(value)
    if isinstance(value, bool):
        # Text of ours, never a formula; exporters mostly spell booleans themselves.
        return "true" if value else "false"
    if isinstance(value, Decimal):
        return plain_decimal(value)
    if isinstance(value, int | float):
        return str(value)
    return safe_text(str(value))


class SafeCsvWriter:
    """csv.writer whose every text cell goes through `safe_text`."""

    def __init__(self, out: TextIO, **fmtparams: Any) -> None:
        self._writer = csv.writer(out, **fmtparams)

    def writerow(self, row: Iterable[Any]) -> None:
        self._writer.writerow([csv_cell(value) for value in row])

    def writerows(self, rows: Iterable[Iterable[Any]]) -> None:
        for row in rows:
            self.writerow(row)


def csv_writer(out: TextIO, **fmtparams: Any) -> SafeCsvWriter:
    """The only CSV writer exporters use (same parameters as csv.writer)."""
    return SafeCsvWriter(out, **fmtparams)
