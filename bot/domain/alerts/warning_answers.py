"""The answers the early warning reads, per family (early_warning.py puts the signals
together from them): each cohort's latest rounds, the answers numbered per family newest
first, the values at the first positions, and one figure's falling and low signals.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Float,
    Select,
    Text,
    and_,
    case,
    cast,
    func,
    literal,
    or_,
    select,
    true,
)
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.dialect import hours_between
from bot.domain.alerts.schema import cohorts, records, rounds

# A fall is a fall when the figure is at least 5% below the previous answer's: two
# answers a little apart are the same level, written down differently.
FELL = 0.95
# The answers a round needs before its average is taken for the cohort's level.
MIN_LEVEL_ANSWERS = 10
# The earlier answers a usual level needs before the low signals trust it.
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


@dataclass(frozen=True)
class Positions:
    """How many of each family's newest answers the statement reads one by one: enough for
    the largest threshold among the cohorts read (1 at least: the newest)."""

    production: int
    sales: int
    delay: int
    problems: int
    produced: int
    evidence: int


async def positions(session: AsyncSession, round_ids: list[int]) -> Positions:
    c = cohorts.c
    in_window = c.id.in_(select(rounds.c.cohort_id).where(rounds.c.id.in_(round_ids)))
    row = (
        await session.execute(
            select(
                func.max(c.warn_falling_answers),
                func.max(c.warn_low_answers),
                func.max(c.warn_sales_falling_answers),
                func.max(c.warn_sales_low_answers),
                func.max(c.warn_later_answers),
                func.max(c.warn_same_problem_answers),
                func.max(c.warn_steady_answers),
            ).where(in_window)
        )
    ).one()
    falling, low, sales_falling, sales_low, later, same, steady = (int(v or 0) for v in row)
    return Positions(
        production=max(falling, low, 1),
        sales=max(sales_falling, sales_low, 1),
        delay=max(later, 1),
        problems=max(same, 1),
        produced=steady + 1,
        evidence=max(falling, sales_falling, 1),
    )


def production_known() -> ColumnElement[bool]:
    """An answer whose production is known: "no", or "yes" with the amount. A check-in still
    under way ("yes", the amount not typed yet) is not an answer of 0 kg: the rules may run
    between the family's two messages."""
    return or_(records.c.produced.is_(False), records.c.quantity_produced.is_not(None))


def _quantity() -> ColumnElement[float]:
    """What the family produced; a "no" is 0."""
    return case(
        (records.c.produced.is_(True), cast(records.c.quantity_produced, Float)),
        else_=literal(0.0, Float),
    )


def _sales() -> ColumnElement[float]:
    """What the family earned from sales: 0 after "no production" or nothing sold (the
    check-in does not ask the amount then); NULL while the amount is not answered."""
    return case(
        (records.c.produced.is_(False), literal(0.0, Float)),
        (records.c.quantity_sold == 0, literal(0.0, Float)),
        else_=cast(records.c.revenue_idr, Float),
    )


def _scale(level: ColumnElement[Any], answers: ColumnElement[Any], usual: Any) -> Any:
    # 1 when the round has few answers: they say little about the cohort's level.
    return case(
        (and_(answers >= MIN_LEVEL_ANSWERS, level > 0), usual / level),
        else_=literal(1.0, Float),
    )


def _rounds(round_ids: list[int], postgresql: bool) -> Any:
    """The latest rounds, each with the factors that take the cohort's level in that round
    out of a quantity and out of sales (the cohort's usual level over the round's
    average), and the two thresholds each answer needs for the earlier answers."""
    recent = (
        select(rounds.c.id, rounds.c.cohort_id, rounds.c.opened_at)
        .where(rounds.c.id.in_(round_ids))
        .cte("warn_rounds")
    )
    # From the figures index alone (round, …, produced, quantity, sold, revenue): no row read.
    sales = _sales()
    level = (
        select(
            recent.c.id,
            recent.c.cohort_id,
            recent.c.opened_at,
            func.avg(_quantity()).label("level"),
            func.count().label("answers"),
            func.avg(sales).label("sales_level"),
            func.count(sales).label("sales_answers"),
        )
        .join_from(recent, records, records.c.round_id == recent.c.id)
        .where(production_known())
        .group_by(recent.c.id, recent.c.cohort_id, recent.c.opened_at)
        .cte("warn_level")
    )
    lv = level.c
    usual = (
        select(
            lv.cohort_id,
            (func.sum(lv.level * lv.answers) / func.sum(lv.answers)).label("usual"),
            (
                func.sum(lv.sales_level * lv.sales_answers)
                / func.nullif(func.sum(lv.sales_answers), 0)
            ).label("sales_usual"),
        )
        .group_by(lv.cohort_id)
        .cte("warn_usual")
    )
    scale = (
        select(
            lv.id,
            lv.cohort_id,
            lv.opened_at,
            _scale(lv.level, lv.answers, usual.c.usual).label("scale"),
            _scale(lv.sales_level, lv.sales_answers, usual.c.sales_usual).label("sales_scale"),
            cohorts.c.warn_low_answers,
            cohorts.c.warn_sales_low_answers,
        )
        .join_from(level, usual, usual.c.cohort_id == lv.cohort_id)
        .join(cohorts, cohorts.c.id == lv.cohort_id)
    )
    if not postgresql:
        # OFFSET 0: computed once per round. Merged into the answers' read, SQLite looked
        # the cohort's usual level up and divided again for each answer. (PostgreSQL,
        # fenced, estimates 4 rounds and reads every record instead of probing per round.)
        scale = scale.offset(0)
    return scale.cte("warn_scale")


def answer_steps(round_ids: list[int], *, postgresql: bool) -> Any:
    """Each family's answers in the latest rounds, numbered newest first (n = 1), with
    their figures as they are and in the cohort's usual terms (the round's own level taken
    out). The answers are reduced to numbers first: the sort moves a few numbers, not
    timestamps. Each database needs its own fence for the plan that is cheap on it."""
    scale = _rounds(round_ids, postgresql)
    quantity, sales = _quantity(), _sales()
    answered = func.coalesce(records.c.answered_at, records.c.updated_at)
    answers = (
        select(
            records.c.person_id,
            records.c.round_id,
            scale.c.warn_low_answers.label("low"),
            scale.c.warn_sales_low_answers.label("sales_low"),
            quantity.label("q"),
            (quantity * scale.c.scale).label("rel"),
            sales.label("s"),
            (sales * scale.c.sales_scale).label("rel_s"),
            case((records.c.produced.is_(True), 1), else_=0).label("produced"),
            hours_between(answered, scale.c.opened_at).label("delay"),
            cast(records.c.problems, Text).label("problems"),
        )
        .join_from(records, scale, scale.c.id == records.c.round_id)
        .where(production_known())
    )
    if postgresql:
        # OFFSET 0: PostgreSQL would otherwise sort the raw columns (timestamps, JSON,
        # numerics) under the window and compute these numbers above it. (On SQLite the
        # numbers are computed first anyway, and the fence costs a copy of each row.)
        answers = answers.offset(0)
    a = answers.subquery("warn_answers").c
    newest_first = func.row_number().over(partition_by=a.person_id, order_by=a.round_id.desc())
    return select(*a, newest_first.label("n")).cte("warn_steps")


def per_family(steps: Any, most: Positions) -> Any:
    """One row per family, in one pass over its answers: the values at the newest
    positions (`rel_1` is the newest answer's), and what the usual levels need from the
    earlier answers. A usual level is the mean of the earlier answers without the highest
    and the lowest (a typo ten times too big does not make every later answer look low)."""
    r = steps.c

    # FILTER, not an aggregate of a CASE: a row the filter leaves out costs no call of the
    # aggregate, and each row is left out by all but one of the positions.
    def at(name: str, value: ColumnElement[Any], count: int) -> list[Any]:
        return [func.max(value).filter(r.n == i).label(f"{name}_{i}") for i in range(1, count + 1)]

    def earlier(name: str, value: ColumnElement[Any], low: ColumnElement[Any]) -> list[Any]:
        kept = r.n > low
        return [
            func.sum(value).filter(kept).label(f"{name}_sum"),
            func.max(value).filter(kept).label(f"{name}_max"),
            func.min(value).filter(kept).label(f"{name}_min"),
        ]

    return (
        select(
            r.person_id,
            func.count().label("answers"),
            *at("round", r.round_id, most.evidence),
            *at("q", r.q, most.production),
            *at("rel", r.rel, most.production),
            *earlier("rel", r.rel, r.low),
            *at("s", r.s, most.sales),
            *at("rel_s", r.rel_s, most.sales),
            *earlier("rel_s", r.rel_s, r.sales_low),
            func.count(r.s).filter(r.n > r.sales_low).label("s_earlier"),
            *at("delay", r.delay, most.delay),
            *at("problems", r.problems, most.problems),
            *at("produced", r.produced, most.produced),
        )
        .group_by(r.person_id)
        .subquery("warn_family")
    )


def _pick(f: Any, name: str, count: int, position: ColumnElement[Any]) -> Any:
    """The value at a position the cohort sets (`name_1` … `name_count`)."""
    return case(*((position == i, f[f"{name}_{i}"]) for i in range(1, count + 1)))


def run_of(count: int, threshold: ColumnElement[Any], step: Any) -> ColumnElement[bool]:
    """`step(i)` holds between each answer and the one before, over the newest `threshold`
    answers (positions 1 … `count` are known)."""
    return and_(true(), *(or_(threshold <= i, step(i)) for i in range(1, count)))


def _trimmed(f: Any, name: str, earlier: ColumnElement[Any]) -> Any:
    return (f[f"{name}_sum"] - f[f"{name}_max"] - f[f"{name}_min"]) / func.nullif(earlier - 2, 0)


@dataclass(frozen=True)
class Slide:
    """The falling and low signals on one figure (production, or sales)."""

    falling: ColumnElement[bool]
    low: ColumnElement[bool]
    # The family's usual level the signals compare with (in a round at the cohort's usual
    # level), shown on the card as "usually …".
    typical: Any


@dataclass(frozen=True)
class Figure:
    value: str  # the per-family columns of the figure as answered: `{value}_1` …
    rel: str  # … and in the cohort's usual terms
    count: int  # positions known
    earlier: ColumnElement[Any]  # the family's earlier answers with this figure
    falling: ColumnElement[Any]  # the cohort's thresholds
    drop: ColumnElement[Any]
    low: ColumnElement[Any]
    low_percent: ColumnElement[Any]


def slide(f: Any, figure: Figure) -> Slide:
    usual = _trimmed(f, figure.rel, figure.earlier)

    def fell(i: int) -> ColumnElement[bool]:
        fallen: ColumnElement[bool] = f[f"{figure.value}_{i}"] < f[f"{figure.value}_{i + 1}"] * FELL
        return fallen

    def below(i: int) -> ColumnElement[bool]:
        low: ColumnElement[bool] = f[f"{figure.rel}_{i}"] < usual * figure.low_percent / 100.0
        return low

    first = _pick(f, figure.rel, figure.count, figure.falling)
    return Slide(
        falling=and_(
            figure.falling > 1,
            f.answers >= figure.falling,
            run_of(figure.count, figure.falling, fell),
            # Against the family's usual level when known, else the run's first answer.
            f[f"{figure.rel}_1"] <= func.coalesce(usual, first) * (100 - figure.drop) / 100.0,
        ),
        low=and_(
            figure.low > 0,
            figure.earlier >= MIN_EARLIER,
            *(or_(figure.low < i, below(i)) for i in range(1, figure.count + 1)),
        ),
        typical=usual,
    )
