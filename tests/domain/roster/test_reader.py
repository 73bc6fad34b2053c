"""Reading roster files: delimiters, encodings, XLSX cells, line numbers, header problems."""

from __future__ import annotations

import tracemalloc
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


def test_a_roster_of_ten_thousand_columns_is_refused(tmp_path: Path) -> None:
    extra = [f"x{number}" for number in range(9_997)]
    path = tmp_path / "wide.csv"
    with path.open("w", encoding="utf-8") as handle:
        handle.write(",".join(["id", "role", "name", *extra]) + "\n")
        for number in range(3):
            handle.write(",".join([f"P{number}", "staff", "Ani", *extra]) + "\n")
    with pytest.raises(RosterFileError) as raised:
        _read(path)
    assert raised.value.message.params == {"count": 10_000, "limit": 200}


def test_two_hundred_and_one_columns_are_counted_exactly(tmp_path: Path) -> None:
    # Just past the limit, with a quoted name holding a comma: the header row's own count.
    extra = [f"x{number}" for number in range(197)]
    path = tmp_path / "wide.csv"
    path.write_text(",".join(["id", "role", "name", '"a,b"', *extra]) + "\n", encoding="utf-8")
    with pytest.raises(RosterFileError) as raised:
        _read(path)
    assert raised.value.message.params == {"count": 201, "limit": 200}
    ok = tmp_path / "ok.csv"
    ok.write_text(",".join(["id", "role", "name", '"a,b"', *extra[1:]]) + "\nA,staff,Ani\n")
    assert [row.get("id") for row in _read(ok)] == ["A"]


def test_a_header_of_a_million_names_is_refused_without_reading_it_whole(tmp_path: Path) -> None:
    path = tmp_path / "huge.csv"
    with path.open("w", encoding="utf-8") as handle:
        handle.write("id;role;name")
        for start in range(0, 1_000_000, 100_000):
            handle.write("".join(f";c{number}" for number in range(start, start + 100_000)))
        handle.write("\nA;staff;Ani\n")
    assert path.stat().st_size > 7_000_000
    tracemalloc.start()
    try:
        with pytest.raises(RosterFileError) as raised:
            _read(path)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert raised.value.message.params == {"count": 1_000_003, "limit": 200}
    # Pieces of the file (a megabyte to check its encoding), never the whole line, nor a
    # string per name.
    assert peak < 5_000_000


def test_a_header_name_of_more_than_a_hundred_characters_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "long.csv"
    path.write_text("id,role,name," + "n" * 101 + "\n", encoding="utf-8")
    with pytest.raises(RosterFileError) as raised:
        _read(path)
    assert raised.value.message.params == {"number": 4, "length": 101, "limit": 100}
    path.write_text("id,role,name," + "n" * 100 + "\nA,staff,Ani,x\n", encoding="utf-8")
    assert [row.extra for row in _read(path)] == [(("n" * 100, "x"),)]


def test_an_xlsx_of_too_many_columns_is_refused(tmp_path: Path) -> None:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(["id", "role", "name", *(f"x{number}" for number in range(300))])
    sheet.append(["A", "staff", "Ani"])
    path = tmp_path / "wide.xlsx"
    workbook.save(path)
    with pytest.raises(RosterFileError) as raised:
        _read(path)
    assert raised.value.message.params == {"count": 303, "limit": 200}
