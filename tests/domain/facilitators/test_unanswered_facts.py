"""A check-in answered part way shows what the family did not answer as a dash, on the
alert card and in /peserta: "sold 0 kg, income Rp0" would tell the facilitator they sold
nothing. A family who sold nothing was not asked the income: that is Rp0."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from sqlalchemy import select

from bot.db.database import Database
from bot.db.models import Alert, Cohort, FollowUpRecord, RecordStatus, Round
from tests.domain.facilitators.test_local_dates import as_pdp01_reads_them
from tests.support.programme import NOW, seed_programme


async def seed(db: Database) -> int:
    await seed_programme(db)
    async with db.transaction() as session:
        cohort_id = await session.scalar(select(Cohort.id))
        assert cohort_id is not None
        rounds = [
            Round(
                cohort_id=cohort_id,
                kind="manual",
                scheduled_for=NOW - timedelta(weeks=weeks),
                opened_at=NOW - timedelta(weeks=weeks),
                closes_at=NOW - timedelta(weeks=weeks) + timedelta(days=6),
            )
            for weeks in (1, 0)
        ]
        session.add_all(rounds)
        await session.flush()
        # Sold nothing (so not asked the income); then a check-in stopped after the amount.
        for opened, status, sold, made in (
            (rounds[0], RecordStatus.ANSWERED, Decimal(0), Decimal(4)),
            (rounds[1], RecordStatus.PARTIAL, None, Decimal(5)),
        ):
            session.add(
                FollowUpRecord(
                    round_id=opened.id,
                    person_id="KPM-01",
                    status=status,
                    produced=True,
                    quantity_produced=made,
                    quantity_sold=sold,
                    unit="kg",
                    created_at=NOW,
                    updated_at=NOW,
                )
            )
        alert = Alert(
            person_id="KPM-01", rule="help", assigned_to_id="PDP-01", opened_at=NOW, details={}
        )
        session.add(alert)
        await session.flush()
        return alert.id


async def test_what_was_not_answered_is_a_dash_not_a_zero(db: Database) -> None:
    card, details, _board = await as_pdp01_reads_them(db, await seed(db), "en")
    assert "produksi 5 kg, terjual —, pendapatan —" in card
    assert "produksi 4 kg, terjual 0 kg, pendapatan Rp0" in card
    assert "produced 5 kg, sold —, income —" in details
    assert "produced 4 kg, sold 0 kg, income IDR0" in details
