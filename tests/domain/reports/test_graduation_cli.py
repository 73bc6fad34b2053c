"""`kabar graduation`, `kabar cohort update --graduation-…` and `kabar report`'s change
table on the hand-written programme (insights_fixture.py), as an operator sees them."""

from __future__ import annotations

import asyncio
from pathlib import Path

from openpyxl import load_workbook

from bot.db.database import Database
from tests.domain.records.support import run_kabar
from tests.domain.reports.insights_fixture import _cohort, build
from tests.domain.reports.support import parse_csv


def test_the_list_as_csv_with_the_evidence(database_url: str, tmp_path: Path) -> None:
    asyncio.run(build(database_url))
    result = run_kabar(
        database_url, "graduation", "--cohort", "kopi", "--format", "csv", workdir=tmp_path
    )
    assert result.exit_code == 0, result.output
    rows = parse_csv(result.stdout)
    assert [row["name"] for row in rows] == ["Ani", "Budi", "Gita", "Hadi"]
    budi = rows[1]
    assert budi["rounds"] == "3;4;5;6;7;8"
    assert budi["revenues_idr"] == "600000;600000;100000;600000;600000;600000"
    assert (budi["rounds_met"], budi["rounds_required"], budi["min_revenue_idr"]) == (
        "5", "5", "500000",
    )  # fmt: skip


def test_the_table_says_it_is_for_review(database_url: str, tmp_path: Path) -> None:
    asyncio.run(build(database_url))
    result = run_kabar(database_url, "graduation", workdir=tmp_path, env={"KABAR_LOCALE": "id"})
    assert result.exit_code == 0, result.output
    assert "Rp600.000" in result.stdout and "Budi" in result.stdout
    assert "Dewi" not in result.stdout  # her alert is open
    assert "tidak ada yang diputuskan otomatis" in result.stdout.lower()


def test_a_lower_bar_lists_more_families(database_url: str, tmp_path: Path) -> None:
    asyncio.run(build(database_url))
    changed = run_kabar(
        database_url, "cohort", "update", "kopi", "--graduation-amount", "100.000",
        "--graduation-rounds", "4", workdir=tmp_path,
    )  # fmt: skip
    assert changed.exit_code == 0, changed.output
    result = run_kabar(
        database_url, "graduation", "--cohort", "kopi", "--format", "csv", workdir=tmp_path
    )
    # Citra now qualifies (6 of 6 at 100,000 or more); Eko still missed round 8.
    names = [row["name"] for row in parse_csv(result.stdout)]
    assert names == ["Ani", "Budi", "Citra", "Gita", "Hadi"]


def test_bad_input_is_one_line_and_changes_nothing(database_url: str, tmp_path: Path) -> None:
    asyncio.run(build(database_url))

    def error(*args: str, locale: str = "en") -> str:
        result = run_kabar(database_url, *args, workdir=tmp_path, env={"KABAR_LOCALE": locale})
        assert result.exit_code != 0
        assert len(result.stderr.strip().splitlines()) == 1, result.stderr
        return result.stderr.strip()

    assert 'There is no cohort "kopi2"' in error("graduation", "--cohort", "kopi2")
    assert "graduation amount" in error("cohort", "update", "kopi", "--graduation-amount", "lima")
    assert "Jumlah kelulusan" in error(
        "cohort", "update", "kopi", "--graduation-amount", "-5", locale="id"
    )
    assert "whole number from 1 to 52" in error(
        "cohort", "update", "kopi", "--graduation-rounds", "0"
    )
    assert "cannot be more than the rounds looked at" in error(
        "cohort", "update", "kopi", "--graduation-rounds", "7"
    )
    # Nothing changed: the default bar still lists the same four.
    result = run_kabar(
        database_url, "graduation", "--cohort", "kopi", "--format", "csv", workdir=tmp_path
    )
    assert len(parse_csv(result.stdout)) == 4


def test_report_shows_the_change_per_cohort(database_url: str, tmp_path: Path) -> None:
    asyncio.run(build(database_url))
    result = run_kabar(database_url, "report", "--cohort", "batik", workdir=tmp_path)
    assert result.exit_code == 0, result.output
    assert "Change against each family's start" in result.stdout
    # 3 months: 4 families, median +Rp100,000, half above their start; 6 months: 2, -150,000.
    assert "+IDR100,000" in result.stdout and "-IDR150,000" in result.stdout


def test_a_cohort_without_a_closed_round_is_named_in_the_report(
    database_url: str, tmp_path: Path
) -> None:
    async def with_a_new_cohort() -> None:
        await build(database_url)
        db = Database(database_url)
        try:
            async with db.transaction() as session:
                await _cohort(session, "kain", {}, closed=0, open_=0)
        finally:
            await db.dispose()

    asyncio.run(with_a_new_cohort())
    result = run_kabar(database_url, "report", workdir=tmp_path, env={"COLUMNS": "240"})
    assert result.exit_code == 0, result.output
    change = result.stdout.split("Change against each family's start", 1)[1]
    # As /laporan says "kain: no closed round yet", rather than leaving the cohort out.
    assert any(
        line.split("│")[1].strip() == "kain" and "no closed round yet" in line
        for line in change.splitlines()
        if line.count("│") > 2
    )


def test_the_workbook_graduation_sheet_speaks_the_operators_language(
    database_url: str, tmp_path: Path
) -> None:
    asyncio.run(build(database_url))
    target = tmp_path / "monev.xlsx"
    result = run_kabar(
        database_url, "records", "export", "--format", "xlsx", "--cohort", "kopi",
        "--output", str(target), workdir=tmp_path, env={"KABAR_LOCALE": "id"},
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    sheet = load_workbook(target)["graduation"]
    header = [cell.value for cell in sheet[1]]
    # The bar's window (6 rounds): one revenue column per round looked at, each named.
    assert header[-6:] == [f"Pendapatan, putaran {n} yang dilihat (Rp)" for n in range(1, 7)]
    assert not [title for title in header if "_" in str(title)]  # no machine names
    budi = next(row for row in sheet.iter_rows(2, values_only=True) if row[2] == "Budi")
    assert list(budi[-6:]) == [600_000, 600_000, 100_000, 600_000, 600_000, 600_000]
