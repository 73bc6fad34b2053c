"""The programme report: round figures, open alerts by reason, the problem roll-up.

What `kabar report` prints and /laporan sends, for one reader's scope (scope.py).
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.dialect import jit_off
from bot.db.models import Alert, AlertStatus, Person
from bot.domain.reports.figures import RoundFigures, round_figures
from bot.domain.reports.problems import ProblemCount, problem_rollup
from bot.domain.reports.scope import ReportFilter, RoundRef, Selection, beside, select_scope

CHART_ROUNDS = 12


@dataclass(frozen=True, slots=True)
class AlertCount:
    """Live alerts of one reason (the rule that raised them) among a cohort's families."""

    cohort: str
    rule: str
    open: int  # nobody has acted on them yet
    acknowledged: int


@dataclass(frozen=True, slots=True)
class ProgrammeReport:
    selection: Selection
    rounds: tuple[RoundFigures, ...]
    alerts: tuple[AlertCount, ...]
    problems: tuple[ProblemCount, ...]
    problem_rounds: tuple[RoundRef, ...]  # the rounds the roll-up counts: one per cohort


async def open_alerts(session: AsyncSession, selection: Selection) -> list[AlertCount]:
    """Open and acknowledged alerts per cohort and rule, by cohort name, most first."""
    names = {cohort.id: cohort.name for cohort in selection.cohorts}
    statement = (
        select(Person.cohort_id, Alert.rule, Alert.status, func.count())
        .join(Person, Person.id == Alert.person_id)
        .where(
            Alert.status.in_([AlertStatus.OPEN, AlertStatus.ACKNOWLEDGED]),
            Person.cohort_id.in_(list(names)),
        )
        .group_by(Person.cohort_id, Alert.rule, Alert.status)
    )
    if selection.families is not None:
        statement = statement.where(selection.families)
    counts: dict[tuple[str, str], list[int]] = {}
    for cohort_id, rule, status, count in (await session.execute(statement)).all():
        pair = counts.setdefault((names[cohort_id or 0], rule), [0, 0])
        pair[0 if status == AlertStatus.OPEN else 1] += int(count)
    rows = [AlertCount(cohort, rule, *pair) for (cohort, rule), pair in counts.items()]
    rows.sort(key=lambda row: (row.cohort, -(row.open + row.acknowledged), row.rule))
    return rows


async def programme_report(
    session: AsyncSession, viewer: Person | None, filters: ReportFilter, *, parallel: bool = False
) -> ProgrammeReport:
    """The report `viewer` may see (None: the command line, every family).

    `parallel`: independent parts run at once on other connections to the same database
    (scope.beside), for a big programme on a machine with cores to spare.
    Raises RecordsError (ReportError) for an unknown cohort or district, or a round out of
    range.
    """
    async with jit_off(session):
        selection = await select_scope(session, viewer, filters)
        latest = selection.latest

        async def standing(s: AsyncSession) -> tuple[list[AlertCount], list[ProblemCount]]:
            return await open_alerts(s, selection), await problem_rollup(s, selection, latest)

        if parallel:
            rounds, (alerts, problems) = await asyncio.gather(
                round_figures(session, selection, parallel=True), beside(session, standing)
            )
        else:
            rounds = await round_figures(session, selection)
            alerts, problems = await standing(session)
    return ProgrammeReport(
        selection=selection,
        rounds=tuple(rounds),
        alerts=tuple(alerts),
        problems=tuple(problems),
        problem_rounds=latest,
    )


async def chart_figures(
    session: AsyncSession, report: ProgrammeReport, *, count: int = CHART_ROUNDS
) -> list[RoundFigures]:
    """Each cohort's last `count` rounds up to the reported one: the report's own figures
    when it has them all, computed otherwise (a report of one round)."""
    recent = report.selection.recent(count)
    have = {row.round_id: row for row in report.rounds}
    if all(r.id in have for r in recent.rounds):
        return [have[r.id] for r in recent.rounds]
    async with jit_off(session):
        return await round_figures(session, recent)
