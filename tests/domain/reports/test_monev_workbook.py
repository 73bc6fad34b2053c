"""The Monev workbook of `kabar records export --format xlsx`: its sheets read back with
openpyxl have typed cells, a frozen header and filters; records too many for one sheet go
on to the next, none lost."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from openpyxl import load_workbook

from bot.db.database import Database
from bot.domain.records import ExportFilter
from bot.domain.records.labels import titles
from bot.domain.records.xlsx_writer import XLSX_HEADER, ExportInfo
from bot.domain.reports.monev import ALERT_COLUMNS, PROBLEM_COLUMNS, write_monev_workbook
from bot.domain.reports.output import ROUND_COLUMNS
from bot.lib.i18n import translator
from tests.domain.records.support import run_kabar
from tests.domain.reports.support import exported, parse_csv, populated

SHEETS = [
    "records", "figures", "alerts", "problems", "graduation", "change", "change by family",
    "stock", "about",
]  # fmt: skip


def _rows(sheet: Any, columns: tuple[str, ...]) -> list[dict[str, Any]]:
    """The rows by machine name (the headers a person reads are checked by _data_sheet)."""
    return [dict(zip(columns, row, strict=True)) for row in sheet.iter_rows(2, values_only=True)]


def _data_sheet(sheet: Any, header: tuple[str, ...]) -> None:
    # Headers in the operator's language (English here), the codes' names beside them.
    assert [cell.value for cell in sheet[1]] == titles(header, translator("en"))
    assert all(cell.font.b for cell in sheet[1])
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == f"A1:{sheet.cell(1, len(header)).column_letter}{sheet.max_row}"


def test_the_workbook_has_every_sheet_with_typed_cells(database_url: str, tmp_path: Path) -> None:
    populated(database_url)
    target = tmp_path / "monev.xlsx"
    result = run_kabar(
        database_url, "records", "export", "--format", "xlsx", "--output", str(target),
        workdir=tmp_path,
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    book = load_workbook(target)
    assert book.sheetnames == SHEETS

    records = book["records"]
    _data_sheet(records, XLSX_HEADER)
    assert records.max_row - 1 == len(exported(database_url, tmp_path))

    figures = book["figures"]
    _data_sheet(figures, ROUND_COLUMNS)
    report = parse_csv(
        run_kabar(database_url, "report", "--format", "csv", workdir=tmp_path).stdout
    )
    rows = _rows(figures, ROUND_COLUMNS)
    assert [(r["cohort"], r["round"]) for r in rows] == [
        (r["cohort"], int(r["round"])) for r in report
    ]
    for row, expected in zip(rows, report, strict=True):
        assert isinstance(row["round_opened_at"], datetime)
        assert isinstance(row["asked"], int) and row["asked"] == int(expected["asked"])
        assert isinstance(row["revenue_idr"], int)
        assert row["revenue_idr"] == int(expected["revenue_idr"])
        assert isinstance(row["quantity_produced"], int | float)
        assert row["response_rate"] == float(expected["response_rate"])
        assert row["closed"] is (expected["closed"] == "true")
    assert figures.cell(2, ROUND_COLUMNS.index("revenue_idr") + 1).number_format == '"Rp"#,##0'
    assert figures.cell(2, ROUND_COLUMNS.index("response_rate") + 1).number_format == "0.0%"
    assert figures.cell(2, ROUND_COLUMNS.index("round_opened_at") + 1).is_date

    alerts = book["alerts"]
    _data_sheet(alerts, ALERT_COLUMNS)
    acted = [r for r in _rows(alerts, ALERT_COLUMNS) if r["action"]]
    assert acted and all(isinstance(r["action_at"], datetime) for r in acted)
    assert {r["action"] for r in acted} >= {"contacted", "will_visit", "note"}
    assert any(r["action_note"] == "sudah dikunjungi, butuh pengering" for r in acted)
    assert any(
        r["action"] is None for r in _rows(alerts, ALERT_COLUMNS)
    )  # alerts nobody acted on yet
    assert all(isinstance(r["opened_at"], datetime) for r in _rows(alerts, ALERT_COLUMNS))

    problems = book["problems"]
    _data_sheet(problems, PROBLEM_COLUMNS)
    named = _rows(problems, PROBLEM_COLUMNS)
    assert {r["round"] for r in named} == set(range(1, 7))
    assert all(isinstance(r["families"], int) for r in named)
    assert any(r["words"] and "pengering" in r["words"] for r in named if r["problem"] == "tools")
    assert {r["problem_name"] for r in named if r["problem"] == "tools"} == {"Tools or equipment"}


async def _write(database_url: str, target: Path, row_limit: int) -> int:
    db = Database(database_url)
    info = ExportInfo(exported_at=datetime(2026, 1, 8, tzinfo=UTC), filters=ExportFilter())
    try:
        async with db.transaction() as session:
            return await write_monev_workbook(
                session, ExportFilter(), target, info=info, t=translator("en"), row_limit=row_limit
            )
    finally:
        await db.dispose()


def test_records_beyond_a_sheet_go_on_to_the_next_sheet(database_url: str, tmp_path: Path) -> None:
    populated(database_url)
    expected = [int(row["record_id"]) for row in exported(database_url, tmp_path)]
    limit = 500  # rows per sheet, the header included: 499 records
    target = tmp_path / "split.xlsx"
    assert asyncio.run(_write(database_url, target, limit)) == len(expected)

    book = load_workbook(target, read_only=True)
    pages = -(-len(expected) // (limit - 1))
    names = ["records"] + [f"records ({n})" for n in range(2, pages + 1)]
    assert book.sheetnames[:pages] == names
    assert pages >= 3
    seen: list[int] = []
    for name in names:
        sheet = book[name]
        rows = list(sheet.iter_rows(values_only=True))
        assert list(rows[0]) == titles(XLSX_HEADER, translator("en"))  # each page has it
        assert 1 < len(rows) <= limit
        seen.extend(int(row[0]) for row in rows[1:])  # type: ignore[arg-type]
    assert seen == expected  # all of them, in order, none twice
    others = [name.split(" (")[0] for name in book.sheetnames[pages:]]
    assert list(dict.fromkeys(others)) == SHEETS[1:]  # other sheets split the same way
    about = {row[0]: row[1] for row in book["about"].iter_rows(values_only=True) if len(row) > 1}
    assert about["Records"] == len(expected)
    assert str(about["Sheets"]).startswith(", ".join(names))
