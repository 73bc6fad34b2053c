"""`kabar cohort create / update / list` against a real database."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import select

from bot.db.database import Database
from bot.db.models import AuditEntry, Cohort, Role
from tests.domain.cohorts.support import OPERATOR, P, seed


def _cohorts(database_url: str) -> dict[str, Cohort]:
    async def main() -> dict[str, Cohort]:
        db = Database(database_url)
        try:
            async with db.transaction() as session:
                rows = (await session.execute(select(Cohort))).scalars().all()
                return {row.name: row for row in rows}
        finally:
            await db.dispose()

    return asyncio.run(main())


def _audit(database_url: str) -> list[AuditEntry]:
    async def main() -> list[AuditEntry]:
        db = Database(database_url)
        try:
            async with db.transaction() as session:
                query = select(AuditEntry).order_by(AuditEntry.id)
                return list((await session.execute(query)).scalars().all())
        finally:
            await db.dispose()

    return asyncio.run(main())


def test_create_with_defaults(kabar, database_url: str) -> None:  # type: ignore[no-untyped-def]
    result = kabar("cohort", "create", "pelepah-pisang-2025", "--schedule", "Senin 8.00")
    assert result.exit_code == 0, result.output
    assert (
        'Created cohort "pelepah-pisang-2025": mon 08:00, time zone Asia/Jakarta' in result.stdout
    )
    assert "Next round: Mon " in result.stdout
    cohort = _cohorts(database_url)["pelepah-pisang-2025"]
    assert (cohort.schedule, cohort.timezone, cohort.unit) == ("mon 08:00", "Asia/Jakarta", "kg")
    assert (cohort.quiet_hours_start, cohort.quiet_hours_end) == ("21:00", "06:00")
    entry = _audit(database_url)[-1]
    assert (entry.actor, entry.action, entry.subject) == (OPERATOR, "cohort.created", cohort.name)
    assert entry.details["schedule"] == "mon 08:00"


def test_create_with_every_option(kabar, database_url: str) -> None:  # type: ignore[no-untyped-def]
    result = kabar(
        "cohort",
        "create",
        "kube.tenun_2026",
        "--schedule",
        "tiap 2 minggu kamis 16:30",
        "--timezone",
        "WITA",
        "--unit",
        "lembar",
        "--quiet-hours",
        "20:00-07:00",
        "--max-quantity",
        "500",
    )
    assert result.exit_code == 0, result.output
    cohort = _cohorts(database_url)["kube.tenun_2026"]
    assert cohort.schedule == "every 2 weeks thu 16:30"
    assert cohort.timezone == "Asia/Makassar"
    assert cohort.unit == "lembar"
    assert (cohort.quiet_hours_start, cohort.quiet_hours_end) == ("20:00", "07:00")
    assert cohort.max_quantity == 500


def test_create_uses_the_configured_time_zone(kabar, database_url: str) -> None:  # type: ignore[no-untyped-def]
    result = kabar(
        "cohort", "create", "papua", "--schedule", "mon 08:00", KABAR_TIMEZONE="Asia/Jayapura"
    )
    assert result.exit_code == 0, result.output
    assert _cohorts(database_url)["papua"].timezone == "Asia/Jayapura"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["", "--schedule", "mon 08:00"], "The cohort name is empty"),
        (["a b", "--schedule", "mon 08:00"], 'The cohort name "a b" may only contain'),
        (["x/y", "--schedule", "mon 08:00"], "may only contain letters, digits"),
        (["x" * 65, "--schedule", "mon 08:00"], "longer than 64 characters"),
        (["c", "--schedule", "mon 25:00"], 'Unknown time "25:00" in the schedule'),
        (["c", "--schedule", "someday"], 'Cannot read the schedule "someday"'),
        (["c", "--schedule", "mon 08:00", "--timezone", "Jakarta"], "Asia/Jakarta (WIB)"),
        (["c", "--schedule", "mon 08:00", "--unit", " "], "The unit is empty"),
        (["c", "--schedule", "mon 08:00", "--unit", "x" * 17], "longer than 16 characters"),
        (["c", "--schedule", "mon 08:00", "--quiet-hours", "late"], "Cannot read the quiet hours"),
        (["c", "--schedule", "mon 08:00", "--max-quantity", "0"], "The maximum quantity"),
        (["c", "--schedule", "mon 08:00", "--max-quantity", "lots"], "The maximum quantity"),
    ],
)
def test_create_refuses_bad_values_in_one_line(
    kabar, database_url: str, args: list[str], message: str
) -> None:  # type: ignore[no-untyped-def]
    result = kabar("cohort", "create", *args)
    assert result.exit_code == 1
    assert message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert _cohorts(database_url) == {}


def test_create_needs_a_schedule(kabar) -> None:  # type: ignore[no-untyped-def]
    result = kabar("cohort", "create", "pelepah")
    assert result.exit_code == 2
    assert "--schedule" in result.stderr


def test_create_an_existing_name_suggests_update(kabar, database_url: str) -> None:  # type: ignore[no-untyped-def]
    assert kabar("cohort", "create", "pelepah", "--schedule", "mon 08:00").exit_code == 0
    result = kabar("cohort", "create", "pelepah", "--schedule", "tue 08:00")
    assert result.exit_code == 1
    assert 'Cohort "pelepah" already exists' in result.stderr
    assert "kabar cohort update pelepah" in result.stderr
    assert _cohorts(database_url)["pelepah"].schedule == "mon 08:00"


def test_update_changes_only_what_is_given(kabar, database_url: str) -> None:  # type: ignore[no-untyped-def]
    # A roster import creates unknown cohorts with the default schedule; staff then fix it.
    seed(database_url, [], cohorts=["from-roster"])
    result = kabar(
        "cohort", "update", "from-roster", "--schedule", "monthly 31 09:00", "--quiet-hours", "none"
    )
    assert result.exit_code == 0, result.output
    assert "schedule: mon 08:00 → monthly 31 09:00" in result.stdout
    assert "quiet hours: 21:00-06:00 → none" in result.stdout
    cohort = _cohorts(database_url)["from-roster"]
    assert cohort.schedule == "monthly 31 09:00"
    assert cohort.quiet_hours_start == cohort.quiet_hours_end
    assert (cohort.timezone, cohort.unit) == ("Asia/Jakarta", "kg")
    entry = _audit(database_url)[-1]
    assert entry.action == "cohort.updated"
    assert entry.details["changes"] == {
        "schedule": ["mon 08:00", "monthly 31 09:00"],
        "quiet_hours": ["21:00-06:00", "none"],
    }


def test_update_with_the_same_values_changes_nothing(kabar, database_url: str) -> None:  # type: ignore[no-untyped-def]
    seed(database_url, [], cohorts=["c1"])
    result = kabar("cohort", "update", "c1", "--schedule", "senin 08:00", "--max-quantity", "10000")
    assert result.exit_code == 0, result.output
    assert "already had these settings" in result.stdout
    assert _audit(database_url) == []


def test_update_errors(kabar, database_url: str) -> None:  # type: ignore[no-untyped-def]
    seed(database_url, [], cohorts=["c1"])
    unknown = kabar("cohort", "update", "nope", "--unit", "ikat")
    assert unknown.exit_code == 1
    assert 'There is no cohort "nope"' in unknown.stderr
    nothing = kabar("cohort", "update", "c1")
    assert nothing.exit_code == 1
    assert "Nothing to change" in nothing.stderr
    bad = kabar("cohort", "update", "c1", "--unit", "ikat", "--schedule", "every 9 weeks")
    assert bad.exit_code == 1
    assert _cohorts(database_url)["c1"].unit == "kg"  # nothing applied when one value is bad


def test_a_schedule_inside_quiet_hours_is_pointed_out(kabar) -> None:  # type: ignore[no-untyped-def]
    result = kabar("cohort", "create", "late", "--schedule", "fri 22:00")
    assert result.exit_code == 0
    assert "falls within the quiet hours 21:00-06:00" in result.stderr


def test_list(kabar, database_url: str) -> None:  # type: ignore[no-untyped-def]
    empty = kabar("cohort", "list")
    assert empty.exit_code == 0
    assert "No cohorts yet" in empty.stdout
    seed(
        database_url,
        [
            P("PDP-1", role=Role.FACILITATOR, cohort="alpha"),
            P("KPM-1", cohort="alpha", supervisor="PDP-1", registered=True),
            P("KPM-2", cohort="alpha", supervisor="PDP-1"),
            P("KPM-3", cohort="alpha", supervisor="PDP-1", registered=True),
            P("KPM-4", cohort="beta"),
        ],
        cohorts=["alpha", "beta"],
    )
    assert kabar("cohort", "update", "beta", "--timezone", "WIT", "--unit", "ikat").exit_code == 0
    result = kabar("cohort", "list")
    assert result.exit_code == 0, result.output
    lines = {line.split("│")[1].strip(): line for line in result.stdout.splitlines() if "│" in line}
    alpha = [cell.strip() for cell in lines["alpha"].split("│")[1:-1]]
    beta = [cell.strip() for cell in lines["beta"].split("│")[1:-1]]
    assert alpha[:8] == [
        "alpha",
        "mon 08:00",
        "Asia/Jakarta",
        "kg",
        "10,000",
        "21:00-06:00",
        "3",
        "2",
    ]
    assert alpha[8].startswith("Mon ") and alpha[8].endswith("08:00 +0700")
    assert beta[:8] == [
        "beta",
        "mon 08:00",
        "Asia/Jayapura",
        "ikat",
        "10,000",
        "21:00-06:00",
        "1",
        "0",
    ]
    assert beta[8].endswith("08:00 +0900")


def test_list_in_indonesian(kabar, database_url: str) -> None:  # type: ignore[no-untyped-def]
    seed(database_url, [], cohorts=["alpha"])
    result = kabar("cohort", "list", KABAR_LOCALE="id")
    assert result.exit_code == 0
    assert "Sen " in result.stdout and "WIB" in result.stdout
    assert "10.000" in result.stdout
