"""`kabar records export --format csv`: exact header, typed values, filters, errors."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from tests.domain.records.support import Programme, run_kabar, seed

HEADER = [
    "record_id",
    "participant_id",
    "participant_name",
    "cohort",
    "village",
    "district",
    "facilitator_id",
    "round_id",
    "round_opened_at",
    "answered_at",
    "status",
    "produced",
    "quantity_produced",
    "unit",
    "quantity_sold",
    "revenue_idr",
    "problems",
    "problem_note",
    "needs_help",
    "attachments",
    "late",
    "media_files",
    "offer_stock",
]


def _parse(data: bytes) -> tuple[list[str], list[dict[str, str]]]:
    assert data.startswith(b"\xef\xbb\xbf"), "Excel needs the BOM to read UTF-8"
    reader = csv.reader(io.StringIO(data.decode("utf-8-sig"), newline=""))
    header, *rows = list(reader)
    return header, [dict(zip(header, row, strict=True)) for row in rows]


def _export(database_url: str, tmp_path: Path, *args: str) -> list[dict[str, str]]:
    result = run_kabar(database_url, "records", "export", *args, workdir=tmp_path)
    assert result.exit_code == 0, result.output
    header, rows = _parse(result.stdout_bytes)
    assert header == HEADER
    return rows


def test_answered_record_has_exact_typed_values(database_url: str, tmp_path: Path) -> None:
    ids = seed(database_url)
    rows = _export(database_url, tmp_path, "--format", "csv")

    answered = next(row for row in rows if row["record_id"] == str(ids.answered))
    assert answered == {
        "record_id": str(ids.answered),
        "participant_id": "P001",
        "participant_name": "Siti Aminah Ñoñi",
        "cohort": "pelepah-pisang",
        "village": "Wae Kelambu",
        "district": "Boleng",
        "facilitator_id": "F01",
        "round_id": str(ids.round_1),
        "round_opened_at": "2025-08-17T08:00:00+07:00",
        "answered_at": "2025-08-17T10:30:15+07:00",
        "status": "answered",
        "produced": "true",
        "quantity_produced": "1.5",
        "unit": "kg",
        "quantity_sold": "1",
        "revenue_idr": "150000",
        "problems": "tools;market",
        "problem_note": "Belum punya timbangan, pembeli jauh",
        "needs_help": "true",
        "attachments": "photo:AgACAgQ-1;voice:AwACAgQ-2",
        "late": "false",
        "media_files": "P001/7-photo.jpg",  # relative to the media folder
        "offer_stock": "true",
    }


def test_wita_cohort_times_carry_its_own_offset(database_url: str, tmp_path: Path) -> None:
    ids = seed(database_url)
    rows = _export(database_url, tmp_path)
    wita = next(row for row in rows if row["record_id"] == str(ids.wita))
    assert wita["round_opened_at"] == "2025-08-18T08:00:00+08:00"
    assert wita["answered_at"] == "2025-08-25T10:00:00+08:00"
    assert (wita["quantity_produced"], wita["quantity_sold"]) == ("5", "0.25")
    assert (wita["late"], wita["needs_help"], wita["facilitator_id"]) == ("true", "false", "")
    assert wita["offer_stock"] == "false"  # asked, and kept for themselves
    # Participants' text never turns into a spreadsheet formula.
    assert wita["problem_note"] == "'=1+1 benang habis"


def test_missed_record_has_empty_answer_cells(database_url: str, tmp_path: Path) -> None:
    ids = seed(database_url)
    rows = _export(database_url, tmp_path)
    missed = next(row for row in rows if row["record_id"] == str(ids.missed))
    assert missed["status"] == "missed"
    assert missed["round_opened_at"] == "2025-08-17T08:00:00+07:00"
    answer_cells = (
        "answered_at",
        "produced",
        "quantity_produced",
        "unit",
        "quantity_sold",
        "revenue_idr",
        "problems",
        "problem_note",
        "needs_help",
        "attachments",
        "late",
        "offer_stock",
    )
    assert {name: missed[name] for name in answer_cells} == dict.fromkeys(answer_cells, "")


def test_rows_are_ordered_by_cohort_round_and_participant(
    database_url: str, tmp_path: Path
) -> None:
    ids: Programme = seed(database_url)
    rows = _export(database_url, tmp_path)
    assert [(row["cohort"], row["round_id"], row["participant_id"]) for row in rows] == [
        ("pelepah-pisang", str(ids.round_1), "P001"),
        ("pelepah-pisang", str(ids.round_1), "P002"),
        ("pelepah-pisang", str(ids.round_2), "P001"),
        ("tenun-manggarai", str(ids.round_wita), "P003"),
    ]
    partial = rows[2]
    assert (partial["status"], partial["produced"], partial["quantity_produced"]) == (
        "partial",
        "false",
        "",
    )
    assert partial["offer_stock"] == ""  # nothing left to offer: never asked


def test_cohort_filter_and_output_file(database_url: str, tmp_path: Path) -> None:
    ids = seed(database_url)
    target = tmp_path / "wita.csv"
    result = run_kabar(
        database_url,
        "records",
        "export",
        "--cohort",
        "tenun-manggarai",
        "--output",
        str(target),
        workdir=tmp_path,
    )
    assert result.exit_code == 0, result.output
    assert result.stdout == ""
    assert result.stderr.strip() == f"Records written to {target}: 1."
    _header, rows = _parse(target.read_bytes())
    assert [row["record_id"] for row in rows] == [str(ids.wita)]
    assert not list(tmp_path.glob(".*.partial"))


def test_dates_select_rounds_by_local_day(database_url: str, tmp_path: Path) -> None:
    ids = seed(database_url)
    rows = _export(database_url, tmp_path, "--since", "2025-08-18", "--until", "2025-08-24")
    assert [row["record_id"] for row in rows] == [str(ids.partial), str(ids.wita)]
    # Round 2 opened 2025-08-24 08:00 WIB: still inside an --until of that day.
    rows = _export(database_url, tmp_path, "--until", "2025-08-17")
    assert [row["record_id"] for row in rows] == [str(ids.answered), str(ids.missed)]


def test_empty_database_gives_just_the_header(database_url: str, tmp_path: Path) -> None:
    assert _export(database_url, tmp_path) == []


def test_unknown_cohort_names_the_known_ones(database_url: str, tmp_path: Path) -> None:
    seed(database_url)
    target = tmp_path / "x.csv"
    result = run_kabar(
        database_url,
        "records",
        "export",
        "--cohort",
        "kopi",
        "--output",
        str(target),
        workdir=tmp_path,
    )
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        'There is no cohort "kopi". Known cohorts: "pelepah-pisang" and "tenun-manggarai".'
    ]
    assert not target.exists()


def test_bad_dates_are_one_clear_error(database_url: str, tmp_path: Path) -> None:
    result = run_kabar(database_url, "records", "export", "--since", "17/08/2025", workdir=tmp_path)
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        'The date "17/08/2025" for --since is not valid: use YYYY-MM-DD, for example 2025-08-17.'
    ]
    result = run_kabar(
        database_url,
        "records",
        "export",
        "--since",
        "2025-09-01",
        "--until",
        "2025-08-01",
        workdir=tmp_path,
    )
    assert result.exit_code == 1
    assert result.stderr.splitlines() == ["--since 2025-09-01 is after --until 2025-08-01."]
