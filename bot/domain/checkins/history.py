"""What is usual, for the check-in's plausibility questions: the family's own income from
earlier rounds, and the cohort's price per unit."""

from __future__ import annotations

from decimal import Decimal
from statistics import median

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import FollowUpRecord, Round

# Recent answers only: enough for a median, few rows read at the one question that asks.
FAMILY_ROUNDS = 12
COHORT_SALES = 200
# Fewer than this many answers say nothing usual.
LEAST_FAMILY = 2
LEAST_COHORT = 5


async def usual_income(session: AsyncSession, person_id: str, round_id: int | None) -> int | None:
    """The median of the family's income answers in other rounds."""
    query = (
        select(FollowUpRecord.revenue_idr)
        .where(
            FollowUpRecord.person_id == person_id,
            FollowUpRecord.revenue_idr > 0,
        )
        .order_by(FollowUpRecord.id.desc())
        .limit(FAMILY_ROUNDS)
    )
    if round_id is not None:
        query = query.where(FollowUpRecord.round_id != round_id)
    amounts = [int(a) for a in (await session.scalars(query)) if a is not None]
    return int(median(amounts)) if len(amounts) >= LEAST_FAMILY else None


async def usual_price(session: AsyncSession, cohort_id: int) -> Decimal | None:
    """The median price per unit in the cohort's recent sales (its latest rounds first: the
    records' round index serves it)."""
    query = (
        select(FollowUpRecord.revenue_idr, FollowUpRecord.quantity_sold)
        .join(Round, Round.id == FollowUpRecord.round_id)
        .where(
            Round.cohort_id == cohort_id,
            FollowUpRecord.revenue_idr > 0,
            FollowUpRecord.quantity_sold > 0,
        )
        .order_by(FollowUpRecord.round_id.desc())
        .limit(COHORT_SALES)
    )
    prices = [
        Decimal(amount) / quantity
        for amount, quantity in await session.execute(query)
        if amount is not None and quantity
    ]
    return median(prices) if len(prices) >= LEAST_COHORT else None
