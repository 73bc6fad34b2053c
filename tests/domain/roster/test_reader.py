"""Reading roster files: delimiters, encodings, XLSX cells, line numbers, header problems."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest
from openpyxl import Workbook

from bot.domain.roster.problems import RosterFileError
from bot.domain.roster.reader import RawRow, cell_text, detect_encoding, read_roster


def _read(path: Path) -> list[RawRow]:
    return list(read_roster(path))


def test_semicolon_csv_with_bom_and_messy_header(tmp_path: Path) -> None:
    path = tmp_path / "r.csv"
    text = " ID ;Role; Name ;Phone;NIK\r\nKPM-1 ; participant ;  Siti  ;0812 3456 7890;3512\r\n"
    path.write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
    assert detect_encoding(path) == "utf-8-sig"
    [row] = _read(path)
    assert row.line == 2
    assert row.values == {
        "id": "KPM-1",
        "role": "participant",
        "name": "Siti",
        "phone": "0812 3456 7890",
    }
    assert row.extra == (("NIK", "3512"),)
    assert not row.overflow


def test_cp1252_is_the_fallback_for_non_utf8_bytes(tmp_path: Path) -> None:
    path = tmp_path / "r.csv"
    path.write_bytes("id,role,name\nKPM-1,staff,Désirée Ñoño\n".encode("cp1252"))
    assert detect_encoding(path) == "cp1252"
    [row] = _read(path)
    assert row.get("name") == "Désirée Ñoño"


def test_quoted_newlines_keep_physical_line_numbers(tmp_path: Path) -> None:
    path = tmp_path / "r.csv"
    path.write_text(
        'id,role,name,alamat\nA,staff,"Two\nline name",x\n\n,,,\n'
        'B,staff,Budi,"a\nb\nc"\nC,staff,C,\n',
        encoding="utf-8",
    )
    rows = _read(path)
    # Blank and all-empty rows are skipped; a record is numbered by its first line.
    assert [(row.line, row.get("id")) for row in rows] == [(2, "A"), (6, "B"), (9, "C")]
    assert rows[0].get("name") == "Two\nline name"


def test_cells_beyond_the_header_are_flagged_only_when_filled(tmp_path: Path) -> None:
    path = tmp_path / "r.csv"
    path.write_text("id,role,name\nA,staff,Ani,,\nB,staff,Budi,,oops\n", encoding="utf-8")
    assert [row.overflow for row in _read(path)] == [False, True]


@pytest.mark.parametrize(
    ("content", "fragment"),
    [
        ("", "empty"),
        ("\n\n", "empty"),
        ("id,name,phone\nA,Ani,\n", "role"),
        ("id,role,name,,phone\n", "Column 4"),
        ("id,role,name,Phone,phone\n", "twice"),
    ],
)
def test_header_problems_are_one_clear_error(tmp_path: Path, content: str, fragment: str) -> None:
    path = tmp_path / "r.csv"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(RosterFileError) as raised:
        _read(path)
    assert fragment in str(raised.value)


def test_missing_required_columns_are_named_together(tmp_path: Path) -> None:
    path = tmp_path / "r.csv"
    path.write_text("nama,phone\n", encoding="utf-8")
    with pytest.raises(RosterFileError) as raised:
        _read(path)
    assert raised.value.message.params["missing"] == "id, role, name"


def test_old_xls_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "r.xls"
    path.write_bytes(b"\xd0\xcf\x11\xe0" + b"\0" * 100)
    with pytest.raises(RosterFileError, match="xls"):
        _read(path)


def test_xlsx_first_sheet_numbers_as_text(tmp_path: Path) -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["id", "role", "name", "phone", "Jumlah"])
    sheet.append(["KPM-1", "participant", "Siti", 81300002001, 2.5])
    sheet.append([None, None, None, None, None])
    sheet.append([1002, "participant", "Budi", 6281300002002.0, None])
    book.create_sheet("ignored").append(["id", "role", "name"])
    path = tmp_path / "r.xlsx"
    book.save(path)

    rows = _read(path)
    assert [(row.line, row.get("id"), row.get("phone")) for row in rows] == [
        (2, "KPM-1", "81300002001"),
        (4, "1002", "6281300002002"),
    ]
    assert rows[0].extra == (("Jumlah", "2.5"),)


def test_cell_text() -> None:
    assert cell_text(None) == ""
    assert cell_text(81300002001) == "81300002001"
    assert cell_text(81300002001.0) == "81300002001"
    assert cell_text(1.5) == "1.5"
    assert cell_text(datetime(2025, 3, 1)) == "2025-03-01"
    assert cell_text(True) == "TRUE"


def test_a_zip_that_is_not_a_workbook(tmp_path: Path) -> None:
    import zipfile

    path = tmp_path / "r.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("hello.txt", "hi")
    with pytest.raises(RosterFileError, match="Excel"):
        _read(path)
