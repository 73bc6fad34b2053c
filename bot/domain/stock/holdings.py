"""How much stock each family holds, computed in SQL over all their check-ins at once.

Definition. A family's stock of one unit after a check-in is what it held before, plus what
it produced, minus what it sold, never below zero (selling more than was produced empties
the stock and goes no further: the rest came from before Kabar counted, or was mistyped):

    S(r) = max(0, S(r-1) + produced(r) - sold(r)),  S(before the first round) = 0

Missed rounds change nothing; a partly answered check-in counts with what it says (an
unanswered quantity is 0). The stock "began" at the first round after the last one that
left the family with none: that round's opening is the "since" of the pickup list.

In SQL, without a loop: with C(r) the plain running sum of produced - sold, the floored
sum is S(r) = C(r) - min(0, min over k <= r of C(k)) (the running minimum takes off what was
sold beyond stock). S(r) = 0 exactly when C(r) is the running minimum and C(r) <= 0. So two
window passes (the running sum, then its running minimum) and one GROUP BY per family give
every family's stock and since when, in one statement.

Only families whose latest answer to "offer my stock to buying partners?" is yes are
listed: the question is asked when they hold stock, and the answer stands until asked again.

Kept, not computed per request: the whole history is 5.2 million check-ins for 100,000
families × 52 rounds, too many to read within two seconds on SQLite (one window pass alone
takes 3 s of CPU). So each family's result is kept in `family_stocks` (one row per family
and unit holding stock), recomputed by the same statement for that family alone when they
finish a check-in (`refresh_stocks`; for everyone at once without a person); the pickup
list reads those rows. Check-ins answered before migration 0011 are counted once the family
finishes their first check-in after it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Select,
    Subquery,
    and_,
    bindparam,
    case,
    delete,
    false,
    func,
    insert,
    literal,
    select,
    true,
)
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import Cohort, FamilyStock, FollowUpRecord, Person, RecordStatus, Round
from bot.db.models.base import table_of
from bot.db.types import UTCDateTime


@dataclass(slots=True)
class Holding:
    """One family's offered stock of one unit."""

    person_id: str
    name: str
    village: str | None
    district: str | None
    product: str  # the cohort's name: what the cohort was trained to make
    timezone: str  # the cohort's, to show `since` as the families' date
    unit: str
    quantity: Decimal
    since: datetime  # when the round in which the stock began opened


def _per_round(
    families: ColumnElement[bool] | None, person_id: str | None, before_round: int | None
) -> Subquery:
    """Layer 1: each check-in's change of stock and the running sum, per family and unit."""
    r = FollowUpRecord
    delta = func.coalesce(r.quantity_produced, 0) - func.coalesce(r.quantity_sold, 0)
    key = (r.person_id, r.unit)
    query = select(
        r.person_id,
        r.unit,
        r.round_id,
        r.offer_stock,
        func.sum(delta)
        .over(partition_by=key, order_by=r.round_id, rows=(None, 0))
        .label("running"),
        func.lead(r.round_id).over(partition_by=key, order_by=r.round_id).label("next_round"),
    ).where(r.status != RecordStatus.MISSED, r.unit.is_not(None))
    if families is not None:
        query = query.where(r.person_id.in_(select(Person.id).where(families)))
    if person_id is not None:
        query = query.where(r.person_id == person_id)
    if before_round is not None:
        query = query.where(r.round_id < before_round)
    return query.subquery("per_round")


def family_stock(
    families: ColumnElement[bool] | None = None,
    person_id: str | None = None,
    before_round: int | None = None,
) -> Subquery:
    """Per family and unit: `quantity` held now, `began_round` (the round the stock began
    in), `answered_round` (the latest round with an answer to the offer question) and
    `offered_round` (the latest with a yes). `families` filters Person (None: everyone)."""
    rows = _per_round(families, person_id, before_round)
    key = (rows.c.person_id, rows.c.unit)
    low = func.min(rows.c.running).over(partition_by=key, order_by=rows.c.round_id, rows=(None, 0))
    empty = case((and_(rows.c.running == low, rows.c.running <= 0), 1), else_=0)
    marked = select(rows, empty.label("empty")).subquery("marked")
    lowest = func.min(marked.c.running)
    latest = func.max(case((marked.c.next_round.is_(None), marked.c.running)))
    quantity = latest - case((lowest < 0, lowest), else_=literal(0))
    began = func.coalesce(
        func.max(case((marked.c.empty == 1, marked.c.next_round))), func.min(marked.c.round_id)
    )
    answered = func.max(case((marked.c.offer_stock.is_not(None), marked.c.round_id)))
    offered = func.max(case((marked.c.offer_stock == true(), marked.c.round_id)))
    return (
        select(
            marked.c.person_id,
            marked.c.unit,
            quantity.label("quantity"),
            began.label("began_round"),
            answered.label("answered_round"),
            offered.label("offered_round"),
        )
        .group_by(marked.c.person_id, marked.c.unit)
        .subquery("family_stock")
    )


# What `stock_before` reads, built once (a statement built per call costs its construction
# and cache key) and run on the session's connection, without an ORM flush: the kept stock is
# written only by Core statements, and the records it may recompute from are of earlier
# rounds, which no answer changes. A flush there split a group's pending UPDATEs (bot/tg/
# processor.py writes them in one statement a table) at every question that reads it.
_OPENED = select(Round.opened_at).where(Round.id == bindparam("round"))


@dataclass(frozen=True, slots=True)
class KeptStock:
    """A family's kept stock (`family_stocks`, all units together) and when it was kept
    (None: no row, nothing held), as read for a group of answers (bot/tg/prefetch.py)."""

    quantity: Decimal | None
    updated_at: datetime | None


NOTHING_KEPT = KeptStock(None, None)
# Every family's kept stock among the `people` bound: (person_id, quantity, updated_at).
_KEPT_STOCKS = (
    select(FamilyStock.person_id, func.sum(FamilyStock.quantity), func.max(FamilyStock.updated_at))
    .where(FamilyStock.person_id.in_(bindparam("people", expanding=True)))
    .group_by(FamilyStock.person_id)
)


async def kept_stocks(session: AsyncSession, people: Sequence[str]) -> dict[str, KeptStock]:
    """Each of `people`'s kept stock (`NOTHING_KEPT` when none is), one statement for all,
    on the session's connection: no ORM flush (see above)."""
    connection = await session.connection()
    found = dict.fromkeys(people, NOTHING_KEPT)
    for person_id, quantity, updated_at in await connection.execute(
        _KEPT_STOCKS, {"people": list(people)}
    ):
        found[person_id] = KeptStock(quantity, updated_at)
    return found


async def stock_before(
    session: AsyncSession,
    person_id: str,
    round_id: int | None,
    *,
    kept: KeptStock | None = None,
    opened: datetime | None = None,
) -> Decimal:
    """What the family held (all units together: a family makes one product) before the
    round `round_id`, for the check-in's offer question. `kept` and the round's `opened`
    time, when given, were read in this transaction (the group's prefetch).

    Asked at several questions of every check-in, so read from the kept stock (one primary
    key lookup) when it was kept before the round opened; recomputed from the records only
    when the family already finished (part of) this round, or a later one, since then."""
    if kept is None:
        kept = (await kept_stocks(session, [person_id]))[person_id]
    connection = await session.connection()
    if round_id is not None and kept.updated_at is not None and opened is None:
        opened = (await connection.execute(_OPENED, {"round": round_id})).scalar()
    if kept.updated_at is None or (opened is not None and kept.updated_at < opened):
        return Decimal(str(kept.quantity or 0))
    # The round under way is the answer in progress: the flow adds it itself.
    stock = family_stock(person_id=person_id, before_round=round_id)
    value = (await connection.execute(select(func.sum(stock.c.quantity)))).scalar()
    return Decimal(str(value or 0))


async def refresh_stocks(
    session: AsyncSession, now: datetime, person_id: str | None = None
) -> None:
    """Recompute the kept stock (FamilyStock) of one family, or of every family (None),
    from their check-ins, in one INSERT ... SELECT. Called when a family finishes a
    check-in, so the pickup list reads one row per family holding stock; a check-in left
    unfinished counts from the family's next finished one."""
    table = table_of(FamilyStock)
    if person_id is None:
        await session.execute(delete(table))
    else:
        await session.execute(delete(table).where(table.c.person_id == person_id))
    stock = family_stock(person_id=person_id)
    offered = case((stock.c.offered_round == stock.c.answered_round, true()), else_=false())
    rows = select(
        stock.c.person_id,
        stock.c.unit,
        stock.c.quantity,
        stock.c.began_round,
        offered,
        literal(now, UTCDateTime()),
    ).where(stock.c.quantity > 0)
    columns = ("person_id", "unit", "quantity", "since_round_id", "offered", "updated_at")
    await session.execute(insert(table).from_select(columns, rows))


def _offered(families: ColumnElement[bool] | None) -> Select[Any]:
    query = (
        select(FamilyStock.person_id)
        .join(Person, Person.id == FamilyStock.person_id)
        .where(FamilyStock.offered == true(), FamilyStock.quantity > 0)
    )
    return query.where(families) if families is not None else query


async def _rounds_and_cohorts(
    session: AsyncSession,
) -> tuple[dict[int, datetime], dict[int, tuple[str, str]]]:
    """Every round's opening and every cohort's (name, time zone): a few hundred rows, read
    once rather than joined onto every family's row."""
    rounds = {row[0]: row[1] for row in await session.execute(select(Round.id, Round.opened_at))}
    cohorts = {
        row.id: (row.name, row.timezone)
        for row in await session.execute(select(Cohort.id, Cohort.name, Cohort.timezone))
    }
    return rounds, cohorts


async def offered_holdings(
    session: AsyncSession, families: ColumnElement[bool] | None
) -> list[Holding]:
    """Every offered stock of the families `families` selects (None: every family), by
    district, village, product, unit and name."""
    query = (
        _offered(families)
        .add_columns(
            Person.name,
            Person.village,
            Person.district,
            Person.cohort_id,
            FamilyStock.unit,
            FamilyStock.quantity,
            FamilyStock.since_round_id,
        )
        .where(Person.cohort_id.is_not(None))
        .order_by(Person.district, Person.village, Person.cohort_id, FamilyStock.unit, Person.name)
    )
    rows = (await session.execute(query)).all()
    rounds, cohorts = await _rounds_and_cohorts(session)
    made = [
        Holding(person_id, name, village, district, *cohorts[cohort], unit, quantity, rounds[began])
        for person_id, name, village, district, cohort, unit, quantity, began in rows
        if began is not None
    ]
    # Cohort ids sort the rows in SQL; the list reads by product name.
    made.sort(key=lambda h: (h.district or "", h.village or "", h.product, h.unit))
    return made


@dataclass(slots=True)
class VillageStock:
    """One village's offered stock of one product and unit, summed in SQL: no family's
    name or id is read (what a buying partner is shown)."""

    district: str | None
    village: str | None
    product: str
    timezone: str
    unit: str
    quantity: Decimal
    since: datetime
    families: int


async def village_stock(
    session: AsyncSession, families: ColumnElement[bool] | None
) -> list[VillageStock]:
    offered = _offered(families).add_columns(
        Person.district, Person.village, Person.cohort_id, FamilyStock.unit,
        FamilyStock.quantity, FamilyStock.since_round_id,
    ).subquery("offered")  # fmt: skip
    query = (
        select(
            offered.c.district,
            offered.c.village,
            offered.c.cohort_id,
            offered.c.unit,
            func.sum(offered.c.quantity),
            func.min(offered.c.since_round_id),
            func.count(),
        )
        .where(offered.c.cohort_id.is_not(None), offered.c.since_round_id.is_not(None))
        .group_by(offered.c.district, offered.c.village, offered.c.cohort_id, offered.c.unit)
    )
    rows = (await session.execute(query)).all()
    rounds, cohorts = await _rounds_and_cohorts(session)
    made = [
        VillageStock(
            district, village, *cohorts[cohort], unit, Decimal(str(total)), rounds[first], count
        )
        for district, village, cohort, unit, total, first, count in rows
    ]
    made.sort(key=lambda v: (v.district or "", v.village or "", v.product, v.unit))
    return made
