"""What is usual for the plausibility question, read from the records table."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from statistics import median
from typing import Any

from sqlalchemy import event, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.database import Database
from bot.db.models import Cohort, Conversation, FollowUpRecord, Person, RecordStatus, Round
from bot.dialogue.binding import Turn
from bot.domain.checkins.binding import CheckinBinding
from bot.domain.checkins.history import (
    FAMILY_ROUNDS,
    GroupIncomes,
    usual_income,
    usual_incomes,
    usual_price,
)
from bot.domain.rounds.opening import open_round
from tests.domain.rounds.support import seed_cohort
from tests.support.programme import COHORT, NOW, seed_programme


async def _weekly_rounds(session: AsyncSession, cohort: Cohort, count: int) -> list[Round]:
    rounds = [
        Round(
            cohort_id=cohort.id,
            kind="scheduled",
            scheduled_for=NOW + timedelta(days=7 * week),
            opened_at=NOW + timedelta(days=7 * week),
            closes_at=NOW + timedelta(days=7 * week + 6),
        )
        for week in range(count)
    ]
    session.add_all(rounds)
    await session.flush()
    return rounds


async def test_the_familys_median_and_the_cohorts_price(db: Database) -> None:
    await seed_programme(db)
    async with db.transaction() as session:
        cohort = (await session.execute(select(Cohort).where(Cohort.name == COHORT))).scalar_one()
        rounds = await _weekly_rounds(session, cohort, 4)
        # Siti: three rounds answered at Rp10.000 a kg; the open round has her Rp7.
        sales = [("KPM-01", 40_000, 4), ("KPM-01", 60_000, 6), ("KPM-01", 50_000, 5)]
        sales += [("KPM-02", 20_000, 2), ("KPM-02", 30_000, 3)]
        for index, (person, amount, kilos) in enumerate(sales):
            session.add(
                FollowUpRecord(
                    round_id=rounds[index % 3].id,
                    person_id=person,
                    status=RecordStatus.ANSWERED,
                    revenue_idr=amount,
                    quantity_sold=Decimal(kilos),
                    created_at=NOW,
                    updated_at=NOW,
                )
            )
        session.add(
            FollowUpRecord(
                round_id=rounds[3].id,
                person_id="KPM-01",
                status=RecordStatus.PARTIAL,
                revenue_idr=7,
                quantity_sold=Decimal(1),
                created_at=NOW,
                updated_at=NOW,
            )
        )
    async with db.sessions() as session:
        assert await usual_income(session, "KPM-01", rounds[3].id) == 50_000
        assert await usual_income(session, "KPM-03", rounds[3].id) is None  # no history
        # Five sales at Rp10.000 a kg and one at Rp7: the median is Rp10.000.
        assert await usual_price(session, cohort.id) == Decimal(10_000)


async def test_a_group_of_answers_reads_the_cohorts_sales_once(db: Database) -> None:
    """Families of one cohort answering their income in one group of updates: the cohort's
    usual price and the families' own incomes are read for the first and shared
    (bot/tg/prefetch.py)."""
    await seed_cohort(db, 3, quiet=("00:00", "00:00"))
    async with db.transaction() as session:
        cohort = (await session.execute(select(Cohort))).scalar_one()
        await open_round(session, cohort, now=NOW)
    seen: list[str] = []

    def record(*args: Any) -> None:
        seen.append(args[2])  # (connection, cursor, statement, ...)

    async with db.transaction() as session:
        conversations = (await session.execute(select(Conversation))).scalars().all()
        assert len(conversations) == 3
        waiting = {c.person_id: (c.round_id, "revenue_idr") for c in conversations}
        # What the prefetch hands each turn of the group.
        group: dict[str, Any] = {"usual_prices": {}, "usual_incomes": GroupIncomes(waiting)}
        event.listen(db.engine.sync_engine, "before_cursor_execute", record)
        try:
            for conversation in conversations:
                conversation.step = "revenue_idr"
                person = await session.get(Person, conversation.person_id)
                assert person is not None
                loaded = {"cohort": cohort, **group}
                turn = Turn(session, conversation, person, 1, NOW, loaded)
                await CheckinBinding().limits(turn)
        finally:
            event.remove(db.engine.sync_engine, "before_cursor_execute", record)
    sales = [s for s in seen if s.startswith("SELECT follow_up_records.revenue_idr")]
    cohort_sales = [s for s in sales if "JOIN rounds" in s]
    family_income = [s for s in sales if "JOIN" not in s]
    assert len(cohort_sales) == 1, "the cohort's sales, once for the group"
    assert len(family_income) == 0
    families = [s for s in seen if s.startswith("SELECT anon_1.person_id")]
    assert len(families) == 1, "the families' own histories, once for the group"


async def test_the_groups_read_of_incomes_is_each_familys_own(db: Database) -> None:
    """Read for several families at once, each family's usual income is what its own read
    gives: its newest answers but the round's, at most FAMILY_ROUNDS of them."""
    await seed_programme(db)
    async with db.transaction() as session:
        cohort = (await session.execute(select(Cohort).where(Cohort.name == COHORT))).scalar_one()
        rounds = await _weekly_rounds(session, cohort, FAMILY_ROUNDS + 4)
        # KPM-01: a rising income over every round, the last one the round being answered
        # (among its newest), so the window's edge decides the median. KPM-02: two answers,
        # one of them nothing; KPM-03: the answered round is an old one.
        for index, round_ in enumerate(rounds):
            answers = [("KPM-01", 1_000 * (index + 1)), ("KPM-03", 500 * (index % 5 + 1))]
            if index < 2:
                answers.append(("KPM-02", 0 if index else 9_000))
            for person, amount in answers:
                session.add(
                    FollowUpRecord(
                        round_id=round_.id,
                        person_id=person,
                        status=RecordStatus.ANSWERED,
                        revenue_idr=amount,
                        created_at=NOW,
                        updated_at=NOW,
                    )
                )
    wanted = {"KPM-01": rounds[-1].id, "KPM-02": rounds[-1].id, "KPM-03": rounds[3].id}
    async with db.sessions() as session:
        together = await usual_incomes(session, wanted)
        alone = {p: await usual_income(session, p, r) for p, r in wanted.items()}
        assert together == alone
        assert await usual_incomes(session, {"KPM-01": None}) == {
            "KPM-01": await usual_income(session, "KPM-01", None)
        }
    newest = [1_000 * (n + 1) for n in range(len(rounds) - 1)][-FAMILY_ROUNDS:]
    assert together["KPM-01"] == int(median(newest)) and together["KPM-02"] is None
