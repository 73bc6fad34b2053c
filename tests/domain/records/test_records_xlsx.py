"""`kabar records export --format xlsx`: typed cells read back with openpyxl."""

from __future__ import annotations

import io
from datetime import datetime
from pathlib import Path

from openpyxl import load_workbook

from tests.domain.records.support import run_kabar, seed
from tests.domain.records.test_records_csv import HEADER


def test_xlsx_has_typed_cells_and_an_about_sheet(database_url: str, tmp_path: Path) -> None:
    ids = seed(database_url)
    target = tmp_path / "records.xlsx"
    result = run_kabar(
        database_url,
        "records",
        "export",
        "--format",
        "xlsx",
        "--output",
        str(target),
        workdir=tmp_path,
    )
    assert result.exit_code == 0, result.output
    assert result.stderr.strip() == f"Records written to {target}: 4."

    workbook = load_workbook(target)
    assert workbook.sheetnames == ["records", "figures", "alerts", "problems", "about"]
    sheet = workbook["records"]
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == "A1:V5"
    header = [cell.value for cell in sheet[1]]
    assert header == HEADER
    assert all(cell.font.b for cell in sheet[1])

    rows = {
        row[0]: dict(zip(header, row, strict=True)) for row in sheet.iter_rows(2, values_only=True)
    }
    assert list(rows) == [ids.answered, ids.missed, ids.partial, ids.wita]
    answered = rows[ids.answered]
    assert answered["round_opened_at"] == datetime(2025, 8, 17, 8, 0)  # WIB wall clock
    assert answered["answered_at"] == datetime(2025, 8, 17, 10, 30, 15)
    assert answered["quantity_produced"] == 1.5
    assert answered["quantity_sold"] == 1
    assert answered["revenue_idr"] == 150_000
    assert isinstance(answered["revenue_idr"], int)
    revenue = sheet.cell(row=2, column=HEADER.index("revenue_idr") + 1)
    assert revenue.number_format == '"Rp"#,##0'
    opened = sheet.cell(row=2, column=HEADER.index("round_opened_at") + 1)
    assert opened.is_date
    assert answered["produced"] is True and answered["needs_help"] is True
    assert answered["late"] is False
    assert answered["problems"] == "tools;market"
    assert answered["attachments"] == "photo:AgACAgQ-1;voice:AwACAgQ-2"
    assert answered["media_files"] == "P001/7-photo.jpg"
    assert answered["participant_name"] == "Siti Aminah Ñoñi"

    missed = rows[ids.missed]
    assert missed["status"] == "missed"
    assert missed["answered_at"] is None and missed["quantity_produced"] is None
    assert missed["needs_help"] is None and missed["late"] is None

    wita = rows[ids.wita]
    assert wita["round_opened_at"] == datetime(2025, 8, 18, 8, 0)  # WITA wall clock
    assert wita["quantity_produced"] == 5 and wita["quantity_sold"] == 0.25
    # Text, not a formula, and quoted as in the CSV: Excel would run it once edited.
    assert wita["problem_note"] == "'=1+1 benang habis"
    assert sheet.cell(row=5, column=HEADER.index("problem_note") + 1).data_type == "s"

    about = {row[0]: row[1] for row in workbook["about"].iter_rows(values_only=True) if row}
    assert about["Cohort"] == "all cohorts"
    assert about["Records"] == 4
    assert about["Sheets"] == "records, figures, alerts, problems"
    assert about["late"] == "Whether the answer came after the round had closed."
    assert str(about["Exported at"]).endswith("+07:00")


def test_xlsx_to_a_pipe_and_with_a_cohort(database_url: str, tmp_path: Path) -> None:
    ids = seed(database_url)
    result = run_kabar(
        database_url,
        "records",
        "export",
        "--format",
        "xlsx",
        "--cohort",
        "tenun-manggarai",
        workdir=tmp_path,
    )
    assert result.exit_code == 0, result.output
    workbook = load_workbook(io.BytesIO(result.stdout_bytes))
    records = list(workbook["records"].iter_rows(2, values_only=True))
    assert [row[0] for row in records] == [ids.wita]
    about = {row[0]: row[1] for row in workbook["about"].iter_rows(values_only=True) if row}
    assert about["Cohort"] == "tenun-manggarai"
