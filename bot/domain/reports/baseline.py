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

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from sqlalchemy import (
    BigInteger,
    Integer,
    Subquery,
    and_,
    case,
    cast,
    column,
    func,
    or_,
    select,
    true,
    values,
)
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.dialect import large_sorts
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


async def baseline_report(
    session: AsyncSession, selection: Selection, now: datetime, *, families: bool = True
) -> BaselineReport:
    """Per cohort (and, with `families`, per family) the change at three and six months.
    Without `families` (the report, /laporan) no family's row leaves the database."""
    by_cohort = {c.id: phases(selection.series.get(c.id, ()), now) for c in selection.cohorts}
    sizes: dict[int, tuple[int, int]] = {}  # round id -> (phase, rounds of that phase)
    for found in by_cohort.values():
        sizes.update({r.id: (START, len(found.start)) for r in found.start})
        for m, rounds in found.months.items():
            sizes.update({r.id: (m, len(rounds)) for r in rounds})
    names = {cohort.id: cohort.name for cohort in selection.cohorts}
    summaries: dict[tuple[int, int], tuple[Any, ...]] = {}
    rows: list[FamilyChange] = []
    if sizes:
        summary = _summary_statement(_per_family(selection, sizes, answered_only=True))
        async with large_sorts(session, "64MB"):
            for row in (await session.execute(summary)).all():
                summaries[(int(row[0]), int(row[1]))] = tuple(row[2:])
            if families:
                rows = await _families(session, _per_family(selection, sizes), names)
    cohorts = []
    for cohort in selection.cohorts:
        found = by_cohort[cohort.id]
        for m in CHECKPOINTS:
            count, median, above, at_start, now_producing = summaries.get(
                (cohort.id, m), (0, None, 0, 0, 0)
            )
            count = int(count)
            cohorts.append(
                CohortChange(
                    cohort=cohort.name,
                    months=m,
                    checkpoint=found.checkpoints.get(m),
                    reached=bool(found.months.get(m)),
                    families=count,
                    median_change_idr=None if median is None else Decimal(str(median)),
                    above_start=_share(int(above or 0), count),
                    producing_at_start=_share(int(at_start or 0), count),
                    producing_now=_share(int(now_producing or 0), count),
                )
            )
    return BaselineReport(tuple(cohorts), tuple(rows))


def _per_family(
    selection: Selection, sizes: dict[int, tuple[int, int]], *, answered_only: bool = False
) -> Subquery:
    """Per family: its cohort, name, village, district, whether the start is the roster's,
    and per phase (start, 3, 6 months) the income per month and whether it produced.

    `answered_only` leaves the missed rounds' records out (a fifth of them): they count
    for no phase's amount or producing, so only families that never answered in those
    months go, and none of those has a change to compare (what the summary counts)."""
    record = FollowUpRecord
    # Each round's phase and the number of rounds in it, from a small table joined by
    # round: a CASE over every round id, evaluated for every record, cost more than the
    # grouping itself.
    table = (
        values(
            column("round_id", Integer),
            column("phase", Integer),
            column("rounds", Integer),
            name="phases",
        )
        .data(sorted((round_id, p, n) for round_id, (p, n) in sizes.items()))
        .cte("phases")
    )
    value = revenue_value()
    answered = record.status.in_([RecordStatus.ANSWERED, RecordStatus.PARTIAL])
    produced = case((and_(answered, record.produced.is_(True)), 1), (answered, 0), else_=None)

    def phase(p: int) -> list[Any]:
        # Per month: the average of the answered rounds times the rounds of the month, in
        # whole rupiah, half up: (2 x total x rounds + answered) div (2 x answered).
        here = table.c.phase == p
        known = func.count(value).filter(here)
        total = cast(func.sum(value).filter(here), BigInteger)
        rounds = func.max(table.c.rounds).filter(here)
        return [
            case((known > 0, (2 * total * rounds + known) // (2 * known)), else_=None).label(
                f"monthly_{p}"
            ),
            func.max(produced).filter(here).label(f"producing_{p}"),
        ]

    # One group per family, the phases side by side by FILTER: each record passes the
    # aggregates of its own phase only.
    grouped = (
        select(record.person_id, *(c for p in (START, *CHECKPOINTS) for c in phase(p)))
        .select_from(table)
        .join(record, record.round_id == table.c.round_id)
        .group_by(record.person_id)
    )
    if answered_only:
        grouped = grouped.where(record.status != RecordStatus.MISSED)
    sides = grouped.subquery("sides")
    roster = Person.baseline_revenue_idr
    start = func.coalesce(roster, sides.c.monthly_0)
    producing_start = func.coalesce(
        sides.c.producing_0, case((roster.is_not(None), case((roster > 0, 1), else_=0)))
    )
    statement = (
        select(
            Person.cohort_id,
            Person.id,
            Person.name,
            Person.village,
            Person.district,
            roster.is_not(None).label("from_roster"),
            start.label("start"),
            producing_start.label("producing_start"),
            *(
                column
                for m in CHECKPOINTS
                for column in (
                    sides.c[f"monthly_{m}"].label(f"monthly_{m}"),
                    (sides.c[f"monthly_{m}"] - start).label(f"change_{m}"),
                    sides.c[f"producing_{m}"].label(f"producing_{m}"),
                )
            ),
        )
        .join(sides, sides.c.person_id == Person.id)
        .where(Person.role == Role.PARTICIPANT)
    )
    if selection.families is not None:
        statement = statement.where(selection.families)
    # A fence (OFFSET 0): SQLite would otherwise join the people once per checkpoint.
    return statement.offset(0).subquery("per_family")


def _summary_statement(per_family: Subquery) -> Any:
    """Per cohort and checkpoint: families compared, the median change (the middle one or
    the average of the middle two, by a window), above their start, producing at the start
    and now."""
    f = per_family.c
    # Each family once per checkpoint, by a join to the checkpoints, not a UNION of two
    # reads: a UNION would compute every family's amounts twice.
    months = (
        values(column("months", Integer), name="checkpoints")
        .data([(m,) for m in CHECKPOINTS])
        .cte("checkpoints")
    )

    def at(name: str) -> Any:
        return case(
            *((months.c.months == m, f[f"{name}_{m}"]) for m in CHECKPOINTS[:-1]),
            else_=f[f"{name}_{CHECKPOINTS[-1]}"],
        )

    change = at("change")
    inner = (
        select(
            f.cohort_id,
            months.c.months,
            change.label("change"),
            f.producing_start.label("at_start"),
            at("producing").label("now"),
        )
        .select_from(per_family)
        .join(months, true())
        .where(change.is_not(None))
    )
    compared = inner.subquery("compared")
    c = compared.c
    part = (c.cohort_id, c.months)
    numbered = select(
        c.cohort_id,
        c.months,
        c.change,
        c.at_start,
        c.now,
        func.row_number().over(partition_by=part, order_by=c.change).label("k"),
        # The same order as k's, over the whole partition: one sort for both on SQLite.
        func.count().over(partition_by=part, order_by=c.change, rows=(None, None)).label("n"),
    ).subquery("numbered")
    x = numbered.c
    middle = or_(x.k == (x.n + 1) // 2, and_(x.n % 2 == 0, x.k == x.n // 2 + 1))
    return select(
        x.cohort_id,
        x.months,
        func.count(),
        func.avg(case((middle, x.change))),
        func.sum(case((x.change > 0, 1), else_=0)),
        func.sum(x.at_start),
        func.sum(x.now),
    ).group_by(x.cohort_id, x.months)


async def _families(
    session: AsyncSession, per_family: Subquery, names: dict[int, str]
) -> list[FamilyChange]:
    f = per_family.c
    statement = select(per_family).order_by(f.cohort_id, f.district, f.village, f.name, f.id)
    out: list[FamilyChange] = []
    for found in (await session.execute(statement)).all():
        row = found._mapping
        if row["cohort_id"] not in names:
            continue

        def flag(value: object) -> bool | None:
            return None if value is None else bool(value)

        def whole(value: object) -> int | None:
            return None if value is None else int(str(value))

        out.append(
            FamilyChange(
                names[row["cohort_id"]], row["id"], row["name"], row["village"],
                row["district"], bool(row["from_roster"]), whole(row["start"]),
                flag(row["producing_start"]),
                {m: (whole(row[f"monthly_{m}"]), flag(row[f"producing_{m}"])) for m in CHECKPOINTS},
            )
        )  # fmt: skip
    return out
