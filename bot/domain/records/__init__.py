"""Follow-up records for monitoring and evaluation (Monev): the export and its writers."""

from bot.domain.records.columns import COLUMNS, HEADER
from bot.domain.records.export import (
    ExportFilter,
    RecordRow,
    RecordsError,
    count_records,
    iter_records,
)

__all__ = [
    "COLUMNS",
    "HEADER",
    "ExportFilter",
    "RecordRow",
    "RecordsError",
    "count_records",
    "iter_records",
]
