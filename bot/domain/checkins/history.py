"""What is usual, for the check-in's plausibility questions: the family's own income from
earlier rounds, and the cohort's price per unit."""

from __future__ import annotations

from decimal import Decimal
from statistics import median

from sqlalchemy import bindparam, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import FollowUpRecord, Round

# Recent answers only: enough for a median, few rows read at the one question that asks.
FAMILY_ROUNDS = 12
COHORT_SALES = 200
# Fewer than this many answers say nothing usual.
LEAST_FAMILY = 2
LEAST_COHORT = 5


# Built once and run on the session's connection, without an ORM flush: a flush here split
# the pending UPDATEs of a whole group of answers (bot/tg/processor.py writes them in one
# statement a table). What they read is committed answers: the family's other rounds, and the
# cohort's sales (another family's answer in the same group counts from the next group on,
# as it would had it come a moment later).
_FAMILY_INCOME = (
    select(FollowUpRecord.revenue_idr)
    .where(
        FollowUpRecord.person_id == bindparam("person"),
        FollowUpRecord.revenue_idr > 0,
    )
    .order_by(FollowUpRecord.id.desc())
    .limit(FAMILY_ROUNDS)
)
_FAMILY_INCOME_BUT = _FAMILY_INCOME.where(FollowUpRecord.round_id != bindparam("round"))
_COHORT_SALES = (
    select(FollowUpRecord.revenue_idr, FollowUpRecord.quantity_sold)
    .join(Round, Round.id == FollowUpRecord.round_id)
    .where(
        Round.cohort_id == bindparam("cohort"),
        FollowUpRecord.revenue_idr > 0,
        FollowUpRecord.quantity_sold > 0,
    )
    .order_by(FollowUpRecord.round_id.desc())
    .limit(COHORT_SALES)
)


async def usual_income(session: AsyncSession, person_id: str, round_id: int | None) -> int | None:
    """The median of the family's income answers in other rounds."""
    connection = await session.connection()
    if round_id is None:
        rows = await connection.execute(_FAMILY_INCOME, {"person": person_id})
    else:
        params = {"person": person_id, "round": round_id}
        rows = await connection.execute(_FAMILY_INCOME_BUT, params)
    amounts = [int(a) for a in rows.scalars() if a is not None]
    return int(median(amounts)) if len(amounts) >= LEAST_FAMILY else None


async def usual_price(session: AsyncSession, cohort_id: int) -> Decimal | None:
    """The median price per unit in the cohort's recent sales (its latest rounds first: the
    records' round index serves it)."""
    connection = await session.connection()
    prices = [
        Decimal(amount) / quantity
        for amount, quantity in await connection.execute(_COHORT_SALES, {"cohort": cohort_id})
        if amount is not None and quantity
    ]
    return median(prices) if len(prices) >= LEAST_COHORT else None
