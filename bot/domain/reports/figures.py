"""The programme figures per cohort and round, computed in SQL.

No record is loaded into Python: one GROUP BY sums a round's records by unit, status and
production (from an index that holds every column it reads); the median revenue is one
short ordered read per round of another index; who was registered, paused or unreachable
when each round ran is one window over the families' dates. Python only adds up the few
groups per round.

Definitions (per round, among the families in scope):
- registered: agreed to take part (consent) before the round opened;
- asked: sent the round's check-in (a record, or a check-in not yet answered);
- answered / partial / missed: the record's status (a record is one family's, one round's:
  a family that answered twice, say after /ulang, is still one);
- response rate: (answered + partial) / asked, as the alert rules count a response; its
  change is against the cohort's round before;
- producing: said they produced; quantity, quantity sold and revenue: sums of what was
  reported; median revenue: among producing families whose revenue is known (selling
  nothing counts as 0);
- paused / unreachable: registered families paused, or whose Telegram account was found
  unreachable, before the round's end, and still so.
"""

from __future__ import annotations

import asyncio
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Integer,
    and_,
    case,
    cast,
    func,
    literal,
    null,
    select,
    true,
    union_all,
)
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import InstrumentedAttribute

from bot.db.models import (
    Conversation,
    FollowUpRecord,
    ParticipantStatus,
    Person,
    RecordStatus,
    Role,
    Round,
    TelegramAccount,
)
from bot.domain.reports.median import medians
from bot.domain.reports.scope import RoundRef, Selection, beside, of_rounds
from conversations.checkin import CHECKIN

THOUSANDTH = Decimal("0.001")
RATE_PLACES = Decimal("0.0001")


@dataclass(frozen=True, slots=True)
class Quantity:
    """What was produced and sold in one unit (a cohort has one unit, nearly always)."""

    unit: str
    produced: Decimal
    sold: Decimal


@dataclass(frozen=True, slots=True)
class RoundFigures:
    cohort: str
    round_number: int
    round_id: int
    opened_at: datetime
    closed: bool
    registered: int
    asked: int
    answered: int
    partial: int
    missed: int
    producing: int
    quantities: tuple[Quantity, ...]
    revenue_idr: int
    median_revenue_idr: Decimal | None
    paused: int
    unreachable: int
    response_rate: Decimal | None  # a fraction, 0 to 1, 4 places; None when nobody was asked
    response_rate_change: Decimal | None  # against the round before; None for the first, or open


@dataclass
class _Sums:
    records: int = 0
    answered: int = 0
    partial: int = 0
    missed: int = 0
    producing: int = 0
    revenue: int = 0
    revenues_known: int = 0  # producing families with a revenue figure
    sold_nothing: int = 0  # producing families that sold nothing (revenue 0)
    produced: dict[str, Decimal] | None = None
    sold: dict[str, Decimal] | None = None


def in_scope(column: InstrumentedAttribute[str], selection: Selection) -> ColumnElement[bool]:
    """`column` (a person id) is one of the selection's families; true without a filter."""
    if selection.families is None:
        return true()
    return column.in_(select(Person.id).where(selection.families))


def decimal(value: Any) -> Decimal:
    """A sum from either database (SQLite gives floats) as a Decimal to the thousandth."""
    if value is None:
        return Decimal(0)
    if isinstance(value, float):
        value = repr(value)
    return Decimal(value).quantize(THOUSANDTH)


async def _sums(
    session: AsyncSession, selection: Selection, rounds: Sequence[RoundRef]
) -> dict[int, _Sums]:
    record = FollowUpRecord
    sold_nothing = and_(record.quantity_sold == 0, record.revenue_idr.is_(None))
    statement = (
        select(
            record.round_id,
            record.unit,
            record.status,
            record.produced,
            func.count(),
            func.sum(record.quantity_produced),
            func.sum(record.quantity_sold),
            func.sum(record.revenue_idr),
            func.count(record.revenue_idr),
            func.sum(case((sold_nothing, 1), else_=0)),
        )
        .where(of_rounds(selection, [r.id for r in rounds]))
        .group_by(record.round_id, record.unit, record.status, record.produced)
    )
    if selection.families is not None:
        # From the families (a few hundred or thousand) to their records by the
        # (person_id, round_id) index, rather than through every record of the rounds.
        statement = (
            statement.select_from(Person)
            .join(record, record.person_id == Person.id)
            .where(selection.families)
        )
    units = {r.id: r.cohort.unit for r in rounds}
    out: dict[int, _Sums] = defaultdict(_Sums)
    for row in (await session.execute(statement)).all():
        round_id, unit, status, produced, count, made, sold, revenue, known, nothing = row
        if round_id not in units:
            continue
        sums = out[round_id]
        sums.records += count
        if status == RecordStatus.ANSWERED:
            sums.answered += count
        elif status == RecordStatus.PARTIAL:
            sums.partial += count
        else:
            sums.missed += count
        sums.revenue += int(revenue or 0)
        if produced:
            sums.producing += count
            sums.revenues_known += int(known or 0)
            sums.sold_nothing += int(nothing or 0)
        if made is not None or sold is not None:
            key = unit or units[round_id]  # a record without a unit is in its cohort's
            sums.produced = sums.produced or {}
            sums.sold = sums.sold or {}
            sums.produced[key] = sums.produced.get(key, Decimal(0)) + decimal(made)
            sums.sold[key] = sums.sold.get(key, Decimal(0)) + decimal(sold)
    return out


async def _people_counts(
    session: AsyncSession, selection: Selection, rounds: Sequence[RoundRef]
) -> dict[int, tuple[int, int, int]]:
    """Per round: (registered, paused, unreachable), from one running count per cohort of
    the families' dates, read at each round's opening (registered) and end (the others)."""
    cohort_ids = list({r.cohort.id for r in rounds})
    family = and_(
        Person.role == Role.PARTICIPANT,
        Person.consent_at.is_not(None),
        Person.cohort_id.in_(cohort_ids),
        selection.families if selection.families is not None else true(),
    )
    none = cast(null(), Integer)

    def event(at: Any, marker: int, round_id: Any, kind: int) -> list[Any]:
        # marker 0: a family's date; 1: a round's opening; 2: its end. The three flags
        # count registered (kind 0), paused (1), unreachable (2); a round counts none (3).
        flags = [literal(1 if kind == index else 0) for index in range(3)]
        return [at.label("at"), literal(marker).label("marker"), round_id.label("round_id"), *flags]

    registered = select(Person.cohort_id.label("cohort_id"), *event(Person.consent_at, 0, none, 0))
    paused = select(Person.cohort_id, *event(Person.paused_at, 0, none, 1)).where(
        Person.status == ParticipantStatus.PAUSED, Person.paused_at.is_not(None)
    )
    unreachable = (
        select(Person.cohort_id, *event(TelegramAccount.unreachable_at, 0, none, 2))
        .join(TelegramAccount, TelegramAccount.person_id == Person.id)
        .where(TelegramAccount.unreachable_at.is_not(None))
    )
    ids = [r.id for r in rounds]
    opening = select(Round.cohort_id, *event(Round.opened_at, 1, Round.id, 3)).where(
        Round.id.in_(ids)
    )
    ending = select(Round.cohort_id, *event(Round.closes_at, 2, Round.id, 3)).where(
        Round.id.in_(ids)
    )
    events = union_all(
        registered.where(family), paused.where(family), unreachable.where(family), opening, ending
    ).subquery()
    columns = list(events.c)
    running = (
        select(
            events.c.round_id,
            events.c.marker,
            *(
                func.sum(columns[index]).over(
                    partition_by=events.c.cohort_id,
                    order_by=(events.c.at, events.c.marker),
                    rows=(None, 0),
                )
                for index in (4, 5, 6)
            ),
        )
    ).subquery()
    rows = (await session.execute(select(running).where(running.c.marker > 0))).all()
    out: dict[int, list[int]] = defaultdict(lambda: [0, 0, 0])
    for round_id, marker, registered_count, paused_count, unreachable_count in rows:
        if marker == 1:
            out[round_id][0] = int(registered_count or 0)
        else:
            out[round_id][1] = int(paused_count or 0)
            out[round_id][2] = int(unreachable_count or 0)
    return {key: (value[0], value[1], value[2]) for key, value in out.items()}


async def _waiting(
    session: AsyncSession, selection: Selection, rounds: Sequence[RoundRef]
) -> dict[int, int]:
    """Per open round: families asked who have no record yet (a closed round gave every
    unanswered check-in a `missed` record). One query per open round, at most one per
    cohort: NOT IN a single column is a hashed lookup on both databases, where a NOT
    EXISTS probe per family took PostgreSQL 0.25 s for 100,000 families."""
    talk, record = Conversation, FollowUpRecord
    out: dict[int, int] = {}
    for r in rounds:
        if r.closed:
            continue
        recorded = select(record.person_id).where(record.round_id == r.id)
        count = await session.scalar(
            select(func.count()).where(
                talk.round_id == r.id,
                talk.flow == CHECKIN.name,
                talk.person_id.not_in(recorded),
                in_scope(talk.person_id, selection),
            )
        )
        out[r.id] = int(count or 0)
    return out


def _rate(responded: int, asked: int) -> Decimal | None:
    if asked == 0:
        return None
    return (Decimal(responded) / Decimal(asked)).quantize(RATE_PLACES)


async def _counted(
    session: AsyncSession, selection: Selection, rounds: Sequence[RoundRef]
) -> tuple[dict[int, _Sums], dict[int, Decimal | None], dict[int, int]]:
    """Sums, medians and families still waiting for `rounds`, in one view of the database:
    the medians read at offsets the sums counted."""
    if not rounds:
        return {}, {}, {}
    sums = await _sums(session, selection, rounds)
    reported = {r.id for r in selection.rounds}
    counts = {
        r.id: (sums[r.id].revenues_known, sums[r.id].sold_nothing)
        for r in rounds
        if r.id in sums and r.id in reported
    }
    middles = await medians(session, selection, counts)
    waiting = await _waiting(session, selection, rounds)
    return sums, middles, waiting


async def round_figures(
    session: AsyncSession, selection: Selection, *, parallel: bool = False
) -> list[RoundFigures]:
    """The figures of every reported round, by cohort name and round number.

    `parallel`: every family's rounds are counted in two halves at once, on `session` and
    on another connection, and the registered, paused and unreachable on a third; each
    round's own figures still come from one view of the database.
    """
    needed = {r.id: r for r in selection.rounds}
    needed.update({r.id: r for r in selection.previous.values()})
    rounds = sorted(needed.values(), key=lambda r: r.id)
    if not rounds:
        return []
    if not parallel:
        sums, middles, waiting = await _counted(session, selection, rounds)
        people = await _people_counts(session, selection, rounds)
    else:
        # Halves only without a family filter: a filtered count reads every round anyway.
        half = len(rounds) // 2 if selection.families is None else len(rounds)
        (sums, middles, waiting), other, people = await asyncio.gather(
            _counted(session, selection, rounds[:half]),
            beside(session, lambda side: _counted(side, selection, rounds[half:])),
            beside(session, lambda side: _people_counts(side, selection, rounds)),
        )
        sums.update(other[0])
        middles.update(other[1])
        waiting.update(other[2])
    rates: dict[int, Decimal | None] = {}
    for r in rounds:
        s = sums.get(r.id, _Sums())
        rates[r.id] = _rate(s.answered + s.partial, s.records + waiting.get(r.id, 0))
    out = []
    for r in selection.rounds:
        s = sums.get(r.id, _Sums())
        registered, paused, unreachable = people.get(r.id, (0, 0, 0))
        rate = rates[r.id]
        before = selection.previous.get(r.id)
        earlier = rates[before.id] if before is not None else None
        produced, sold = s.produced or {}, s.sold or {}
        out.append(
            RoundFigures(
                cohort=r.cohort.name,
                round_number=r.number,
                round_id=r.id,
                opened_at=r.opened_at,
                closed=r.closed,
                registered=registered,
                asked=s.records + waiting.get(r.id, 0),
                answered=s.answered,
                partial=s.partial,
                missed=s.missed,
                producing=s.producing,
                quantities=tuple(
                    Quantity(unit, produced[unit], sold.get(unit, Decimal(0)))
                    for unit in sorted(produced)
                ),
                revenue_idr=s.revenue,
                median_revenue_idr=middles.get(r.id),
                paused=paused,
                unreachable=unreachable,
                response_rate=rate,
                # An open round's answers are still coming: against a closed round its rate
                # reads as a fall (-100 points on the morning it opens), in every output.
                response_rate_change=(
                    rate - earlier
                    if r.closed and rate is not None and earlier is not None
                    else None
                ),
            )
        )
    return out
