"""What a programme report covers: whose families, which cohorts, which rounds.

Staff (and the command line) see every family, a coordinator the families of the
facilitators they supervise, a facilitator their own (facilitators/scope.py); a district,
a cohort and a round number narrow it further. Rounds are numbered per cohort, 1 for the
first opened. Problems are raised as ReportError carrying an English msgid, translated by
the caller in the reader's language.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Collection
from dataclasses import dataclass, replace
from datetime import datetime
from typing import TypeVar

from sqlalchemy import ColumnElement, and_, select, true
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.db.dialect import jit_off
from bot.db.models import Cohort, FollowUpRecord, Person, Role, Round
from bot.domain.facilitators.scope import visible_families
from bot.domain.records.export import RecordsError, choose_cohort
from bot.lib.i18n import N_

T = TypeVar("T")

MSG_UNKNOWN_DISTRICT = N_('There is no district "{name}" among the families. Known: {known}.')
MSG_NO_DISTRICTS = N_('There is no district "{name}": no family has a district.')
MSG_ROUND_RANGE = N_("There is no round {number}: the rounds are numbered 1 to {last}.")
MSG_NO_ROUNDS = N_("There is no round {number}: no round has been opened yet.")
MSG_NOT_FOR_FAMILIES = N_("The programme figures are for facilitators, coordinators and staff.")


class ReportError(RecordsError):
    """A report that cannot be made (an unknown district, a round out of range); an unknown
    cohort is the records' RecordsError, which callers catch as well."""


@dataclass(frozen=True, slots=True)
class ReportFilter:
    """What the reader asked for: a cohort's name, a district, a round number (1-based)."""

    cohort: str | None = None
    district: str | None = None
    round_number: int | None = None


@dataclass(frozen=True, slots=True)
class CohortRef:
    id: int
    name: str
    unit: str
    timezone: str


@dataclass(frozen=True, slots=True)
class RoundRef:
    id: int
    cohort: CohortRef
    number: int  # 1 for the cohort's first round
    opened_at: datetime
    closes_at: datetime
    closed: bool


@dataclass(frozen=True, slots=True)
class Selection:
    """The resolved scope: `families` filters Person (None: every family, no filter)."""

    cohorts: tuple[CohortRef, ...]
    series: dict[int, tuple[RoundRef, ...]]  # cohort id -> all its rounds, by number
    rounds: tuple[RoundRef, ...]  # reported, by cohort name then number
    previous: dict[int, RoundRef]  # round id -> the cohort's round before it
    families: ColumnElement[bool] | None
    district: str | None
    round_number: int | None

    def recent(self, count: int) -> Selection:
        """The same families and cohorts, reporting each cohort's last `count` rounds up
        to the chosen one (or its latest)."""
        rounds: list[RoundRef] = []
        for cohort in self.cohorts:
            series = self.series[cohort.id]
            end = len(series) if self.round_number is None else min(self.round_number, len(series))
            rounds.extend(series[max(0, end - count) : end])
        return replace(self, rounds=tuple(rounds), previous={})

    @property
    def latest(self) -> tuple[RoundRef, ...]:
        """Per cohort, the chosen round, or else its latest (the one under way, if any)."""
        last: dict[int, RoundRef] = {}
        for round_ in self.rounds:
            last[round_.cohort.id] = round_
        return tuple(last.values())

    @property
    def latest_closed(self) -> tuple[RoundRef, ...]:
        """Per cohort, the chosen round, or else its latest closed one: complete figures."""
        if self.round_number is not None:
            return self.rounds
        last: dict[int, RoundRef] = {}
        for round_ in self.rounds:
            if round_.closed:
                last[round_.cohort.id] = round_
        return tuple(last.values())


def of_rounds(selection: Selection, round_ids: Collection[int]) -> ColumnElement[bool]:
    """Records of these rounds, as a condition. From a few families, with every round of
    their cohorts wanted, no condition: their records come by the (person_id, round_id)
    index either way, and a list of all rounds would make SQLite probe each family once
    per round (1.8 million probes for a district). Records of other rounds (a family that
    changed cohort) are then left out by the caller."""
    if selection.families is not None and selection.round_number is None:
        return true()
    return FollowUpRecord.round_id.in_(list(round_ids))


async def beside(session: AsyncSession, work: Callable[[AsyncSession], Awaitable[T]]) -> T:
    """`work` in a read transaction of its own on `session`'s database, to run at the same
    time as other work on `session` (another connection: another core on SQLite too).
    It sees the database as committed when it starts, which can differ from `session`'s
    view by whatever a running bot committed in between: only independent figures go here.
    """
    sessions = async_sessionmaker(session.bind, expire_on_commit=False)
    async with sessions() as other, other.begin(), jit_off(other):
        return await work(other)


def family_filter(viewer: Person | None, district: str | None) -> ColumnElement[bool] | None:
    """The families a viewer (None: the command line, everything) sees in a district."""
    terms: list[ColumnElement[bool]] = []
    if viewer is not None:
        visible = visible_families(viewer)
        if visible is None:
            raise ReportError(MSG_NOT_FOR_FAMILIES)
        if viewer.role is not Role.STAFF:
            terms.append(visible)
    if district is not None:
        terms.append(Person.district == district)
    if not terms:
        return None
    return and_(Person.role == Role.PARTICIPANT, *terms)


async def _cohorts(
    session: AsyncSession, name: str | None, families: ColumnElement[bool] | None
) -> tuple[CohortRef, ...]:
    rows = (
        await session.execute(select(Cohort.id, Cohort.name, Cohort.unit, Cohort.timezone))
    ).all()
    cohorts = choose_cohort((CohortRef(*row) for row in rows), name)
    if families is not None:
        # Only the cohorts the reader's families are in: a facilitator's one cohort.
        theirs = set(
            (
                await session.scalars(
                    select(Person.cohort_id).where(families).group_by(Person.cohort_id)
                )
            ).all()
        )
        cohorts = [cohort for cohort in cohorts if cohort.id in theirs]
    return tuple(cohorts)


async def _known_district(session: AsyncSession, district: str) -> str:
    """The district as the roster spells it: typed in another case ("leces" for "Leces")
    it is still the one meant, as the refusal listed it."""
    known = (
        await session.scalars(
            select(Person.district)
            .where(Person.role == Role.PARTICIPANT, Person.district.is_not(None))
            .group_by(Person.district)
        )
    ).all()
    if district in known:
        return district
    alike = [name for name in known if name and name.casefold() == district.strip().casefold()]
    if len(alike) == 1:
        return alike[0]
    if not known:
        raise ReportError(MSG_NO_DISTRICTS, name=district)
    names = ", ".join(sorted(name for name in known if name))
    raise ReportError(MSG_UNKNOWN_DISTRICT, name=district, known=names)


async def select_scope(
    session: AsyncSession, viewer: Person | None, filters: ReportFilter
) -> Selection:
    """Resolve what `viewer` asked for; raises ReportError for what cannot be reported."""
    district = filters.district
    if district is not None:
        district = await _known_district(session, district)
    families = family_filter(viewer, district)
    cohorts = await _cohorts(session, filters.cohort, families)
    by_id = {cohort.id: cohort for cohort in cohorts}
    rows = (
        await session.execute(
            select(Round.id, Round.cohort_id, Round.opened_at, Round.closes_at, Round.closed_at)
            .where(Round.cohort_id.in_(list(by_id)))
            .order_by(Round.opened_at, Round.id)
        )
    ).all()
    numbered: dict[int, list[RoundRef]] = {cohort.id: [] for cohort in cohorts}
    for round_id, cohort_id, opened, closes, closed in rows:
        series = numbered[cohort_id]
        ref = RoundRef(
            round_id, by_id[cohort_id], len(series) + 1, opened, closes, closed is not None
        )
        series.append(ref)
    number = filters.round_number
    if number is not None:
        last = max((len(series) for series in numbered.values()), default=0)
        if last == 0:
            raise ReportError(MSG_NO_ROUNDS, number=number)
        if not 1 <= number <= last:
            raise ReportError(MSG_ROUND_RANGE, number=number, last=last)
    reported: list[RoundRef] = []
    previous: dict[int, RoundRef] = {}
    for cohort in cohorts:
        series = numbered[cohort.id]
        chosen = series if number is None else series[number - 1 : number]
        reported.extend(chosen)
        for ref in chosen:
            if ref.number > 1:
                previous[ref.id] = series[ref.number - 2]
    return Selection(
        cohorts=cohorts,
        series={cohort_id: tuple(refs) for cohort_id, refs in numbered.items()},
        rounds=tuple(reported),
        previous=previous,
        families=families,
        district=district,
        round_number=number,
    )
