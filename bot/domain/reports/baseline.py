"""Change against each family's own start (Monev), three and six months after a cohort's
first round.

Definitions, per family, in rupiah per month:
- at the start: the roster's `baseline_revenue_idr` (income from the business per month
  before training) when given; else the family's answered rounds of the cohort's first
  month (the rounds opened within a month of its first round): their average revenue
  times the number of those rounds;
- at the checkpoint (3 or 6 months after the first round): the same over the closed rounds
  opened in the month before it;
- change: checkpoint minus start; "above the start": checkpoint greater than the start;
- producing: said they produced in at least one answered round of the month (at the
  start without such rounds: a roster baseline above 0).
A round's revenue counts as the figures count it (graduation.revenue_value). A family is
compared only when it has both a start and an answered round in the checkpoint's month.

One GROUP BY over the records of those months gives every family's amounts (set-based);
the per-cohort median and shares are then counted over those family rows.
"""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy import Integer, and_, case, column, func, select, values
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import FollowUpRecord, Person, RecordStatus, Role
from bot.domain.reports.graduation import revenue_value
from bot.domain.reports.scope import RoundRef, Selection

CHECKPOINTS = (3, 6)  # months after the cohort's first round
START, AFTER_3, AFTER_6 = 0, 3, 6
RATE_PLACES = Decimal("0.0001")


def add_months(moment: datetime, months: int) -> datetime:
    """The same day `months` later (the month's last day when it has fewer days)."""
    index = moment.month - 1 + months
    year, month = moment.year + index // 12, index % 12 + 1
    day = moment.day
    while day > 28:
        try:
            return moment.replace(year=year, month=month, day=day)
        except ValueError:
            day -= 1
    return moment.replace(year=year, month=month, day=day)


@dataclass(frozen=True, slots=True)
class Phases:
    """One cohort's rounds: its first month, and the month before each checkpoint."""

    start: tuple[RoundRef, ...]
    months: dict[int, tuple[RoundRef, ...]]  # checkpoint -> rounds; empty: not reached
    checkpoints: dict[int, datetime]


def phases(series: Sequence[RoundRef], now: datetime) -> Phases:
    if not series:
        return Phases((), {m: () for m in CHECKPOINTS}, {})
    first = series[0].opened_at
    start_end = add_months(first, 1)
    start = tuple(r for r in series if r.closed and r.opened_at < start_end)
    months: dict[int, tuple[RoundRef, ...]] = {}
    checkpoints: dict[int, datetime] = {}
    for m in CHECKPOINTS:
        at = add_months(first, m)
        begin = add_months(first, m - 1)
        checkpoints[m] = at
        reached = now >= at
        months[m] = tuple(r for r in series if reached and r.closed and begin <= r.opened_at < at)
    return Phases(start, months, checkpoints)


@dataclass(frozen=True, slots=True)
class FamilyChange:
    cohort: str
    person_id: str
    name: str
    village: str | None
    district: str | None
    from_roster: bool  # the start is the roster's baseline, not the first rounds
    start_idr: int | None  # per month
    producing_at_start: bool | None
    at: dict[int, tuple[int | None, bool | None]]  # checkpoint -> (per month, producing)

    def change(self, months: int) -> int | None:
        now = self.at[months][0]
        if now is None or self.start_idr is None:
            return None
        return now - self.start_idr


@dataclass(frozen=True, slots=True)
class CohortChange:
    """One cohort at one checkpoint: how its families compare with their start."""

    cohort: str
    months: int
    checkpoint: datetime | None
    reached: bool
    families: int  # compared: with a start and an answer in the checkpoint's month
    median_change_idr: Decimal | None
    above_start: Decimal | None  # share of the families compared
    producing_at_start: Decimal | None
    producing_now: Decimal | None


@dataclass(frozen=True, slots=True)
class BaselineReport:
    cohorts: tuple[CohortChange, ...]
    families: tuple[FamilyChange, ...]


def _share(count: int, total: int) -> Decimal | None:
    if total == 0:
        return None
    return (Decimal(count) / total).quantize(RATE_PLACES, ROUND_HALF_UP)


def _monthly(total: object, answered: object, rounds: int) -> int | None:
    """Average revenue per answered round, times the rounds of the month."""
    if not answered:
        return None
    amount = Decimal(str(total)) * rounds / Decimal(str(answered))
    return int(amount.quantize(Decimal(1), ROUND_HALF_UP))


async def baseline_report(
    session: AsyncSession, selection: Selection, now: datetime
) -> BaselineReport:
    """Per family and per cohort, the change at three and six months."""
    by_cohort = {c.id: phases(selection.series.get(c.id, ()), now) for c in selection.cohorts}
    phase_of: dict[int, int] = {}
    for found in by_cohort.values():
        phase_of.update({r.id: START for r in found.start})
        for m, rounds in found.months.items():
            phase_of.update({r.id: m for r in rounds})
    families: list[FamilyChange] = []
    if phase_of:
        families = await _families(session, selection, by_cohort, phase_of)
    cohorts = [
        _summary(cohort.name, m, by_cohort[cohort.id], families)
        for cohort in selection.cohorts
        for m in CHECKPOINTS
    ]
    return BaselineReport(tuple(cohorts), tuple(families))


def _summary(name: str, months: int, found: Phases, families: list[FamilyChange]) -> CohortChange:
    compared = [f for f in families if f.cohort == name and f.change(months) is not None]
    changes = [f.change(months) or 0 for f in compared]
    median = Decimal(str(statistics.median(changes))) if changes else None
    return CohortChange(
        cohort=name,
        months=months,
        checkpoint=found.checkpoints.get(months),
        reached=bool(found.months.get(months)),
        families=len(compared),
        median_change_idr=median,
        above_start=_share(sum(1 for c in changes if c > 0), len(compared)),
        producing_at_start=_share(sum(1 for f in compared if f.producing_at_start), len(compared)),
        producing_now=_share(sum(1 for f in compared if f.at[months][1]), len(compared)),
    )


async def _families(
    session: AsyncSession,
    selection: Selection,
    by_cohort: dict[int, Phases],
    phase_of: dict[int, int],
) -> list[FamilyChange]:
    record = FollowUpRecord
    # Each round's phase from a small table joined by round: a CASE over every round id,
    # evaluated nine times a record, cost more than the grouping itself.
    phases = (
        values(column("round_id", Integer), column("phase", Integer), name="phases")
        .data(sorted(phase_of.items()))
        .cte("phases")
    )
    phase = phases.c.phase
    value = revenue_value()
    answered = record.status.in_([RecordStatus.ANSWERED, RecordStatus.PARTIAL])
    produced = case((and_(answered, record.produced.is_(True)), 1), (answered, 0), else_=None)
    columns = []
    for p in (START, *CHECKPOINTS):
        columns += [
            func.sum(case((phase == p, value), else_=None)).label(f"sum_{p}"),
            func.count(case((phase == p, value), else_=None)).label(f"n_{p}"),
            func.max(case((phase == p, produced), else_=None)).label(f"producing_{p}"),
        ]
    # Grouped from the records alone (the figures index holds every column read), then
    # joined to the families: a join per record would cost a lookup per record.
    grouped = (
        select(record.person_id, *columns)
        .select_from(phases)
        .join(record, record.round_id == phases.c.round_id)
        .group_by(record.person_id)
        .subquery()
    )
    statement = (
        select(
            Person.cohort_id,
            Person.id,
            Person.name,
            Person.village,
            Person.district,
            Person.baseline_revenue_idr,
            *(c for c in grouped.c if c.name != "person_id"),
        )
        .join(grouped, grouped.c.person_id == Person.id)
        .where(Person.role == Role.PARTICIPANT)
        .order_by(Person.cohort_id, Person.district, Person.village, Person.name, Person.id)
    )
    if selection.families is not None:
        statement = statement.where(selection.families)
    names = {cohort.id: cohort.name for cohort in selection.cohorts}
    rows = (await session.execute(statement)).all()
    out: list[FamilyChange] = []
    for row in rows:
        cohort_id = row[0]
        if cohort_id not in by_cohort:
            continue
        found = by_cohort[cohort_id]
        roster = row[5]
        s_sum, s_n, s_prod = row[6:9]
        if roster is not None:
            start: int | None = int(roster)
            producing_start: bool | None = bool(s_prod) if s_prod is not None else roster > 0
        else:
            start = _monthly(s_sum, s_n, len(found.start))
            producing_start = None if s_prod is None else bool(s_prod)
        at: dict[int, tuple[int | None, bool | None]] = {}
        for index, m in enumerate(CHECKPOINTS):
            w_sum, w_n, w_prod = row[9 + 3 * index : 12 + 3 * index]
            at[m] = (
                _monthly(w_sum, w_n, len(found.months[m])),
                None if w_prod is None else bool(w_prod),
            )
        out.append(
            FamilyChange(
                names[cohort_id], row[1], row[2], row[3], row[4], roster is not None,
                start, producing_start, at,
            )
        )  # fmt: skip
    return out
