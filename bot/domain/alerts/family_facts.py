"""The facts the rules need, per participant, computed in SQL into a temporary table.

One INSERT … SELECT finds, from a few index probes per family, the latest record, the
unresponsive and not-producing streaks (rules.py says how they count), reachability,
pause, and who would receive an alert. The other rule modules read the table.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import (
    Boolean,
    Column,
    ColumnElement,
    Integer,
    MetaData,
    Select,
    String,
    Table,
    and_,
    case,
    exists,
    func,
    or_,
    select,
    text,
)
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql.selectable import ScalarSelect

from bot.db.dialect import is_postgresql
from bot.db.models import ParticipantStatus, RecordStatus, Role
from bot.db.types import UTCDateTime
from bot.domain.alerts.assignment import assignment
from bot.domain.alerts.schema import LIVE, Rule, accounts, alerts, cohorts, people, records

# Per-participant facts, filled by one INSERT … SELECT; private to the connection.
_scratch = MetaData()
facts = Table(
    "kabar_rule_facts",
    _scratch,
    Column("person_id", String(64), primary_key=True),
    Column("missed_threshold", Integer),
    Column("dry_threshold", Integer),
    Column("paused", Boolean),
    Column("paused_at", UTCDateTime()),
    Column("unreachable_at", UTCDateTime()),
    Column("unreachable_reason", String(200)),
    Column("level", String(16)),
    Column("assignee_id", String(64)),
    Column("straight", Boolean),  # facilitator cannot be reached: straight to the coordinator
    Column("latest_round_id", Integer),
    Column("latest_status", String(24)),
    Column("latest_needs_help", Boolean),
    Column("latest_at", UTCDateTime()),
    Column("missed_streak", Integer),
    Column("dry_streak", Integer),
    prefixes=["TEMPORARY"],
)


def _latest(
    person_id: ColumnElement[str], value: ColumnElement[Any], *where: ColumnElement[bool]
) -> ScalarSelect[Any]:
    """`value` of the person's latest record matching `where`: an index walk, backwards."""
    return (
        select(value)
        .where(records.c.person_id == person_id, *where)
        .order_by(records.c.round_id.desc())
        .limit(1)
        # Explicit: inside _count_after the family's table is two levels up.
        .correlate(person_id.table)
        .scalar_subquery()
    )


def _count_after(
    person_id: ColumnElement[str],
    round_id: ColumnElement[Any],
    where: Callable[[Any], list[ColumnElement[bool]]] = lambda _: [],
) -> ScalarSelect[Any]:
    """How many of the person's records matching `where(counted)` come after `round_id`.

    The counted records are an alias, so that a `round_id` subquery on `records` stays
    correlated to the family and not to the rows being counted.
    """
    counted = records.alias("counted")
    return (
        select(func.count())
        .select_from(counted)
        .where(
            counted.c.person_id == person_id,
            counted.c.round_id > func.coalesce(round_id, 0),
            *where(counted),
        )
        .scalar_subquery()
    )


_FACT_COLUMNS = [
    "person_id",
    "missed_threshold",
    "dry_threshold",
    "paused",
    "paused_at",
    "unreachable_at",
    "unreachable_reason",
    "level",
    "assignee_id",
    "straight",
    "latest_round_id",
    "latest_status",
    "latest_needs_help",
    "latest_at",
    "missed_streak",
    "dry_streak",
]


# The latest record's round, status, help flag and production answer, packed in one
# integer so that one index probe per family brings them all: round_id * 32, plus the
# status in the lowest two bits (missed 0, partial 1, answered 2), 4 = asked for help,
# 8 = produced, 16 = did not produce.
_MISSED, _PARTIAL, _ANSWERED, _HELP, _PRODUCED, _DRY, _ROUND = 0, 1, 2, 4, 8, 16, 32


def _latest_code() -> ColumnElement[int]:
    return (
        records.c.round_id * _ROUND
        + case(
            (records.c.status == RecordStatus.MISSED, _MISSED),
            (records.c.status == RecordStatus.PARTIAL, _PARTIAL),
            else_=_ANSWERED,
        )
        + case((records.c.needs_help, _HELP), else_=0)
        + case(
            (records.c.produced.is_(True), _PRODUCED),
            (records.c.produced.is_(False), _DRY),
            else_=0,
        )
    )


def _facts_select(cohort_id: int | None) -> Select[Any]:
    """One row of facts per participant, from a few index probes each.

    A first pass (materialized) finds each family's latest record; most answered it and
    produced, which settles both streaks, so the CASEs of the second pass skip the deeper
    walks for them (both databases evaluate a CASE branch only when it is reached).
    """
    (fac_join, fac_on), straight, level, assignee = assignment(people.c.supervisor_id)
    account = accounts.alias("account")
    first = (
        select(
            people.c.id.label("person_id"),
            cohorts.c.missed_rounds_threshold,
            cohorts.c.no_production_threshold,
            (people.c.status == ParticipantStatus.PAUSED).label("paused"),
            people.c.paused_at,
            account.c.unreachable_at,
            account.c.unreachable_reason,
            level.label("level"),
            assignee.label("assignee_id"),
            straight.label("straight"),
            _latest(people.c.id, _latest_code()).label("code"),
        )
        .select_from(
            people.join(cohorts, cohorts.c.id == people.c.cohort_id)
            .outerjoin(account, account.c.person_id == people.c.id)
            .outerjoin(fac_join, fac_on)
        )
        .where(people.c.role == Role.PARTICIPANT)
    )
    if cohort_id is not None:
        first = first.where(people.c.cohort_id == cohort_id)
    base = first.cte("rule_base").prefix_with("MATERIALIZED")
    person = base.c.person_id
    code = base.c.code
    latest_round = code // _ROUND  # integer division on both databases
    missed = code % 4 == _MISSED
    produced = code % 16 >= _PRODUCED
    asked_for_help = code % 8 >= _HELP
    help_alert_live = exists().where(
        alerts.c.person_id == person,
        alerts.c.rule == Rule.HELP.value,
        alerts.c.status.in_(LIVE),
    )
    ok = records.c.status != RecordStatus.MISSED
    yes = records.c.produced.is_(True)
    return select(
        person,
        base.c.missed_rounds_threshold,
        base.c.no_production_threshold,
        base.c.paused,
        base.c.paused_at,
        base.c.unreachable_at,
        base.c.unreachable_reason,
        base.c.level,
        base.c.assignee_id,
        base.c.straight,
        latest_round,
        case(
            (missed, RecordStatus.MISSED.value),
            (code % 4 == _PARTIAL, RecordStatus.PARTIAL.value),
            (code % 4 == _ANSWERED, RecordStatus.ANSWERED.value),
        ),
        asked_for_help,
        # When it was answered matters only to the help rule.
        case(
            (
                or_(asked_for_help, help_alert_live),
                _latest(person, func.coalesce(records.c.answered_at, records.c.updated_at)),
            ),
        ),
        case((missed, _count_after(person, _latest(person, records.c.round_id, ok))), else_=0),
        case(
            (produced, 0),
            (code.is_(None), 0),
            else_=_count_after(
                person,
                _latest(person, records.c.round_id, yes),
                lambda counted: [counted.c.produced.is_(False)],
            ),
        ),
    ).select_from(base)


async def compute_facts(session: AsyncSession, cohort_id: int | None) -> None:
    await session.execute(text(f"DROP TABLE IF EXISTS {facts.name}"))
    await session.run_sync(lambda sync: facts.create(sync.connection()))
    await session.execute(facts.insert().from_select(_FACT_COLUMNS, _facts_select(cohort_id)))
    if is_postgresql(session):
        # Temporary tables are never auto-analyzed; the joins below want real row counts.
        await session.execute(text(f"ANALYZE {facts.name}"))


def streak(streak: Column[Any], threshold: Column[Any]) -> ColumnElement[bool]:
    return and_(streak > 0, streak >= threshold)
