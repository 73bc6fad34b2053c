"""Operators type cohort names by hand: "TENUN-2026" is the cohort "tenun-2026" in every
command, a roster row joins the cohort it names in any case, and where an older database
holds two names differing only by case, Kabar asks for the exact one instead of guessing."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from pathlib import Path

from sqlalchemy import select

from bot.db.database import Database
from bot.db.models import Broadcast
from tests.domain.broadcasts.support import seed_province
from tests.domain.roster.support import BASE_ROWS, cohort_names, people, run_kabar, write_csv
from tests.domain.rounds.support import seed_cohort

AMBIGUOUS = (
    'The name "TENUN" fits more than one cohort: "Tenun" and "tenun". Type the exact name '
    "of the one you mean, capital letters included."
)


def _on(database_url: str, work: Callable[[Database], Awaitable[object]]) -> object:
    async def main() -> object:
        db = Database(database_url)
        try:
            return await work(db)
        finally:
            await db.dispose()

    return asyncio.run(main())


def _cohorts(database_url: str, *named: tuple[str, int]) -> None:
    async def seed(db: Database) -> None:
        for name, families in named:
            await seed_cohort(db, families, name=name)

    _on(database_url, seed)


def test_every_command_finds_a_cohort_typed_in_another_case(
    database_url: str, tmp_path: Path
) -> None:
    _cohorts(database_url, ("tenun-2026", 3))

    def kabar(*args: str) -> list[str]:
        result = run_kabar(database_url, *args, workdir=tmp_path)
        assert result.exit_code == 0, result.output
        return result.output.splitlines()

    # The stored name is what Kabar shows back.
    assert kabar("checkin", "send", "--cohort", " TENUN-2026 ")[0] == (
        "Round 1 opened for 3 participants of tenun-2026."
    )
    assert kabar("cohort", "show", "Tenun-2026")[0] == 'Cohort "tenun-2026":'
    assert "tenun-2026" in "\n".join(kabar("report", "--cohort", "Tenun-2026"))
    kabar("graduation", "--cohort", "TENUN-2026")
    kabar("stock", "--cohort", "TENUN-2026")
    kabar("alerts", "--cohort", "TENUN-2026")
    kabar("records", "export", "--cohort", "TENUN-2026", "--output", str(tmp_path / "r.csv"))
    # Creating it again in another case is refused, naming the cohort that exists.
    again = run_kabar(
        database_url, "cohort", "create", "TENUN-2026", "--schedule", "tue 09:00", workdir=tmp_path
    )
    assert again.exit_code == 1
    assert 'Cohort "tenun-2026" already exists.' in again.output
    assert cohort_names(database_url) == ["tenun-2026"]


def test_a_broadcast_to_a_cohort_typed_in_another_case_reaches_it(
    database_url: str, tmp_path: Path
) -> None:
    _on(database_url, seed_province)
    result = run_kabar(
        database_url, "broadcast", "--text", "Info", "--audience", "cohort=PISANG", workdir=tmp_path
    )
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[0] == "Recipients: 2 (skipped: 1 paused, 1 unreachable)."

    async def audiences(db: Database) -> list[str]:
        async with db.sessions() as session:
            return list(await session.scalars(select(Broadcast.audience)))

    # Kept as stored, so sending later matches the cohort exactly.
    assert _on(database_url, audiences) == ["cohort=pisang"]


def test_names_differing_only_by_case_ask_for_the_exact_one(
    database_url: str, tmp_path: Path
) -> None:
    _cohorts(database_url, ("tenun", 3), ("Tenun", 0))
    for args in (
        ("checkin", "send", "--cohort", "TENUN"),
        ("report", "--cohort", "TENUN"),
        ("stock", "--cohort", "TENUN"),
        ("cohort", "show", "TENUN"),
        ("broadcast", "--text", "Info", "--audience", "cohort=TENUN", "--dry-run"),
    ):
        refused = run_kabar(database_url, *args, workdir=tmp_path)
        assert (refused.exit_code, refused.output.strip()) == (1, AMBIGUOUS), args
    # In the operator's language, too (Indonesian by default).
    indonesian = run_kabar(
        database_url, "checkin", "send", "--cohort", "TENUN", workdir=tmp_path, locale=None
    )
    assert indonesian.output.strip() == (
        'Nama "TENUN" cocok dengan lebih dari satu angkatan: "Tenun" dan "tenun". Ketik nama '
        "persis angkatan yang Anda maksud, termasuk huruf besarnya."
    )
    # The exact spelling decides.
    exact = run_kabar(database_url, "checkin", "send", "--cohort", "tenun", workdir=tmp_path)
    assert exact.output.splitlines()[0] == "Round 1 opened for 3 participants of tenun."


def test_a_roster_row_joins_the_cohort_it_names_in_any_case(
    database_url: str, tmp_path: Path
) -> None:
    first = write_csv(tmp_path / "first.csv", BASE_ROWS)  # KPM-1 in cohort "c-1"
    assert run_kabar(database_url, "roster", "import", str(first), workdir=tmp_path).exit_code == 0
    kpm_1 = ["KPM-1", "participant", "Kirana", "0813-1000-0001", "C-1", "Desa", "Kec", "", "PDP-1"]
    rows = [
        *BASE_ROWS[:3],
        [*kpm_1, ""],
        ["KPM-2", "participant", "Wulan", "0813-1000-0002", " c-1", "Desa", "Kec", "", "PDP-1", ""],
        ["KPM-3", "participant", "Ayu", "0813-1000-0003", "Baru", "Desa", "Kec", "", "PDP-1", ""],
        ["KPM-4", "participant", "Sri", "0813-1000-0004", "BARU", "Desa", "Kec", "", "PDP-1", ""],
    ]
    second = write_csv(tmp_path / "second.csv", rows)
    result = run_kabar(database_url, "roster", "import", str(second), workdir=tmp_path)
    assert result.exit_code == 0, result.output
    # One new cohort, in the file's first spelling; "C-1" is the cohort that exists.
    assert cohort_names(database_url) == ["Baru", "c-1"]
    assert "Cohorts created (schedule mon 08:00): Baru" in result.output
    everyone = people(database_url)
    assert [everyone[f"KPM-{n}"]["cohort"] for n in (1, 2, 3, 4)] == ["c-1", "c-1", "Baru", "Baru"]


def test_a_roster_row_naming_two_cohorts_by_case_is_a_problem(
    database_url: str, tmp_path: Path
) -> None:
    _cohorts(database_url, ("tenun", 0), ("Tenun", 0))
    row = ["KPM-1", "participant", "Kirana", "0813-1000-0001", "TENUN", "Desa", "Kec", "", "PDP-1"]
    roster = write_csv(tmp_path / "roster.csv", [*BASE_ROWS[:3], [*row, ""]])
    result = run_kabar(database_url, "roster", "import", str(roster), workdir=tmp_path)
    assert result.exit_code != 0
    assert (
        'Line 5 (KPM-1): the cohort "TENUN" fits more than one cohort in the database: '
        '"Tenun" and "tenun"; write the exact name, capital letters included'
    ) in " ".join(result.output.split())
    assert "KPM-1" not in people(database_url)


def test_letters_beyond_ascii_match_in_any_case_on_every_database(
    database_url: str, tmp_path: Path
) -> None:
    # SQLite's lower() folds ASCII only; Kabar folds in Python, so both databases agree.
    _cohorts(database_url, ("kopi-Ölçü", 2))
    result = run_kabar(database_url, "checkin", "send", "--cohort", "KOPI-öLÇÜ", workdir=tmp_path)
    assert result.output.splitlines()[0] == "Round 1 opened for 2 participants of kopi-Ölçü."
