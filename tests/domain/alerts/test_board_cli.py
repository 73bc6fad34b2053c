"""`kabar alerts`: the alert board as staff read it, unacknowledged alerts first."""

from __future__ import annotations

import asyncio
import csv
import io
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from click.testing import Result

from bot.db.database import Database
from bot.db.models import Alert, AlertAction, AlertStatus
from tests.domain.cohorts.support import run_kabar
from tests.support.programme import seed_programme

# The board measures age against the wall clock, so the alerts are placed relative to it.
NOW = datetime.now(UTC)


def _seed(database_url: str) -> None:
    async def main() -> None:
        db = Database(database_url)
        try:
            await seed_programme(db)
            async with db.transaction() as session:
                alerts = {
                    "quiet": Alert(
                        person_id="KPM-01",
                        rule="unresponsive",
                        status=AlertStatus.OPEN,
                        assigned_to_id="PDP-01",
                        opened_at=NOW - timedelta(days=5),
                        details={},
                    ),
                    "dry": Alert(
                        person_id="KPM-02",
                        rule="not-producing",
                        status=AlertStatus.ACKNOWLEDGED,
                        assigned_to_id="PDP-01",
                        opened_at=NOW - timedelta(days=2),
                        acknowledged_at=NOW - timedelta(days=1),
                        details={},
                    ),
                    "helped": Alert(
                        person_id="KPM-03",
                        rule="help",
                        status=AlertStatus.RESOLVED,
                        assigned_to_id="PDP-01",
                        opened_at=NOW - timedelta(days=10),
                        closed_at=NOW - timedelta(days=9),
                        details={},
                    ),
                    "escalated": Alert(
                        person_id="KPM-03",
                        rule="unresponsive",
                        status=AlertStatus.OPEN,
                        level="coordinator",
                        assigned_to_id="KRD-01",
                        opened_at=NOW - timedelta(days=8),
                        escalated_at=NOW - timedelta(days=5),
                        details={},
                    ),
                }
                session.add_all(alerts.values())
                await session.flush()
                session.add_all(
                    [
                        AlertAction(
                            alert_id=alerts["dry"].id,
                            actor_id="PDP-01",
                            action="contacted",
                            at=NOW - timedelta(days=1),
                        ),
                        AlertAction(
                            alert_id=alerts["helped"].id,
                            actor_id="PDP-01",
                            action="will_visit",
                            at=NOW - timedelta(days=10),
                        ),
                        AlertAction(
                            alert_id=alerts["helped"].id,
                            actor_id="PDP-01",
                            action="resolved",
                            at=NOW - timedelta(days=9),
                        ),
                    ]
                )
        finally:
            await db.dispose()

    asyncio.run(main())


@pytest.fixture
def kabar(database_url: str, tmp_path: Path):  # type: ignore[no-untyped-def]
    _seed(database_url)

    def invoke(*args: str, **env: str | None) -> Result:
        return run_kabar(database_url, *args, workdir=tmp_path, env=env)

    return invoke


def _rows(result: Result) -> list[dict[str, str]]:
    assert result.exit_code == 0, result.output
    return list(csv.DictReader(io.StringIO(result.stdout)))


def test_unacknowledged_alerts_come_first_with_their_last_action(kabar) -> None:  # type: ignore[no-untyped-def]
    rows = _rows(kabar("alerts", "--format", "csv"))
    # Not acknowledged (oldest first), then acknowledged, then closed ones.
    assert [(r["participant_id"], r["reason"], r["status"]) for r in rows] == [
        ("KPM-03", "unresponsive", "open"),
        ("KPM-01", "unresponsive", "open"),
        ("KPM-02", "not-producing", "acknowledged"),
        ("KPM-03", "help", "resolved"),
    ]
    escalated, quiet, dry, helped = rows
    assert (escalated["level"], escalated["age_days"]) == ("coordinator", "8")
    assert (quiet["facilitator_id"], quiet["facilitator"]) == ("PDP-01", "Wagiyem Sulistyo")
    assert (quiet["age_days"], quiet["last_action"], quiet["last_action_by"]) == ("5", "", "")
    assert (dry["last_action"], dry["last_action_by"]) == ("contacted", "Wagiyem Sulistyo")
    assert helped["last_action"] == "resolved", "the last action, not the first"
    assert datetime.fromisoformat(dry["opened_at"]) == NOW - timedelta(days=2)


def test_open_alerts_only_and_one_facilitators_families(kabar) -> None:  # type: ignore[no-untyped-def]
    live = _rows(kabar("alerts", "--open", "--format", "csv"))
    assert {r["status"] for r in live} == {"open", "acknowledged"}
    assert len(live) == 3
    mine = _rows(kabar("alerts", "--facilitator", "PDP-01", "--format", "csv"))
    assert len(mine) == 4


def test_the_table_speaks_the_operators_language(kabar) -> None:  # type: ignore[no-untyped-def]
    result = kabar("alerts", "--open", KABAR_LOCALE="id")
    assert result.exit_code == 0, result.output
    text = result.stdout
    assert "Peringatan" in text
    assert "Siti Rahayu (KPM-01)" in text and "5 hari" in text
    assert "belum ditanggapi, bersama koordinator" in text
    assert "📞 Sudah dihubungi oleh Wagiyem Sulistyo" in text
    assert "tidak menjawab laporan terakhir" in text


@pytest.mark.parametrize(
    ("args", "line"),
    [
        (("--facilitator", "PDP-99"), 'Nobody in the roster has the ID "PDP-99".'),
        # A family's ID: not an empty board, which would read as "nothing to do".
        (("--facilitator", "KPM-01"), '"KPM-01" is not a facilitator.'),
        (("--cohort", "no-such-cohort"), "no-such-cohort"),
    ],
)
def test_an_unknown_facilitator_or_cohort_is_one_clear_line(kabar, args, line) -> None:  # type: ignore[no-untyped-def]
    result = kabar("alerts", *args)
    assert result.exit_code == 1
    assert result.stdout == ""
    assert len(result.stderr.splitlines()) == 1
    assert line in result.stderr
