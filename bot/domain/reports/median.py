"""The median income per producing family of each round, found in SQL.

The values are the producing families' revenue, with 0 for a family that sold nothing
(its revenue was not asked); a family whose revenue is unknown (stopped before the
question) is left out. Two ways, one per kind of scope:

- every family: each round's middle one or two known revenues are read at an offset of
  the partial index on (round_id, revenue_idr) of producing records, after the zeros
  (their number comes with the round's sums): one short ordered read per round, where a
  sort of 2.7 million values took seconds;
- some families (a facilitator's, a district's): one window numbering their values per
  round, starting from the families (an index on person_id), which are few.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from decimal import Decimal

from sqlalchemy import and_, case, func, or_, select, true
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import FollowUpRecord, Person
from bot.domain.reports.scope import Selection, of_rounds


def middle(values: list[int]) -> Decimal:
    """Whole rupiah, or a half between the two middle values."""
    return Decimal(sum(values)) / len(values)


async def _by_offset(
    session: AsyncSession, round_id: int, known: int, zeros: int
) -> Decimal | None:
    count = known + zeros
    if count == 0:
        return None
    low, high = (count - 1) // 2, count // 2
    values: list[int] = [0 for k in (low, high) if k < zeros]
    first = max(low, zeros)
    if first <= high:
        record = FollowUpRecord
        read = await session.scalars(
            select(record.revenue_idr)
            .where(
                record.round_id == round_id,
                record.produced == true(),  # the partial index's own condition
                record.revenue_idr.is_not(None),
            )
            .order_by(record.revenue_idr)
            .offset(first - zeros)
            .limit(high - first + 1)
        )
        values.extend(int(value) for value in read.all() if value is not None)
    return middle(values)


async def _by_window(
    session: AsyncSession, selection: Selection, round_ids: list[int]
) -> dict[int, Decimal]:
    assert selection.families is not None
    record = FollowUpRecord
    value = case((record.revenue_idr.is_not(None), record.revenue_idr), else_=0)
    numbered = (
        select(
            record.round_id,
            value.label("value"),
            func.row_number().over(partition_by=record.round_id, order_by=value).label("k"),
            func.count().over(partition_by=record.round_id).label("n"),
        )
        .select_from(Person)
        .join(record, record.person_id == Person.id)
        .where(
            selection.families,
            of_rounds(selection, round_ids),
            record.produced == true(),
            or_(record.revenue_idr.is_not(None), record.quantity_sold == 0),
        )
    ).subquery()
    n, k = numbered.c.n, numbered.c.k
    rows = await session.execute(
        select(numbered.c.round_id, numbered.c.value).where(
            or_(k == (n + 1) // 2, and_(n % 2 == 0, k == n // 2 + 1))
        )
    )
    values: dict[int, list[int]] = defaultdict(list)
    for round_id, amount in rows.all():
        values[round_id].append(int(amount))
    return {round_id: middle(found) for round_id, found in values.items()}


async def medians(
    session: AsyncSession, selection: Selection, counts: Mapping[int, tuple[int, int]]
) -> dict[int, Decimal | None]:
    """Per round id: the median income per producing family, None when none is known.
    `counts`: per round, producing families with a known revenue, and that sold nothing."""
    if selection.families is None:
        return {
            round_id: await _by_offset(session, round_id, known, zeros)
            for round_id, (known, zeros) in counts.items()
        }
    found = await _by_window(session, selection, list(counts))
    return {round_id: found.get(round_id) for round_id in counts}
