"""`kabar records export --format xlsx`: typed cells read back with openpyxl."""

from __future__ import annotations

import io
from datetime import datetime
from pathlib import Path

from openpyxl import load_workbook

from bot.domain.records.xlsx_writer import XLSX_HEADER
from tests.domain.records.support import run_kabar, seed
from tests.domain.records.test_records_csv import HEADER

HUMAN_HEADER = [
    "Record no.", "Participant ID", "Participant", "Cohort", "Village", "District",
    "Facilitator ID", "Round no.", "Round opened", "Answered at", "Status", "Produced",
    "Quantity produced", "Unit", "Quantity sold", "Revenue (Rp)", "Problems (codes)",
    "Problems", "Problem in their words", "Asked for help", "Attachments (Telegram)", "Late",
    "Media files", "Offer to buying partners",
]  # fmt: skip


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
    assert target.stat().st_mode & 0o777 == 0o600  # personal data: the owner's alone

    workbook = load_workbook(target)
    assert workbook.sheetnames == [
        "records", "figures", "alerts", "problems", "graduation", "change", "change by family",
        "stock", "about",
    ]  # fmt: skip
    sheet = workbook["records"]
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == "A1:X5"
    # Headers a person reads, in the operator's language (the CSV keeps machine names);
    # the problems' names beside their codes.
    assert [cell.value for cell in sheet[1]] == HUMAN_HEADER
    assert all(cell.font.b for cell in sheet[1])
    header = XLSX_HEADER
    assert [name for name in header if name != "problem_names"] == HEADER

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
    revenue = sheet.cell(row=2, column=header.index("revenue_idr") + 1)
    assert revenue.number_format == '"Rp"#,##0'
    opened = sheet.cell(row=2, column=header.index("round_opened_at") + 1)
    assert opened.is_date
    assert answered["produced"] is True and answered["needs_help"] is True
    assert answered["late"] is False
    assert answered["problems"] == "tools;market"
    assert answered["problem_names"] == "Tools or equipment; Market or buyers"
    assert answered["attachments"] == "photo:AgACAgQ-1;voice:AwACAgQ-2"
    assert answered["media_files"] == "P001/7-photo.jpg"
    assert answered["offer_stock"] is True
    assert answered["participant_name"] == "Siti Aminah Ñoñi"

    missed = rows[ids.missed]
    assert missed["status"] == "missed"
    assert missed["answered_at"] is None and missed["quantity_produced"] is None
    assert missed["needs_help"] is None and missed["late"] is None
    assert missed["offer_stock"] is None  # never asked

    wita = rows[ids.wita]
    assert wita["round_opened_at"] == datetime(2025, 8, 18, 8, 0)  # WITA wall clock
    assert wita["quantity_produced"] == 5 and wita["quantity_sold"] == 0.25
    assert wita["offer_stock"] is False
    # Text, not a formula, and quoted as in the CSV: Excel would run it once edited.
    assert wita["problem_note"] == "'=1+1 benang habis"
    assert sheet.cell(row=5, column=header.index("problem_note") + 1).data_type == "s"

    rows_about = [row for row in workbook["about"].iter_rows(values_only=True) if row]
    about: dict[object, object] = {}
    for row in rows_about:  # the export's own lines first; the columns' table comes after
        about.setdefault(row[0], row[1])
    assert about["Cohort"] == "all cohorts"
    assert about["Records"] == 4
    assert about["Sheets"] == (
        "records, figures, alerts, problems, graduation, change, change by family, stock"
    )
    # Each header, what it means, and its name in the CSV.
    assert ("Late", "Whether the answer came after the round had closed.", "late") in rows_about
    assert [row for row in rows_about if row[-1] == "offer_stock"] == [
        (
            "Offer to buying partners",
            "Whether the family asked to offer their unsold stock to buying partners; "
            "empty when they were not asked (no stock left, or an older check-in).",
            "offer_stock",
        )
    ]
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
    about = {}
    for row in workbook["about"].iter_rows(values_only=True):
        if row:
            about.setdefault(row[0], row[1])
    assert about["Cohort"] == "tenun-manggarai"


def test_xlsx_headers_in_indonesian(database_url: str, tmp_path: Path) -> None:
    seed(database_url)
    result = run_kabar(
        database_url, "records", "export", "--format", "xlsx", workdir=tmp_path,
        env={"KABAR_LOCALE": "id"},
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    sheet = load_workbook(io.BytesIO(result.stdout_bytes))["records"]
    header = [cell.value for cell in sheet[1]]
    assert header[:4] == ["No. catatan", "ID peserta", "Peserta", "Angkatan"]
    assert header[15:18] == ["Pendapatan (Rp)", "Kendala (kode)", "Kendala"]
    names = [row[17] for row in sheet.iter_rows(2, values_only=True)]
    assert names and header[-1] == "Tawarkan ke mitra pembeli"
    assert "Alat atau peralatan; Pasar atau pembeli" in names
