"""What is usual for the plausibility question, read from the records table."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from sqlalchemy import select

from bot.db.database import Database
from bot.db.models import Cohort, FollowUpRecord, RecordStatus, Round
from bot.domain.checkins.history import usual_income, usual_price
from tests.support.programme import COHORT, NOW, seed_programme


async def test_the_familys_median_and_the_cohorts_price(db: Database) -> None:
    await seed_programme(db)
    async with db.transaction() as session:
        cohort = (await session.execute(select(Cohort).where(Cohort.name == COHORT))).scalar_one()
        rounds = [
            Round(
                cohort_id=cohort.id,
                kind="scheduled",
                scheduled_for=NOW + timedelta(days=7 * week),
                opened_at=NOW + timedelta(days=7 * week),
                closes_at=NOW + timedelta(days=7 * week + 6),
            )
            for week in range(4)
        ]
        session.add_all(rounds)
        await session.flush()
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
