"""`kabar audit`: what operators did, as the log recorded it, oldest first."""

from __future__ import annotations

import asyncio
import csv
import io
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from click.testing import Result

from tests.domain.cohorts.support import OPERATOR, run_kabar


@pytest.fixture
def kabar(database_url: str, tmp_path: Path):  # type: ignore[no-untyped-def]
    def invoke(*args: str, **env: str | None) -> Result:
        return run_kabar(database_url, *args, workdir=tmp_path, env=env)

    return invoke


def _rows(result: Result) -> list[dict[str, str]]:
    assert result.exit_code == 0, result.output
    return list(csv.DictReader(io.StringIO(result.stdout)))


def test_operator_actions_are_listed_in_order(kabar) -> None:  # type: ignore[no-untyped-def]
    assert kabar("cohort", "create", "tenun-2026", "--schedule", "mon 08:00").exit_code == 0
    assert kabar("cohort", "update", "tenun-2026", "--unit", "lembar").exit_code == 0
    rows = _rows(kabar("audit", "--format", "csv"))
    assert [(r["actor"], r["action"], r["subject"]) for r in rows] == [
        (OPERATOR, "cohort.created", "tenun-2026"),
        (OPERATOR, "cohort.updated", "tenun-2026"),
    ]
    assert json.loads(rows[1]["details"]) == {"changes": {"unit": ["kg", "lembar"]}}
    assert datetime.fromisoformat(rows[0]["at"]) > datetime.now(UTC) - timedelta(minutes=5)

    table = kabar("audit", KABAR_LOCALE="id")
    assert table.exit_code == 0, table.output
    assert "Log audit" in table.stdout and "cohort.updated" in table.stdout


def test_since_a_later_day_lists_nothing_and_a_bad_day_is_one_line(kabar) -> None:  # type: ignore[no-untyped-def]
    assert kabar("cohort", "create", "tenun-2026", "--schedule", "mon 08:00").exit_code == 0
    tomorrow = (datetime.now(UTC) + timedelta(days=2)).date().isoformat()
    assert _rows(kabar("audit", "--since", tomorrow, "--format", "csv")) == []
    empty = kabar("audit", "--since", tomorrow)
    assert empty.exit_code == 0 and empty.stdout.strip() == "Nothing in the audit log."
    bad = kabar("audit", "--since", "17-08-2025")
    assert bad.exit_code == 1 and bad.stdout == ""
    assert bad.stderr.strip() == (
        'The date "17-08-2025" for --since is not valid: use YYYY-MM-DD, for example 2025-08-17.'
    )


def _register_a_family(database_url: str, cohort_name: str) -> None:
    """A round is opened only for a cohort someone has joined."""
    from sqlalchemy import select

    from bot.db.database import Database
    from bot.db.models import Cohort, Person, Role, TelegramAccount

    async def main() -> None:
        db = Database(database_url)
        now = datetime.now(UTC)
        try:
            async with db.transaction() as session:
                cohort = await session.scalar(select(Cohort).where(Cohort.name == cohort_name))
                assert cohort is not None
                session.add(
                    Person(
                        id="KPM-01",
                        role=Role.PARTICIPANT,
                        name="Siti",
                        cohort_id=cohort.id,
                        consent_at=now,
                        created_at=now,
                        updated_at=now,
                    )
                )
                await session.flush()
                session.add(
                    TelegramAccount(
                        person_id="KPM-01",
                        telegram_user_id=1,
                        chat_id=1,
                        linked_at=now,
                        linked_by="invitation",
                    )
                )
        finally:
            await db.dispose()

    asyncio.run(main())


def test_a_round_opened_by_hand_and_an_export_are_in_the_log(  # type: ignore[no-untyped-def]
    kabar, database_url: str, tmp_path: Path
) -> None:
    assert kabar("cohort", "create", "tenun-2026", "--schedule", "mon 08:00").exit_code == 0
    _register_a_family(database_url, "tenun-2026")
    sent = kabar("checkin", "send", "--cohort", "tenun-2026")
    assert sent.exit_code == 0, sent.output
    output = tmp_path / "records.csv"
    exported = kabar("records", "export", "--cohort", "tenun-2026", "--output", str(output))
    assert exported.exit_code == 0, exported.output
    rows = _rows(kabar("audit", "--format", "csv"))
    assert [(r["actor"], r["action"], r["subject"]) for r in rows] == [
        (OPERATOR, "cohort.created", "tenun-2026"),
        (OPERATOR, "round.opened", "tenun-2026"),
        (OPERATOR, "records.exported", "tenun-2026"),
    ]
    opened = json.loads(rows[1]["details"])
    assert opened["participants"] == 1 and isinstance(opened["round"], int)
    assert json.loads(rows[2]["details"]) == {
        "format": "csv",
        "records": 0,
        "since": None,
        "until": None,
        "file": str(output),
    }
