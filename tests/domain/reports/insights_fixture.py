"""A small programme written by hand for the graduation and baseline tests: every figure
they expect is worked out in the tests' comments from the rows here."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.db.database import Database
from bot.db.models import (
    Alert,
    AlertStatus,
    Cohort,
    FollowUpRecord,
    ParticipantStatus,
    Person,
    RecordStatus,
    Role,
    Round,
)

FIRST = datetime(2026, 1, 5, 1, 0, tzinfo=UTC)  # a Monday
WEEK = timedelta(days=7)
NOW = datetime(2026, 7, 10, tzinfo=UTC)
K = 1_000

# An int: answered, produced, that revenue; "no": answered, produced nothing;
# None: missed (a record with status missed).
Answer = int | str | None

# Cohort "kopi": 8 closed weekly rounds and a 9th open; the default bar (500,000 in 5 of
# the last 6 closed rounds: rounds 3 to 8).
KOPI: dict[str, tuple[list[Answer], dict[str, object]]] = {
    "k1": ([600 * K] * 8, {"name": "Ani"}),
    "k2": (
        [600 * K, 600 * K, 600 * K, 600 * K, 100 * K, 600 * K, 600 * K, 600 * K],
        {"name": "Budi"},
    ),
    "k3": ([600 * K] * 4 + [100 * K, 100 * K, 600 * K, 600 * K], {"name": "Citra"}),
    "k4": ([700 * K] * 8, {"name": "Dewi", "alert": AlertStatus.OPEN}),
    "k5": ([600 * K] * 7 + [None], {"name": "Eko"}),
    "k6": ([600 * K] * 8, {"name": "Fajar", "status": ParticipantStatus.PAUSED}),
    "k7": ([0, 0, 500 * K, 500 * K, 500 * K, 500 * K, 500 * K, "no"], {"name": "Gita"}),
    "k8": ([800 * K] * 8, {"name": "Hadi", "alert": AlertStatus.RESOLVED}),
    "k9": ([900 * K, 900 * K] + ["no"] * 6, {"name": "Indah"}),
}

# Cohort "teh": 4 closed rounds; its own bar: 100,000 in 2 of the last 3 (rounds 2 to 4).
TEH: dict[str, tuple[list[Answer], dict[str, object]]] = {
    "t1": ([50 * K, 150 * K, 120 * K, 0], {"name": "Joko"}),
    "t2": ([200 * K, 200 * K, 50 * K, 50 * K], {"name": "Kartini"}),
}

# Cohort "batik": 26 closed weekly rounds from 5 January 2026. Its first month (before
# 5 February) is rounds 1-5; the month before 5 April (3 months) rounds 10-13 (9, 16, 23
# and 30 March); the month before 5 July (6 months) rounds 23-26 (8 to 29 June).
START_ROUNDS = range(0, 5)
MONTH_3 = range(9, 13)
MONTH_6 = range(22, 26)


def _batik() -> dict[str, tuple[list[Answer], dict[str, object]]]:
    def family(start: list[Answer], three: list[Answer], six: list[Answer]) -> list[Answer]:
        answers: list[Answer] = [None] * 26
        for rounds, values in ((START_ROUNDS, start), (MONTH_3, three), (MONTH_6, six)):
            for index, value in zip(rounds, values, strict=False):
                answers[index] = value
        return answers

    return {
        "b1": (
            family([100 * K] * 5, [200 * K] * 4, [300 * K, None, 300 * K, None]),
            {"name": "Lestari"},
        ),
        "b2": (family([], [150 * K] * 4, ["no"] * 4), {"name": "Made", "baseline": 1_000 * K}),
        "b3": (family(["no"], [50 * K] * 4, []), {"name": "Nyoman"}),
        "b4": (family([200 * K] * 5, [250 * K] * 4, []), {"name": "Oka"}),
    }  # fmt: skip


async def _cohort(
    session: object,
    name: str,
    families: dict[str, tuple[list[Answer], dict[str, object]]],
    closed: int,
    open_: int,
    **bar: int,
) -> None:
    from sqlalchemy.ext.asyncio import AsyncSession

    assert isinstance(session, AsyncSession)
    cohort = Cohort(name=name, schedule="mon 08:00", timezone="Asia/Jakarta", created_at=FIRST)
    for key, value in bar.items():
        setattr(cohort, key, value)
    session.add(cohort)
    await session.flush()
    rounds = []
    for index in range(closed + open_):
        opened = FIRST + index * WEEK
        rounds.append(
            Round(
                cohort_id=cohort.id,
                kind="scheduled",
                scheduled_for=opened,
                opened_at=opened,
                closes_at=opened + timedelta(days=6),
                closed_at=opened + timedelta(days=6) if index < closed else None,
            )
        )
    session.add_all(rounds)
    session.add(
        Person(
            id=f"fac-{name}", role=Role.FACILITATOR, name="Fasil", created_at=FIRST,
            updated_at=FIRST,
        )
    )  # fmt: skip
    await session.flush()
    for pid, (answers, about) in families.items():
        session.add(
            Person(
                id=pid,
                role=Role.PARTICIPANT,
                name=str(about["name"]),
                cohort_id=cohort.id,
                village="Sumberkare",
                district="Leces",
                supervisor_id=f"fac-{name}",
                status=about.get("status", ParticipantStatus.ACTIVE),
                baseline_revenue_idr=about.get("baseline"),
                consent_at=FIRST - WEEK,
                created_at=FIRST - WEEK,
                updated_at=FIRST - WEEK,
            )
        )
        await session.flush()
        for round_, answer in zip(rounds, answers, strict=False):
            at = round_.opened_at + timedelta(hours=2)
            missed = answer is None
            session.add(
                FollowUpRecord(
                    round_id=round_.id,
                    person_id=pid,
                    status=RecordStatus.MISSED if missed else RecordStatus.ANSWERED,
                    produced=None if missed else answer != "no",
                    quantity_sold=None if missed or answer == "no" else 1,
                    revenue_idr=answer if isinstance(answer, int) else None,
                    answered_at=None if missed else at,
                    created_at=at,
                    updated_at=at,
                )
            )
        if "alert" in about:
            session.add(
                Alert(
                    person_id=pid,
                    rule="not_producing",
                    status=about["alert"],
                    opened_at=FIRST,
                    round_id=rounds[0].id,
                )
            )
    await session.flush()


async def build(database_url: str) -> None:
    db = Database(database_url)
    try:
        async with db.transaction() as session:
            await _cohort(session, "kopi", KOPI, closed=8, open_=1)
            await _cohort(
                session, "teh", TEH, closed=4, open_=0,
                graduation_min_revenue_idr=100 * K, graduation_rounds=2, graduation_window=3,
            )  # fmt: skip
            await _cohort(session, "batik", _batik(), closed=26, open_=0)
    finally:
        await db.dispose()
