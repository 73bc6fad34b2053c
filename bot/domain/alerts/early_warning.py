"""Early warning: families sliding towards silence, found before they go silent.

Computed in SQL, set-based, over the answers of each cohort's latest `warn_window_rounds`
rounds (an answer = a record that says whether the family produced; a "no" counts as 0).
Per family, newest answer first, seven signals, each with the cohort's threshold (0 = off):

- falling: the last `warn_falling_answers` quantities fall each time (by 5% or more), and
  the newest is at least `warn_drop_percent` % below the family's usual level in the earlier
  answers (or the run's first) once the cohort's own level in each round is taken out (a
  season that lowers everyone's production is not a slide).
- low: the last `warn_low_answers` quantities are all below `warn_low_percent` % of the
  family's usual level in the earlier answers (at least three: their mean without the
  highest and the lowest), again against the cohort's level.
- sales falling, sales low: the same two on what the family earned from sales (rupiah; a
  "no production" or nothing sold is 0, an answer not given yet is no sales answer), with
  `warn_sales_falling_answers`, `warn_sales_drop_percent`, `warn_sales_low_answers` and
  `warn_sales_low_percent`, against the cohort's sales in each round: a family that still
  produces but no longer finds buyers.
- later: the last `warn_later_answers` answers came each later after the question than the
  one before, the newest two after the reminder (`reminder_after_hours`).
- same problem: the last `warn_same_problem_answers` answers name the same problems.
- stopped: the newest answer is "no production" after `warn_steady_answers` producing ones.

A round's average is the cohort's level only when 10 or more families answered it; in a
smaller round figures are taken as they are. An alert opens only for a family no other
alert is live for (episodes.py). One episode runs while a signal fires; it ends with an
answer in which none fires. An alert the facilitator resolved blocks a new one until a
signal fires on answers all given after it. docs/EARLY_WARNING.md shows what it is worth.

How (docs/PERFORMANCE.md, "Early warning"): the answers are numbered per family, newest
first, in one window (one sort); one GROUP BY then takes, per family, the values at the
first few positions (as many as the largest threshold of the cohorts read asks for) and
the sums of the earlier answers, and the signals are read from those per family. No
per-answer comparison with the answer before (`lead`), which costs a window pass each.
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
    and_,
    case,
    exists,
    not_,
    or_,
    select,
    text,
)
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.dialect import is_postgresql, large_sorts
from bot.domain.alerts.schema import LIVE, Rule, alerts, cohorts, rounds
from bot.domain.alerts.warning_answers import (
    Figure,
    Positions,
    answer_steps,
    per_family,
    positions,
    recent_rounds,
    run_of,
    slide,
)

_scratch = MetaData()
# Per family with a signal firing or a live early-warning alert; private to the connection.
warnings = Table(
    "kabar_warning_facts",
    _scratch,
    Column("person_id", String(64), primary_key=True),
    Column("fires", Boolean),
    Column("latest_round_id", Integer),
    # The oldest answer the falling signals read: a resolved alert from this round on is
    # about the same evidence.
    Column("evidence_round_id", Integer),
    Column("falling", Integer),
    Column("low", Integer),
    Column("typical", Float),
    Column("low_percent", Integer),
    Column("sales_falling", Integer),
    Column("sales_low", Integer),
    Column("sales_typical", Float),
    Column("sales_low_percent", Integer),
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
    "warn_sales_falling_answers",
    "warn_sales_drop_percent",
    "warn_sales_low_answers",
    "warn_sales_low_percent",
    "warn_later_answers",
    "warn_same_problem_answers",
    "warn_steady_answers",
    "reminder_after_hours",
)
# The sort of a family's answers (about half a million rows at 100,000 families).
WORK_MEM = "128MB"


def _warnings_select(round_ids: list[int], most: Positions, postgresql: bool) -> Select[Any]:
    family = per_family(answer_steps(round_ids, postgresql=postgresql), most)
    f, c = family.c, cohorts.c
    production = slide(
        f,
        Figure(
            "q",
            "rel",
            most.production,
            f.answers - c.warn_low_answers,
            c.warn_falling_answers,
            c.warn_drop_percent,
            c.warn_low_answers,
            c.warn_low_percent,
        ),
    )
    sales = slide(
        f,
        Figure(
            "s",
            "rel_s",
            most.sales,
            f.s_earlier,
            c.warn_sales_falling_answers,
            c.warn_sales_drop_percent,
            c.warn_sales_low_answers,
            c.warn_sales_low_percent,
        ),
    )
    later = and_(
        c.warn_later_answers > 1,
        run_of(most.delay, c.warn_later_answers, lambda i: f[f"delay_{i}"] > f[f"delay_{i + 1}"]),
        # The last two after the reminder: one late answer now and then is no slide.
        f[f"delay_{min(2, most.delay)}"] >= c.reminder_after_hours,
    )

    def same_as_before(i: int) -> ColumnElement[bool]:
        return and_(f[f"problems_{i}"] == f[f"problems_{i + 1}"], f[f"problems_{i}"] != "[]")

    same = and_(
        c.warn_same_problem_answers > 1,
        run_of(most.problems, c.warn_same_problem_answers, same_as_before),
    )
    stopped = and_(
        c.warn_steady_answers > 0,
        f.produced_1 == 0,
        *(
            or_(c.warn_steady_answers + 1 < i, f[f"produced_{i}"] == 1)
            for i in range(2, most.produced + 1)
        ),
    )
    signals = (production.falling, production.low, sales.falling, sales.low, later, same, stopped)
    fires = or_(*signals)
    live = exists().where(
        alerts.c.person_id == f.person_id,
        alerts.c.rule == Rule.EARLY_WARNING.value,
        alerts.c.status.in_(LIVE),
    )
    # The oldest answer the falling signal reads: the sales' when only they fall (the
    # newest answer, when both are off).
    evidence = case(
        (and_(sales.falling, not_(production.falling)), c.warn_sales_falling_answers),
        else_=c.warn_falling_answers,
    )
    evidence_round = case(
        *(
            (and_(evidence >= i, f.answers >= i), f[f"round_{i}"])
            for i in range(most.evidence, 1, -1)
        ),
        else_=f.round_1,
    )

    def flag(signal: ColumnElement[bool], value: ColumnElement[Any]) -> Any:
        return case((signal, value), else_=None)

    return (
        select(
            f.person_id,
            case((fires, True), else_=False),
            f.round_1,
            evidence_round,
            flag(production.falling, c.warn_falling_answers),
            flag(production.low, c.warn_low_answers),
            flag(production.low, production.typical),
            flag(production.low, c.warn_low_percent),
            flag(sales.falling, c.warn_sales_falling_answers),
            flag(sales.low, c.warn_sales_low_answers),
            flag(sales.low, sales.typical),
            flag(sales.low, c.warn_sales_low_percent),
            flag(later, c.warn_later_answers),
            flag(same, c.warn_same_problem_answers),
            flag(stopped, c.warn_steady_answers),
        )
        # The family's cohort: its newest answer's round's.
        .join_from(family, rounds, rounds.c.id == f.round_1)
        .join(cohorts, c.id == rounds.c.cohort_id)
        .where(or_(fires, live))
    )


async def compute_warnings(session: AsyncSession, cohort_id: int | None) -> None:
    await session.execute(text(f"DROP TABLE IF EXISTS {warnings.name}"))
    await session.run_sync(lambda sync: warnings.create(sync.connection()))
    round_ids = list((await session.scalars(recent_rounds(cohort_id))).all())
    if not round_ids:
        return
    most = await positions(session, round_ids)
    columns = [c.name for c in warnings.columns]
    async with large_sorts(session, WORK_MEM):
        await session.execute(
            warnings.insert().from_select(
                columns, _warnings_select(round_ids, most, is_postgresql(session))
            )
        )
    if is_postgresql(session):
        await session.execute(text(f"ANALYZE {warnings.name}"))
