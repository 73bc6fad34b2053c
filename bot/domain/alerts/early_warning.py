"""Early warning: families sliding towards silence, found before they go silent.

Computed in SQL, set-based, over the answers of each cohort's latest `warn_window_rounds`
rounds (an answer = a record that says whether the family produced; a "no" counts as 0).
Per family, newest answer first, five signals, each with the cohort's threshold (0 = off):

- falling: the last `warn_falling_answers` quantities fall each time (by 5% or more), and
  the newest is at least `warn_drop_percent` % below the family's usual level in the earlier
  answers (or the run's first) once the cohort's own level in each round is taken out (a
  season that lowers everyone's production is not a slide).
- low: the last `warn_low_answers` quantities are all below `warn_low_percent` % of the
  family's usual level in the earlier answers (at least three: their mean without the
  highest and the lowest), again against the cohort's level.
- later: the last `warn_later_answers` answers came each later after the question than the
  one before, the newest two after the reminder (`reminder_after_hours`).
- same problem: the last `warn_same_problem_answers` answers name the same problems.
- stopped: the newest answer is "no production" after `warn_steady_answers` producing ones.

A round's average is the cohort's level only when 10 or more families answered it; in a
smaller round quantities are taken as they are. An alert opens only for a family no other
alert is live for (episodes.py). One episode runs while a signal fires; it ends with an
answer in which none fires. An alert the facilitator resolved blocks a new one until a
signal fires on answers all given after it. docs/EARLY_WARNING.md shows what it is worth.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import (
    Boolean,
    Column,
    ColumnElement,
    Float,
    Integer,
    MetaData,
    Select,
    String,
    Table,
    Text,
    and_,
    case,
    cast,
    exists,
    func,
    literal,
    or_,
    select,
    text,
)
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.dialect import hours_between, is_postgresql, work_mem
from bot.domain.alerts.schema import LIVE, Rule, alerts, cohorts, records, rounds

_scratch = MetaData()
# Per family with a signal firing or a live early-warning alert; private to the connection.
warnings = Table(
    "kabar_warning_facts",
    _scratch,
    Column("person_id", String(64), primary_key=True),
    Column("fires", Boolean),
    Column("latest_round_id", Integer),
    # The oldest answer the falling signal reads: a resolved alert from this round on is
    # about the same evidence.
    Column("evidence_round_id", Integer),
    Column("falling", Integer),
    Column("low", Integer),
    Column("typical", Float),
    Column("low_percent", Integer),
    Column("later", Integer),
    Column("same_problem", Integer),
    Column("stopped", Integer),
    prefixes=["TEMPORARY"],
)

THRESHOLDS = (
    "warn_window_rounds",
    "warn_falling_answers",
    "warn_drop_percent",
    "warn_low_answers",
    "warn_low_percent",
    "warn_later_answers",
    "warn_same_problem_answers",
    "warn_steady_answers",
    "reminder_after_hours",
)
# A fall is a fall when the quantity is at least 5% below the previous answer's: two
# answers a little apart are the same level, written down differently.
FELL = 0.95
# The two sorts of a family's answers (about half a million rows at 100,000 families).
WORK_MEM = "128MB"
# The answers a round needs before its average is taken for the cohort's level.
MIN_LEVEL_ANSWERS = 10
# The earlier answers a usual level needs before the low signal trusts it.
MIN_EARLIER = 3


def recent_rounds(cohort_id: int | None) -> Select[Any]:
    """The ids of each cohort's latest `warn_window_rounds` rounds: a few dozen, read first
    so that both databases plan the big statement on the real list (index probes per round,
    not a scan of every record)."""
    back = func.row_number().over(partition_by=rounds.c.cohort_id, order_by=rounds.c.id.desc())
    numbered = select(rounds.c.id, rounds.c.cohort_id, back.label("back"))
    if cohort_id is not None:
        numbered = numbered.where(rounds.c.cohort_id == cohort_id)
    latest = numbered.subquery("warn_numbered")
    return (
        select(latest.c.id)
        .join_from(latest, cohorts, cohorts.c.id == latest.c.cohort_id)
        .where(latest.c.back <= cohorts.c.warn_window_rounds)
    )


def _rounds(round_ids: list[int]) -> Any:
    """The latest rounds, each with the factor that takes the cohort's level in that round
    out of a quantity (the cohort's usual level over the round's average; 1 when the round
    has few answers: they say little about the cohort's level) and its cohort's thresholds,
    so that the family rows carry them and no join breaks their order."""
    recent = (
        select(rounds.c.id, rounds.c.cohort_id, rounds.c.opened_at)
        .where(rounds.c.id.in_(round_ids))
        .cte("warn_rounds")
    )
    # From the figures index alone (round, …, produced, quantity): no row is read.
    level = (
        select(
            recent.c.id,
            recent.c.cohort_id,
            recent.c.opened_at,
            func.avg(_quantity()).label("level"),
            func.count().label("answers"),
        )
        .join_from(recent, records, records.c.round_id == recent.c.id)
        .where(records.c.produced.is_not(None))
        .group_by(recent.c.id, recent.c.cohort_id, recent.c.opened_at)
        .cte("warn_level")
    )
    usual = (
        select(
            level.c.cohort_id,
            (func.sum(level.c.level * level.c.answers) / func.sum(level.c.answers)).label("usual"),
        )
        .group_by(level.c.cohort_id)
        .cte("warn_usual")
    )
    return (
        select(
            level.c.id,
            level.c.cohort_id,
            level.c.opened_at,
            case(
                (
                    and_(level.c.answers >= MIN_LEVEL_ANSWERS, level.c.level > 0),
                    usual.c.usual / level.c.level,
                ),
                else_=literal(1.0, Float),
            ).label("scale"),
            *(cohorts.c[name] for name in THRESHOLDS),
        )
        .join_from(level, usual, usual.c.cohort_id == level.c.cohort_id)
        .join(cohorts, cohorts.c.id == level.c.cohort_id)
        .cte("warn_scale")
    )


def _quantity() -> ColumnElement[float]:
    """What the family produced; a "no" is 0."""
    return case(
        (records.c.produced.is_(True), cast(func.coalesce(records.c.quantity_produced, 0), Float)),
        else_=literal(0.0, Float),
    )


def _steps(round_ids: list[int]) -> Any:
    """Each family's answers in the latest rounds, numbered newest first (n = 1), each
    compared with the family's previous one, and its quantity in the cohort's usual units
    with the round's own level taken out. One window (by family, newest first) serves
    every column: one sort, one pass, and no answer is stored on the way. The answers are
    reduced to numbers first: the sort moves a few numbers, not three timestamps."""
    scale = _rounds(round_ids)
    quantity = _quantity()
    answered = func.coalesce(records.c.answered_at, records.c.updated_at)
    answers = (
        select(
            records.c.person_id,
            records.c.round_id,
            *(scale.c[name] for name in THRESHOLDS),
            quantity.label("q"),
            case((records.c.produced.is_(True), 1), else_=0).label("produced"),
            hours_between(answered, scale.c.opened_at).label("delay"),
            (quantity * scale.c.scale).label("rel"),
            cast(records.c.problems, Text).label("problems"),
        )
        .join_from(records, scale, scale.c.id == records.c.round_id)
        .where(records.c.produced.is_not(None))
        .subquery("warn_answers")
    )
    a = answers.c

    def newest_first(function: Any) -> Any:
        return function.over(partition_by=a.person_id, order_by=a.round_id.desc())

    def previous(column: ColumnElement[Any]) -> Any:
        # Newest first, the answer before is the next row.
        return newest_first(func.lead(column))

    return select(
        a.person_id,
        a.round_id,
        *(a[name] for name in THRESHOLDS),
        a.q,
        a.produced,
        a.delay,
        a.rel,
        newest_first(func.row_number()).label("n"),
        case((a.q < previous(a.q) * FELL, 1), else_=0).label("fell"),
        case((a.delay > previous(a.delay), 1), else_=0).label("slower"),
        case((and_(a.problems == previous(a.problems), a.problems != "[]"), 1), else_=0).label(
            "same"
        ),
    ).cte("warn_steps")


def _per_family(steps: Any) -> Any:
    """One row per family: what each signal needs, in one pass over its answers. The
    family's usual level is the mean of its earlier answers without the highest and the
    lowest (a typo ten times too big does not make every later answer look low)."""
    r = steps.c
    c = r  # each answer carries its cohort's thresholds: no join breaks their order
    n = r.n

    def count(*where: ColumnElement[bool]) -> Any:
        return func.sum(case((and_(*where), 1), else_=0))

    def at(number: Any, value: ColumnElement[Any]) -> Any:
        return func.max(case((n == number, value)))

    earlier = n > c.warn_low_answers

    def trimmed(value: ColumnElement[Any]) -> Any:
        total = func.sum(case((earlier, value)))
        extremes = func.max(case((earlier, value))) + func.min(case((earlier, value)))
        return (total - extremes) / func.nullif(count(earlier) - 2, 0)

    return (
        select(
            r.person_id,
            *(func.max(c[name]).label(name) for name in THRESHOLDS),
            func.max(r.round_id).label("latest_round_id"),
            func.min(case((n <= c.warn_falling_answers, r.round_id))).label("evidence_round_id"),
            count(n < c.warn_falling_answers, r.fell == 1).label("fell_run"),
            count(n <= c.warn_falling_answers).label("fall_answers"),
            at(1, r.rel).label("rel_newest"),
            at(c.warn_falling_answers, r.rel).label("rel_first"),
            count(earlier).label("earlier_answers"),
            count(n <= c.warn_low_answers).label("low_answers"),
            func.max(case((n <= c.warn_low_answers, r.rel))).label("rel_recent_max"),
            trimmed(r.rel).label("rel_usual"),
            trimmed(r.q).label("q_usual"),
            count(n < c.warn_later_answers, r.slower == 1).label("slower_run"),
            at(2, r.delay).label("delay_second"),
            count(n < c.warn_same_problem_answers, r.same == 1).label("same_run"),
            at(1, r.produced).label("produced_newest"),
            count(n > 1, n <= c.warn_steady_answers + 1, r.produced == 1).label("steady_before"),
        )
        .group_by(r.person_id)
        .cte("warn_family")
    )


def _warnings_select(round_ids: list[int]) -> Select[Any]:
    f = _per_family(_steps(round_ids)).c
    falling = and_(
        f.warn_falling_answers > 1,
        f.fall_answers == f.warn_falling_answers,
        f.fell_run == f.warn_falling_answers - 1,
        # Against the family's usual level when known, else the run's first answer.
        f.rel_newest
        <= func.coalesce(f.rel_usual, f.rel_first) * (100 - f.warn_drop_percent) / 100.0,
    )
    low = and_(
        f.warn_low_answers > 0,
        f.earlier_answers >= MIN_EARLIER,
        f.low_answers == f.warn_low_answers,
        f.rel_recent_max < f.rel_usual * f.warn_low_percent / 100.0,
    )
    later = and_(
        f.warn_later_answers > 1,
        f.slower_run == f.warn_later_answers - 1,
        # The last two after the reminder: one late answer now and then is no slide.
        f.delay_second >= f.reminder_after_hours,
    )
    same = and_(f.warn_same_problem_answers > 1, f.same_run == f.warn_same_problem_answers - 1)
    stopped = and_(
        f.warn_steady_answers > 0,
        f.produced_newest == 0,
        f.steady_before == f.warn_steady_answers,
    )
    signals = (falling, low, later, same, stopped)
    fires = or_(*signals)
    live = exists().where(
        alerts.c.person_id == f.person_id,
        alerts.c.rule == Rule.EARLY_WARNING.value,
        alerts.c.status.in_(LIVE),
    )

    def flag(signal: ColumnElement[bool], value: ColumnElement[Any]) -> Any:
        return case((signal, value), else_=None)

    return select(
        f.person_id,
        case((fires, True), else_=False),
        f.latest_round_id,
        f.evidence_round_id,
        flag(falling, f.warn_falling_answers),
        flag(low, f.warn_low_answers),
        flag(low, f.q_usual),
        flag(low, f.warn_low_percent),
        flag(later, f.warn_later_answers),
        flag(same, f.warn_same_problem_answers),
        flag(stopped, f.warn_steady_answers),
    ).where(or_(fires, live))


async def compute_warnings(session: AsyncSession, cohort_id: int | None) -> None:
    await session.execute(text(f"DROP TABLE IF EXISTS {warnings.name}"))
    await session.run_sync(lambda sync: warnings.create(sync.connection()))
    round_ids = list((await session.scalars(recent_rounds(cohort_id))).all())
    if not round_ids:
        return
    columns = [c.name for c in warnings.columns]
    async with work_mem(session, WORK_MEM):
        await session.execute(warnings.insert().from_select(columns, _warnings_select(round_ids)))
    if is_postgresql(session):
        await session.execute(text(f"ANALYZE {warnings.name}"))
