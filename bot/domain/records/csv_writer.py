"""Records as CSV: UTF-8 with a BOM, comma-separated, values as data rather than display."""

from __future__ import annotations

import csv
from collections.abc import AsyncIterable
from datetime import datetime
from decimal import Decimal
from typing import TextIO

from bot.domain.records.columns import HEADER
from bot.domain.records.export import RecordRow

# Excel only reads a CSV as UTF-8 (and so shows Indonesian names right) when it starts so.
BOM = "\ufeff"
# A cell starting with one of these is run as a formula by spreadsheet programs; free text
# typed by participants must never become one (OWASP "CSV injection").
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def plain_decimal(value: Decimal) -> str:
    """1.500 → "1.5", 5.000 → "5", 100 → "100": no trailing zeros, no exponent."""
    text = format(value, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text


def timestamp(value: datetime | None) -> str:
    """ISO 8601 with the offset, to the second: 2025-08-17T08:00:00+07:00."""
    return value.isoformat(timespec="seconds") if value is not None else ""


def flag(value: bool | None) -> str:
    if value is None:
        return ""
    return "true" if value else "false"


def _text(value: str | None) -> str:
    if not value:
        return ""
    return "'" + value if value.startswith(_FORMULA_START) else value


def _number(value: Decimal | int | None) -> str:
    if value is None:
        return ""
    return plain_decimal(value) if isinstance(value, Decimal) else str(value)


def csv_cells(row: RecordRow) -> tuple[str | int, ...]:
    """One record as CSV cells, in HEADER order."""
    return (
        row.record_id,
        row.participant_id,
        _text(row.participant_name),
        row.cohort,
        _text(row.village),
        _text(row.district),
        row.facilitator_id or "",
        row.round_id,
        timestamp(row.round_opened_at),
        timestamp(row.answered_at),
        row.status.value,
        flag(row.produced),
        _number(row.quantity_produced),
        _text(row.unit),
        _number(row.quantity_sold),
        _number(row.revenue_idr),
        ";".join(row.problems),
        _text(row.problem_note),
        flag(row.needs_help),
        ";".join(f"{kind}:{file_id}" for kind, file_id in row.attachments),
        flag(row.late),
        ";".join(row.media_files),
    )


async def write_csv(rows: AsyncIterable[RecordRow], out: TextIO) -> int:
    """Write the BOM, the header and one line per record; return the number of records."""
    out.write(BOM)
    writer = csv.writer(out)
    writer.writerow(HEADER)
    count = 0
    async for row in rows:
        writer.writerow(csv_cells(row))
        count += 1
    return count
