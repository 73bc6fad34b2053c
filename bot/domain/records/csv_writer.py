"""Records as CSV: UTF-8 with a BOM, comma-separated, values as data rather than display."""

from __future__ import annotations

from collections.abc import AsyncIterable
from datetime import datetime
from decimal import Decimal
from typing import TextIO

from bot.domain.records.columns import HEADER
from bot.domain.records.export import RecordRow
from bot.lib.spreadsheet_safety import csv_writer

# Excel only reads a CSV as UTF-8 (and so shows Indonesian names right) when it starts so.
BOM = "\ufeff"


def timestamp(value: datetime | None) -> str:
    """ISO 8601 with the offset, to the second: 2025-08-17T08:00:00+07:00."""
    return value.isoformat(timespec="seconds") if value is not None else ""


def flag(value: bool | None) -> str:
    if value is None:
        return ""
    return "true" if value else "false"


def csv_cells(row: RecordRow) -> tuple[str | int | Decimal | None, ...]:
    """One record as CSV cells, in HEADER order; the writer (bot.lib.spreadsheet_safety)
    neutralises the text and writes the numbers plainly."""
    return (
        row.record_id,
        row.participant_id,
        row.participant_name,
        row.cohort,
        row.village,
        row.district,
        row.facilitator_id,
        row.round_id,
        timestamp(row.round_opened_at),
        timestamp(row.answered_at),
        row.status.value,
        flag(row.produced),
        row.quantity_produced,
        row.unit,
        row.quantity_sold,
        row.revenue_idr,
        ";".join(row.problems),
        row.problem_note,
        flag(row.needs_help),
        ";".join(f"{kind}:{file_id}" for kind, file_id in row.attachments),
        flag(row.late),
        ";".join(row.media_files),
        flag(row.offer_stock),
    )


async def write_csv(rows: AsyncIterable[RecordRow], out: TextIO) -> int:
    """Write the BOM, the header and one line per record; return the number of records."""
    out.write(BOM)
    writer = csv_writer(out)
    writer.writerow(HEADER)
    count = 0
    async for row in rows:
        writer.writerow(csv_cells(row))
        count += 1
    return count
