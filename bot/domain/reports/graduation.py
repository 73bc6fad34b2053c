"""Graduation readiness: the families who meet their cohort's bar, for staff to review.

A family meets the bar (set per cohort, `kabar cohort update --graduation-…`) when, among
the cohort's last `graduation_window` closed rounds:
- its revenue was at least `graduation_min_revenue_idr` in at least `graduation_rounds`
  of them;
- it answered the latest of them (still answering), and is not quiet, paused or
  unreachable;
- no alert about it is open or acknowledged.

Nothing is decided here: the list is a prompt for a human review (PKH "graduasi sejahtera
mandiri" is decided by people). One GROUP BY over the window's records finds the families
and their revenue per round at once; no record is loaded into Python.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, and_, case, exists, func, literal, select, true, union_all
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import (
    Alert,
    AlertStatus,
    Cohort,
    FollowUpRecord,
    ParticipantStatus,
    Person,
    RecordStatus,
)
from bot.domain.graduation_bar import GraduationBar
from bot.domain.reports.scope import RoundRef, Selection

NOT_ANSWERING = (ParticipantStatus.QUIET, ParticipantStatus.PAUSED, ParticipantStatus.UNREACHABLE)
LIVE_ALERTS = (AlertStatus.OPEN, AlertStatus.ACKNOWLEDGED)


@dataclass(frozen=True, slots=True)
class Candidate:
    """A family meeting the bar, with the evidence: revenue per round of the window."""

    person_id: str
    name: str
    village: str | None
    district: str | None
    facilitator_id: str | None
    rounds_met: int
    revenues: tuple[int | None, ...]  # oldest round first; None: no answer, or not said


@dataclass(frozen=True, slots=True)
class CohortGraduation:
    cohort: str
    bar: GraduationBar
    rounds: tuple[RoundRef, ...]  # the window, oldest first
    families: tuple[Candidate, ...]


def window_rounds(selection: Selection, cohort_id: int, size: int) -> tuple[RoundRef, ...]:
    """The cohort's last `size` closed rounds, oldest first."""
    closed = [r for r in selection.series.get(cohort_id, ()) if r.closed]
    return tuple(closed[-size:]) if size > 0 else ()


def revenue_value() -> ColumnElement[Any]:
    """A record's revenue as the figures count it: 0 when the family produced nothing or
    sold nothing, None when it did not answer or stopped before the question."""
    record = FollowUpRecord
    return case(
        (record.status == RecordStatus.MISSED, None),
        (record.produced.is_(False), 0),
        (record.revenue_idr.is_not(None), record.revenue_idr),
        (record.quantity_sold == 0, 0),
        else_=None,
    )


async def graduation_list(session: AsyncSession, selection: Selection) -> list[CohortGraduation]:
    """Per cohort of the selection, its bar, its window and the families meeting the bar."""
    ids = [cohort.id for cohort in selection.cohorts]
    bars = {
        row.id: GraduationBar(
            row.graduation_min_revenue_idr, row.graduation_rounds, row.graduation_window
        )
        for row in (
            await session.execute(
                select(
                    Cohort.id,
                    Cohort.graduation_min_revenue_idr,
                    Cohort.graduation_rounds,
                    Cohort.graduation_window,
                ).where(Cohort.id.in_(ids))
            )
        ).all()
    }
    windows = {cid: window_rounds(selection, cid, bars[cid].window) for cid in ids}
    results = {
        cohort.id: CohortGraduation(cohort.name, bars[cohort.id], windows[cohort.id], ())
        for cohort in selection.cohorts
    }
    if not any(windows.values()):
        return list(results.values())
    found = await _families(session, selection, bars, windows)
    for cohort_id, candidates in found.items():
        results[cohort_id] = CohortGraduation(
            results[cohort_id].cohort,
            bars[cohort_id],
            windows[cohort_id],
            tuple(candidates),
        )
    return list(results.values())


async def _families(
    session: AsyncSession,
    selection: Selection,
    bars: dict[int, GraduationBar],
    windows: dict[int, tuple[RoundRef, ...]],
) -> dict[int, list[Candidate]]:
    record = FollowUpRecord
    # First the families with enough good rounds, per cohort, from the index of producing
    # families' revenue per round (a range read per round, nothing else touched); then,
    # for those few, the other conditions and the evidence, by the (person, round) index.
    met = union_all(
        *(
            select(
                literal(cohort_id).label("cohort_id"),
                record.person_id,
                func.count().label("met"),
            )
            .where(
                record.round_id.in_([r.id for r in window]),
                record.produced == true(),  # the partial index's own condition
                record.revenue_idr >= bars[cohort_id].min_revenue_idr,
            )
            .group_by(record.person_id)
            .having(func.count() >= bars[cohort_id].rounds)
            for cohort_id, window in windows.items()
            if window
        )
    ).subquery("met")
    position = {r.id: index for window in windows.values() for index, r in enumerate(window)}
    latest = [window[-1].id for window in windows.values() if window]
    place = case(position, value=record.round_id)
    value = revenue_value()
    answered_last = case(
        (
            and_(
                record.round_id.in_(latest),
                record.status.in_([RecordStatus.ANSWERED, RecordStatus.PARTIAL]),
            ),
            1,
        ),
        else_=0,
    )
    no_alert = ~exists().where(Alert.person_id == Person.id, Alert.status.in_(LIVE_ALERTS))
    width = max(len(window) for window in windows.values())
    grouped = (
        Person.cohort_id,
        Person.id,
        Person.name,
        Person.village,
        Person.district,
        Person.supervisor_id,
        met.c.met,
    )
    statement = (
        select(*grouped, *(func.max(case((place == k, value))) for k in range(width)))
        .select_from(met)
        .join(Person, and_(Person.id == met.c.person_id, Person.cohort_id == met.c.cohort_id))
        .join(
            record,
            and_(record.person_id == Person.id, record.round_id.in_(list(position))),
        )
        .where(Person.status.not_in(NOT_ANSWERING), no_alert)
        .group_by(*grouped)
        .having(func.max(answered_last) == 1)
        .order_by(Person.cohort_id, Person.district, Person.village, Person.name, Person.id)
    )
    if selection.families is not None:
        statement = statement.where(selection.families)
    found: dict[int, list[Candidate]] = {}
    for row in (await session.execute(statement)).all():
        cohort_id = int(row[0])
        size = len(windows[cohort_id])
        revenues = tuple(None if v is None else int(v) for v in row[7 : 7 + size])
        found.setdefault(cohort_id, []).append(
            Candidate(row[1], row[2], row[3], row[4], row[5], int(row[6]), revenues)
        )
    return found
