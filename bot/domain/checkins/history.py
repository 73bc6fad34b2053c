"""What is usual, for the check-in's plausibility questions: the family's own income from
earlier rounds, and the cohort's price per unit."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from statistics import median

from sqlalchemy import bindparam, func, select
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
# Several families at once: each one's newest answers, one more than a family's read takes,
# since the one of the round being answered, if among them, is left out after the read.
_RANKED = (
    select(
        FollowUpRecord.person_id,
        FollowUpRecord.round_id,
        FollowUpRecord.revenue_idr,
        func.row_number()
        .over(partition_by=FollowUpRecord.person_id, order_by=FollowUpRecord.id.desc())
        .label("newest"),
    )
    .where(
        FollowUpRecord.person_id.in_(bindparam("people", expanding=True)),
        FollowUpRecord.revenue_idr > 0,
    )
    .subquery()
)
_FAMILIES_INCOME = (
    select(_RANKED.c.person_id, _RANKED.c.round_id, _RANKED.c.revenue_idr)
    .where(_RANKED.c.newest <= FAMILY_ROUNDS + 1)
    .order_by(_RANKED.c.person_id, _RANKED.c.newest)
)
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
    return _usual([int(a) for a in rows.scalars() if a is not None])


def _usual(amounts: list[int]) -> int | None:
    return int(median(amounts)) if len(amounts) >= LEAST_FAMILY else None


async def usual_incomes(
    session: AsyncSession, rounds: Mapping[str, int | None]
) -> dict[str, int | None]:
    """`usual_income` of several families in one statement: person -> the round being
    answered (its answer left out; None: none)."""
    if not rounds:
        return {}
    connection = await session.connection()
    found: dict[str, list[int]] = {person: [] for person in rounds}
    rows = await connection.execute(_FAMILIES_INCOME, {"people": sorted(rounds)})
    for person, round_id, amount in rows:  # each family's newest first
        amounts = found[person]
        if amount is not None and round_id != rounds[person] and len(amounts) < FAMILY_ROUNDS:
            amounts.append(int(amount))
    return {person: _usual(amounts) for person, amounts in found.items()}


@dataclass
class GroupIncomes:
    """The usual incomes of a group of updates' families (bot/tg/prefetch.py): the first
    family at a checked question reads them for every family of the group whose open
    conversation is at that same question, one statement instead of one each. What they
    read are other rounds' answers, which the group does not change."""

    # person -> (their open conversation's round, its question); left once read.
    waiting: dict[str, tuple[int | None, str | None]] = field(default_factory=dict)
    known: dict[tuple[str, int | None], int | None] = field(default_factory=dict)

    async def of(
        self, session: AsyncSession, person_id: str, round_id: int | None, step: str | None
    ) -> int | None:
        key = (person_id, round_id)
        if key not in self.known:
            wanted = {p: r for p, (r, s) in self.waiting.items() if s == step}
            wanted[person_id] = round_id
            for person in wanted:
                self.waiting.pop(person, None)
            read = await usual_incomes(session, wanted)
            self.known.update({(p, wanted[p]): amount for p, amount in read.items()})
        return self.known[key]


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
