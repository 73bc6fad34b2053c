"""The importer against a real database: phones moving between people, role changes."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import select

from bot.db.database import Database
from bot.db.models import Person, Role
from bot.domain.roster.importer import ImportResult, import_roster
from bot.domain.roster.problems import Message
from tests.domain.roster.support import BASE_ROWS, write_csv

NOW = datetime(2026, 1, 5, 1, 0, tzinfo=UTC)


async def _import(db: Database, path: Path, *, dry_run: bool = False) -> ImportResult:
    return await import_roster(db, path, now=NOW, timezone="Asia/Jakarta", dry_run=dry_run)


async def _phones(db: Database) -> dict[str, str | None]:
    async with db.transaction() as session:
        rows = await session.execute(select(Person.id, Person.phone))
        return {person_id: phone for person_id, phone in rows}


def _reasons(result: ImportResult) -> dict[int, list[Message]]:
    return {problem.line: problem.reasons for problem in result.problems}


async def test_phones_can_swap_between_people(db: Database, tmp_path: Path) -> None:
    first = write_csv(tmp_path / "a.csv", BASE_ROWS)
    assert (await _import(db, first)).ok
    swapped = [list(row) for row in BASE_ROWS]
    swapped[1][3], swapped[2][3] = swapped[2][3], swapped[1][3]
    swapped[0][3] = ""  # STF-1 gives up a number…
    swapped[3][3] = BASE_ROWS[0][3]  # …that KPM-1 takes
    result = await _import(db, write_csv(tmp_path / "b.csv", swapped))
    assert result.ok, result.problems
    assert result.total().updated == 4
    assert await _phones(db) == {
        "STF-1": None,
        "KRD-1": "+6281110000003",
        "PDP-1": "+6281110000002",
        "KPM-1": "+6281110000001",
    }


async def test_a_role_change_may_not_strand_people_left_out_of_the_file(
    db: Database, tmp_path: Path
) -> None:
    assert (await _import(db, write_csv(tmp_path / "a.csv", BASE_ROWS))).ok
    promoted = [list(row) for row in BASE_ROWS[:3]]
    promoted[2][1] = "coordinator"  # PDP-1 becomes a coordinator; KPM-1 is not in this file
    promoted[2][8] = "STF-1"
    result = await _import(db, write_csv(tmp_path / "b.csv", promoted))
    assert not result.ok
    [reason] = _reasons(result)[4]
    assert reason.params == {"role": "coordinator", "count": 1, "example": "KPM-1"}

    # With KPM-1 in the file under a new facilitator, the same change is fine.
    moved = [*promoted, list(BASE_ROWS[3])]
    moved[3][8] = "PDP-2"
    moved.append(["PDP-2", "facilitator", "Baru", "", "", "", "", "", "PDP-1", ""])
    result = await _import(db, write_csv(tmp_path / "c.csv", moved))
    assert result.ok, result.problems
    async with db.transaction() as session:
        pdp = await session.get(Person, "PDP-1")
        assert pdp is not None and pdp.role is Role.COORDINATOR


async def test_an_invalid_supervisor_row_is_reported_once(db: Database, tmp_path: Path) -> None:
    rows = [list(row) for row in BASE_ROWS]
    rows[2][1] = "pendamping"  # not a role; KPM-1 points at this row
    result = await _import(db, write_csv(tmp_path / "a.csv", rows))
    assert sorted(_reasons(result)) == [4]


async def test_dry_run_reports_without_writing(db: Database, tmp_path: Path) -> None:
    result = await _import(db, write_csv(tmp_path / "a.csv", BASE_ROWS), dry_run=True)
    assert result.ok and not result.written
    assert result.counts[Role.PARTICIPANT].created == 1
    assert result.cohorts_created == ["c-1"]
    assert await _phones(db) == {}
