"""`kabar roster import` end to end, on a real (SQLite or PostgreSQL) database."""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from typing import Protocol

import pytest
from click.testing import Result
from openpyxl import Workbook

from bot.lib.i18n import translator
from tests.domain.cohorts.support import OPERATOR
from tests.domain.roster.support import (
    BASE_ROWS,
    HEADER,
    SAMPLE,
    audit_entries,
    cohort_names,
    people,
    run_kabar,
    write_csv,
)


class Kabar(Protocol):
    def __call__(self, *args: str, locale: str | None = "en") -> Result: ...


@pytest.fixture
def kabar(database_url: str, tmp_path: Path) -> Kabar:
    def invoke(*args: str, locale: str | None = "en") -> Result:
        return run_kabar(database_url, *args, workdir=tmp_path, locale=locale)

    return invoke


def counts(output: str) -> dict[str, tuple[int, int, int]]:
    """The summary table as {row label: (created, updated, unchanged)}."""
    table: dict[str, tuple[int, int, int]] = {}
    for line in output.splitlines():
        cells = [cell.strip() for cell in re.split(r"[│┃]", line) if cell.strip()]
        if len(cells) == 4 and cells[1].replace(".", "").replace(",", "").isdigit():
            numbers = [int(re.sub(r"\D", "", cell)) for cell in cells[1:]]
            table[cells[0]] = (numbers[0], numbers[1], numbers[2])
    return table


def test_sample_roster_creates_everyone(kabar: Kabar, database_url: str) -> None:
    result = kabar("roster", "import", str(SAMPLE))
    assert result.exit_code == 0, result.output
    assert counts(result.stdout) == {
        "staff": (2, 0, 0),
        "coordinators": (1, 0, 0),
        "facilitators": (3, 0, 0),
        "participants": (30, 0, 0),
        "Total": (36, 0, 0),
    }
    assert "Cohorts created (schedule mon 08:00): pelepah-pisang-2025" in result.stdout

    everyone = people(database_url)
    assert len(everyone) == 36
    assert everyone["STF-001"]["phone"] == "+6281100000001"
    assert everyone["STF-001"]["language"] == "id"
    assert everyone["KRD-001"]["phone"] == "+6281100000003"  # written 6281100000003
    assert everyone["PDP-LCS-01"]["supervisor_id"] == "KRD-001"
    kpm = everyone["KPM-0001"]
    assert kpm == kpm | {
        "role": "participant",
        "name": "Endang Purnomo",
        "phone": "+6281300002001",
        "cohort": "pelepah-pisang-2025",
        "village": "Jorongan",
        "district": "Leces",
        "regency": "Probolinggo",
        "supervisor_id": "PDP-LCS-01",
        "language": None,
        "attributes": {},
    }
    assert everyone["KPM-0005"]["language"] == "jv"
    assert everyone["KPM-0011"]["phone"] == "+6281300002011"  # written +62 813 0000 2011
    assert all(p["phone"].startswith("+628") for p in everyone.values())
    assert cohort_names(database_url) == ["pelepah-pisang-2025"]

    [entry] = audit_entries(database_url)
    assert (entry.actor, entry.action) == (OPERATOR, "roster.import")
    assert entry.details == {
        "file": "roster-sample.csv",
        "rows": 36,
        "created": 36,
        "updated": 0,
        "unchanged": 0,
        "cohorts_created": ["pelepah-pisang-2025"],
    }


def test_second_import_changes_nothing(kabar: Kabar, database_url: str) -> None:
    assert kabar("roster", "import", str(SAMPLE)).exit_code == 0
    before = people(database_url)
    result = kabar("roster", "import", str(SAMPLE))
    assert result.exit_code == 0, result.output
    assert counts(result.stdout)["Total"] == (0, 0, 36)
    assert "Cohorts created" not in result.stdout
    assert people(database_url) == before  # updated_at included


def test_changed_name_is_an_update(kabar: Kabar, database_url: str, tmp_path: Path) -> None:
    assert kabar("roster", "import", str(SAMPLE)).exit_code == 0
    before = people(database_url)
    changed = tmp_path / "changed.csv"
    changed.write_text(
        SAMPLE.read_text(encoding="utf-8").replace("Endang Purnomo", "Endang Purnomowati"),
        encoding="utf-8",
    )
    result = kabar("roster", "import", str(changed))
    assert result.exit_code == 0, result.output
    table = counts(result.stdout)
    assert table["participants"] == (0, 1, 29)
    assert table["Total"] == (0, 1, 35)
    after = people(database_url)
    assert after["KPM-0001"]["name"] == "Endang Purnomowati"
    assert after["KPM-0001"]["updated_at"] > before["KPM-0001"]["updated_at"]
    assert after["KPM-0002"] == before["KPM-0002"]
    assert audit_entries(database_url)[-1].details["updated"] == 1


def test_semicolon_csv_with_bom_keeps_extra_columns(
    kabar: Kabar, database_url: str, tmp_path: Path
) -> None:
    path = tmp_path / "excel.csv"
    rows = [[*row, "", ""] for row in BASE_ROWS]
    rows[3][10:] = ["3512011234560001", "keripik"]
    write_csv(path, rows, header=[*HEADER, "NIK", "Usaha"], delimiter=";", encoding="utf-8-sig")
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")

    result = kabar("roster", "import", str(path))
    assert result.exit_code == 0, result.output
    everyone = people(database_url)
    assert everyone["KPM-1"]["attributes"] == {"NIK": "3512011234560001", "Usaha": "keripik"}
    assert everyone["STF-1"]["attributes"] == {}  # empty values are dropped
    assert everyone["KPM-1"]["phone"] == "+6281310000001"

    # Dropping a column from the file drops the attribute.
    write_csv(path, BASE_ROWS, delimiter=";", encoding="utf-8-sig")
    result = kabar("roster", "import", str(path))
    assert counts(result.stdout)["participants"] == (0, 1, 0)
    assert people(database_url)["KPM-1"]["attributes"] == {}


def test_cp1252_file(kabar: Kabar, database_url: str, tmp_path: Path) -> None:
    path = tmp_path / "windows.csv"
    rows = [list(row) for row in BASE_ROWS]
    rows[3][2] = "Ibu Désirée Ñoño"
    write_csv(path, rows, encoding="cp1252")
    result = kabar("roster", "import", str(path))
    assert result.exit_code == 0, result.output
    assert people(database_url)["KPM-1"]["name"] == "Ibu Désirée Ñoño"


def test_xlsx_with_numeric_phones(kabar: Kabar, database_url: str, tmp_path: Path) -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(HEADER)
    for row in BASE_ROWS:
        sheet.append(list(row))
    sheet.append(["KPM-2", "participant", "Dua", 81300002001, "c-1", "", "", "", "PDP-1", ""])
    sheet.append(["KPM-3", "participant", "Tiga", 6281300002003, "c-1", "", "", "", "PDP-1", ""])
    path = tmp_path / "roster.xlsx"
    book.save(path)

    result = kabar("roster", "import", str(path))
    assert result.exit_code == 0, result.output
    everyone = people(database_url)
    assert everyone["KPM-2"]["phone"] == "+6281300002001"
    assert everyone["KPM-3"]["phone"] == "+6281300002003"
    assert counts(result.stdout)["Total"] == (6, 0, 0)


def test_dry_run_writes_nothing(kabar: Kabar, database_url: str) -> None:
    result = kabar("roster", "import", "--dry-run", str(SAMPLE))
    assert result.exit_code == 0, result.output
    assert "Dry run of roster-sample.csv: nothing was written" in result.stdout
    assert "Would create" in result.stdout
    assert counts(result.stdout)["Total"] == (36, 0, 0)
    assert "Cohorts that would be created (schedule mon 08:00): pelepah-pisang-2025" in (
        result.stdout
    )
    assert people(database_url) == {}
    assert cohort_names(database_url) == []
    assert audit_entries(database_url) == []


def _bad_roster(path: Path) -> Path:
    def row(*cells: str) -> list[str]:
        return list(cells) + [""] * (10 - len(cells))

    rows = [
        row(*BASE_ROWS[0]),  # line 2
        row(*BASE_ROWS[1]),  # 3
        row(*BASE_ROWS[2]),  # 4
        row("X-1", "boss", "Xavier"),  # 5
        row("", "participant", "No Id", "", "c-1", "", "", "", "PDP-1"),  # 6
        row("X-3", "participant", "", "", "c-1", "", "", "", "PDP-1"),  # 7
        row("X-4", "participant", "Landline", "021-555-1234", "c-1", "", "", "", "PDP-1"),  # 8
        row("X-5", "participant", "Ghost", "", "c-1", "", "", "", "NOBODY"),  # 9
        row("X-6", "participant", "Wrong", "", "c-1", "", "", "", "KRD-1"),  # 10
        row("X-7", "participant", "Alone"),  # 11
        row("STF-1", "staff", "Twin"),  # 12
        row("X-9", "participant", "Same Phone", "+62 811 1000 0001", "c-1", "", "", "", "PDP-1"),
        row("X-10", "participant", "Taken", "0899-0000-0001", "c-1", "", "", "", "PDP-1"),  # 14
        [*row("X-11", "participant", "Long", "", "c-1", "", "", "", "PDP-1"), "", "surplus"],
        row("X-12", "participant", "Lang", "", "c-1", "", "", "", "PDP-1", "zz"),  # 16
        row("X-13", "staff", "Bossy", "", "", "", "", "", "KRD-1"),  # 17
        row("", "boss", "", "12345"),  # 18
        row("OK-1", "participant", "Fine", "0813-9999-0001", "c-new", "", "", "", "PDP-1"),
    ]
    return write_csv(path, rows)


EXPECTED_PROBLEMS = {
    5: "Line 5 (X-1): unknown role “boss” (expected one of participant, facilitator, "
    "coordinator, staff, partner)",
    6: "Line 6: the id is missing",
    7: "Line 7 (X-3): the name is missing",
    8: "Line 8 (X-4): “021-555-1234” is not an Indonesian mobile number",
    9: "Line 9 (X-5): the supervisor NOBODY is neither in the file nor in the database",
    10: "Line 10 (X-6): the supervisor KRD-1 is a coordinator, but a participant's "
    "supervisor must be a facilitator",
    11: "Line 11 (X-7): a participant needs a supervisor_id (their facilitator); "
    "a participant needs a cohort",
    12: "Line 12 (STF-1): the id STF-1 is also on line 2",
    13: "Line 13 (X-9): the phone +6281110000001 is also on line 2",
    14: "Line 14 (X-10): the phone +6289900000001 already belongs to OLD-1 in the database",
    15: "Line 15 (X-11): the row has more cells than the header row has columns",
    16: "Line 16 (X-12): unknown language code “zz”",
    17: "Line 17 (X-13): staff have no supervisor; leave supervisor_id empty",
    18: "Line 18: the id is missing; unknown role “boss” (expected one of participant, "
    "facilitator, coordinator, staff, partner); the name is missing; “12345” is not an Indonesian "
    "mobile number",
}


def _seed(kabar: Kabar, tmp_path: Path) -> None:
    old = ["OLD-1", "participant", "Lama", "0899-0000-0001", "c-1", "", "", "", "PDP-1", ""]
    seed = write_csv(tmp_path / "seed.csv", [*BASE_ROWS, old])
    assert kabar("roster", "import", str(seed)).exit_code == 0


def test_every_bad_row_is_listed_and_nothing_imported(
    kabar: Kabar, database_url: str, tmp_path: Path
) -> None:
    _seed(kabar, tmp_path)
    before = (people(database_url), cohort_names(database_url), len(audit_entries(database_url)))

    result = kabar("roster", "import", str(_bad_roster(tmp_path / "bad.csv")))
    assert result.exit_code == 1
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert lines[:-1] == list(EXPECTED_PROBLEMS.values())
    assert lines[-1] == "14 rows have problems; nothing was imported."
    assert (people(database_url), cohort_names(database_url), len(audit_entries(database_url))) == (
        before
    )

    # A dry run reports the same problems.
    dry = kabar("roster", "import", "--dry-run", str(tmp_path / "bad.csv"))
    assert dry.exit_code == 1
    assert dry.stderr == result.stderr


def test_problems_in_indonesian_by_default(kabar: Kabar, database_url: str, tmp_path: Path) -> None:
    _seed(kabar, tmp_path)
    result = kabar("roster", "import", str(_bad_roster(tmp_path / "bad.csv")), locale=None)
    assert result.exit_code == 1
    t = translator("id")
    reason = t.gettext("the supervisor {supervisor} is neither in the file nor in the database")
    line = t.gettext("Line {line} ({id}): {reasons}").format(
        line=9, id="X-5", reasons=reason.format(supervisor="NOBODY")
    )
    assert line in result.stderr.splitlines()
    summary = t.ngettext(
        "{count} row has problems; nothing was imported.",
        "{count} rows have problems; nothing was imported.",
        14,
    )
    assert result.stderr.splitlines()[-1] == summary.format(count="14")
    assert "Baris 9 (X-5): atasan NOBODY tidak ada di berkas maupun di basis data" in (
        result.stderr
    )
    assert result.stderr.splitlines()[-1] == "14 baris bermasalah; tidak ada yang diimpor."


def test_roles_in_a_problem_are_named_in_the_operators_words(kabar: Kabar, tmp_path: Path) -> None:
    _seed(kabar, tmp_path)
    bad = kabar("roster", "import", str(_bad_roster(tmp_path / "bad.csv")), locale=None)
    wrong = next(line for line in bad.stderr.splitlines() if line.startswith("Baris 10 "))
    assert wrong == (
        "Baris 10 (X-6): atasan KRD-1 berperan koordinator, "
        "padahal atasan seorang peserta harus berperan pendamping"
    )
    # The facilitator of a family already imported, made a coordinator.
    promoted = ["PDP-1", "coordinator", "Pipit Damping", "0811-1000-0003", "", "", "", "", "STF-1"]
    path = write_csv(tmp_path / "promoted.csv", [*BASE_ROWS[:2], [*promoted, ""]])
    changed = kabar("roster", "import", str(path), locale=None)
    assert changed.exit_code == 1
    assert "mengubah peran menjadi koordinator akan membuat" in changed.stderr
    assert "coordinator" not in changed.stderr


def test_singular_summary(kabar: Kabar, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "one.csv", [["A", "staff", ""]])
    result = kabar("roster", "import", str(path))
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        "Line 2 (A): the name is missing",
        "1 row has problems; nothing was imported.",
    ]


def test_missing_column_is_one_line(kabar: Kabar, tmp_path: Path) -> None:
    path = tmp_path / "r.csv"
    path.write_text("id,nama,phone\nA,Ani,\n", encoding="utf-8")
    result = kabar("roster", "import", str(path))
    assert result.exit_code == 1
    assert result.stderr.strip() == (
        "r.csv: The header row lacks the required column(s) role, name; the columns are: "
        "id,role,name,phone,cohort,village,district,regency,supervisor_id,language,"
        "baseline_revenue_idr."
    )


def test_a_header_without_people_is_refused_not_reported_as_imported(
    kabar: Kabar, database_url: str, tmp_path: Path
) -> None:
    # A sheet saved before anyone was typed in, blank lines under its header included.
    for name, rows in (("header.csv", []), ("blanks.csv", [["", "", ""], ["", "", ""]])):
        path = write_csv(tmp_path / name, rows)
        result = kabar("roster", "import", str(path), locale=None)
        assert result.exit_code == 1
        assert result.stderr.strip() == (
            f"{name}: Berkas ini punya baris judul, tetapi tidak ada orang di bawahnya."
        )
    assert people(database_url) == {}


def test_supervisor_already_in_the_database(
    kabar: Kabar, database_url: str, tmp_path: Path
) -> None:
    assert (
        kabar("roster", "import", str(write_csv(tmp_path / "a.csv", BASE_ROWS[:3]))).exit_code == 0
    )
    later = write_csv(tmp_path / "b.csv", BASE_ROWS[3:])
    result = kabar("roster", "import", str(later))
    assert result.exit_code == 0, result.output
    assert people(database_url)["KPM-1"]["supervisor_id"] == "PDP-1"


def test_indonesian_table(kabar: Kabar, tmp_path: Path) -> None:
    copy = tmp_path / "sample.csv"
    shutil.copyfile(SAMPLE, copy)
    result = kabar("roster", "import", str(copy), locale=None)
    assert result.exit_code == 0, result.output
    t = translator("id")
    assert t.gettext("Roster imported from {file}").format(file="sample.csv") in result.stdout
    assert counts(result.stdout)[t.gettext("participants")] == (30, 0, 0)


def test_thousands_of_bad_rows_are_all_listed_then_counted(kabar: Kabar, tmp_path: Path) -> None:
    rows = [["KPM-X", "participant", "Nama", "", "c-1", "", "", "", "PDP-X", ""]]
    rows += [[f"KPM-{n}", "participant", "", "", "c-1", "", "", "", "", ""] for n in range(3000)]
    result = kabar("roster", "import", str(write_csv(tmp_path / "many.csv", rows)))
    assert result.exit_code == 1
    lines = result.stderr.splitlines()
    assert len(lines) == 3002
    assert lines[0] == (
        "Line 2 (KPM-X): the supervisor PDP-X is neither in the file nor in the database"
    )
    assert lines[1] == (
        "Line 3 (KPM-0): the name is missing; a participant needs a supervisor_id "
        "(their facilitator)"
    )
    assert lines[-1] == "3,001 rows have problems; nothing was imported."


def test_ids_and_cohorts_outside_the_safe_characters_are_refused_by_line(
    kabar: Kabar, database_url: str, tmp_path: Path
) -> None:
    rows = [
        *BASE_ROWS,
        ['=HYPERLINK("http://x","y")', "participant", "Ani", "", "c-1", "", "", "", "PDP-1", ""],
        ["KPM-2", "participant", "Budi", "", "+c1", "", "", "", "PDP-1", ""],
        ["KPM-3", "participant", "Cici", "", "c-1", "", "", "", "@PDP", ""],
        ["KPM-4", "participant", "Dedi", "", "kopi 2025", "", "", "", "PDP-1", ""],
        ["KPM-5", "participant", "Eka", "", "kopi_2025.Ñ-1", "", "", "", "PDP-1", ""],
    ]
    path = write_csv(tmp_path / "hostile.csv", rows)
    result = kabar("roster", "import", str(path))
    assert result.exit_code == 1
    safe = "may only contain letters, digits, “-”, “_” and “.”"
    assert result.stderr.splitlines() == [
        f'Line 6 (=HYPERLINK("http://x","y")): id “=HYPERLINK("http://x","y")” {safe}',
        f"Line 7 (KPM-2): cohort “+c1” {safe}",
        f"Line 8 (KPM-3): supervisor_id “@PDP” {safe}; "
        "the supervisor @PDP is neither in the file nor in the database",
        f"Line 9 (KPM-4): cohort “kopi 2025” {safe}",
        "4 rows have problems; nothing was imported.",
    ]
    assert people(database_url) == {}

    indonesian = kabar("roster", "import", str(path), locale=None)
    t = translator("id")
    reason = t.gettext("{column} “{value}” may only contain letters, digits, “-”, “_” and “.”")
    assert reason != "{column} “{value}” may only contain letters, digits, “-”, “_” and “.”"
    line = t.gettext("Line {line} ({id}): {reasons}").format(
        line=7, id="KPM-2", reasons=reason.format(column="cohort", value="+c1")
    )
    assert line in indonesian.stderr.splitlines()


def test_too_many_columns_is_one_line(kabar: Kabar, database_url: str, tmp_path: Path) -> None:
    path = tmp_path / "wide.csv"
    extra = ",".join(f"x{number}" for number in range(9_990))
    path.write_text(f"{','.join(HEADER)},{extra}\nSTF-1,staff,Siti\n", encoding="utf-8")
    result = kabar("roster", "import", str(path))
    assert result.exit_code == 1
    assert result.stderr.strip() == (
        "wide.csv: The header row has 10000 columns; a roster may have at most 200 "
        "(its own columns and yours)."
    )
    assert people(database_url) == {}


def test_a_baseline_income_is_whole_rupiah(kabar: Kabar, tmp_path: Path) -> None:
    path = tmp_path / "r.csv"
    path.write_text(
        "id,role,name,cohort,supervisor_id,baseline_revenue_idr\n"
        "F1,facilitator,Fasil,,,\n"
        "P1,participant,Ani,kopi,F1,1.500.000\n"
        "P2,participant,Budi,kopi,F1,satu juta\n"
        "P3,participant,Citra,kopi,F1,-5000\n"
        "P4,participant,Dewi,kopi,F1,\n",
        encoding="utf-8",
    )
    result = kabar("roster", "import", str(path))
    assert result.exit_code == 1
    assert "Line 4 (P2): baseline_revenue_idr “satu juta” is not an amount of rupiah" in (
        result.stderr
    )
    assert "Line 5 (P3): baseline_revenue_idr “-5000”" in result.stderr
    assert "P1" not in result.stderr and "P4" not in result.stderr
    # Without the bad rows the file imports, and the amount is kept as whole rupiah.
    path.write_text(
        "id,role,name,cohort,supervisor_id,baseline_revenue_idr\n"
        "F1,facilitator,Fasil,,,\n"
        "P1,participant,Ani,kopi,F1,Rp 1.500.000\n"
        "P4,participant,Dewi,kopi,F1,\n",
        encoding="utf-8",
    )
    assert kabar("roster", "import", str(path)).exit_code == 0
    again = kabar("roster", "import", str(path))
    # The same amount again: nobody created or updated, all three unchanged.
    assert again.exit_code == 0
    assert re.search(r"Total\s*│\s*0\s*│\s*0\s*│\s*3\s*│", again.stdout)
