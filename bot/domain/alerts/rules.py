"""Escalation rules: which families need their facilitator, evaluated in SQL.

`evaluate` runs after a round closes (and may run at any time: it only looks at the
database). It never loads follow-up records into Python: one statement computes, per
participant, the facts the rules need into a temporary table, and a handful of set-based
statements close recovered alerts, open new ones and keep `Person.status` in step.

Per participant, looking only at their own records (a round they were not asked in, e.g.
while paused, leaves no record and neither breaks nor extends a streak), ordered by round:

- unresponsive: the latest `missed_rounds_threshold` records are all `missed`. A `partial`
  record counts as a response: the family replied, if not to everything. Recovery: the
  latest record is not missed (an answer to a newer round, or a late answer to the latest).
- not-producing: the latest `no_production_threshold` answers to "did you produce?" are all
  no. Rounds where the question went unanswered (missed, or given up before it) are skipped:
  missing a round says nothing about production. Recovery: an answer "yes".
- unreachable: the Telegram account has `unreachable_at`. Recovery: it is cleared.
- paused: the person's status is paused (/berhenti, or consent declined). Recovery: resumed.
- help: the latest record has `needs_help`, or the person sent /tolong (`ask_for_help`).
  Recovery: a completed check-in answered after the alert opened, without a request for help.

One alert per episode: a live (open or acknowledged) alert for the same person and rule
blocks a new one, and so does an alert the facilitator resolved while the episode it was
about still runs (the streak it fired in, the same unreachability or pause, the same request
for help). Statuses follow the same facts: paused, else unreachable, else quiet (the
unresponsive streak), else not-producing, else active.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
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
    literal,
    not_,
    null,
    or_,
    select,
    text,
    update,
)
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql.selectable import ScalarSelect

from bot.db.dialect import embed_json, insert_skipping_conflicts, is_postgresql, pairs
from bot.db.models import (
    Alert,
    AlertAction,
    AlertStatus,
    Cohort,
    FollowUpRecord,
    ParticipantStatus,
    Person,
    RecordStatus,
    Role,
    TelegramAccount,
)
from bot.db.models.base import table_of
from bot.db.types import UTCDateTime

# Cohort's column default, for the rare person without a cohort (e.g. /tolong from one).
DEFAULT_ESCALATE_AFTER_DAYS = 3
FACILITATOR = "facilitator"
COORDINATOR = "coordinator"
RECOVERED = "recovered"


class Rule(StrEnum):
    UNRESPONSIVE = "unresponsive"
    NOT_PRODUCING = "not-producing"
    UNREACHABLE = "unreachable"
    PAUSED = "paused"
    HELP = "help"


@dataclass
class RuleOutcome:
    """What one evaluation changed, for the caller to tell people about."""

    opened: list[Alert] = field(default_factory=list)
    closed: list[Alert] = field(default_factory=list)
    status_changed: int = 0


_LIVE = (AlertStatus.OPEN.value, AlertStatus.ACKNOWLEDGED.value)

people = table_of(Person)
cohorts = table_of(Cohort)
records = table_of(FollowUpRecord)
accounts = table_of(TelegramAccount)
alerts = table_of(Alert)

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


def _at(now: datetime) -> ColumnElement[datetime]:
    return literal(now, UTCDateTime())


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


def _assignment(
    supervisor_id: ColumnElement[str | None],
) -> tuple[Any, ColumnElement[bool], ColumnElement[str], ColumnElement[str | None]]:
    """Who gets an alert: the facilitator, or their coordinator if the facilitator can't
    receive it (no Telegram account, or an unreachable one) and a coordinator exists."""
    facilitator = people.alias("facilitator")
    facilitator_account = accounts.alias("facilitator_account")
    joined = facilitator.outerjoin(
        facilitator_account, facilitator_account.c.person_id == facilitator.c.id
    )
    straight = and_(
        or_(facilitator_account.c.id.is_(None), facilitator_account.c.unreachable_at.is_not(None)),
        facilitator.c.supervisor_id.is_not(None),
    )
    level = case((straight, COORDINATOR), else_=FACILITATOR)
    assignee = case((straight, facilitator.c.supervisor_id), else_=supervisor_id)
    return (
        (joined, facilitator.c.id == supervisor_id),
        straight,
        level,
        assignee,
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
    (fac_join, fac_on), straight, level, assignee = _assignment(people.c.supervisor_id)
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
        alerts.c.status.in_(_LIVE),
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


async def _compute_facts(session: AsyncSession, cohort_id: int | None) -> None:
    await session.execute(text(f"DROP TABLE IF EXISTS {facts.name}"))
    await session.run_sync(lambda sync: facts.create(sync.connection()))
    await session.execute(facts.insert().from_select(_FACT_COLUMNS, _facts_select(cohort_id)))
    if is_postgresql(session):
        # Temporary tables are never auto-analyzed; the joins below want real row counts.
        await session.execute(text(f"ANALYZE {facts.name}"))


def _streak(streak: Column[Any], threshold: Column[Any]) -> ColumnElement[bool]:
    return and_(streak > 0, streak >= threshold)


def _new_status() -> ColumnElement[str]:
    return case(
        (facts.c.paused, ParticipantStatus.PAUSED.value),
        (facts.c.unreachable_at.is_not(None), ParticipantStatus.UNREACHABLE.value),
        (_streak(facts.c.missed_streak, facts.c.missed_threshold), ParticipantStatus.QUIET.value),
        (
            _streak(facts.c.dry_streak, facts.c.dry_threshold),
            ParticipantStatus.NOT_PRODUCING.value,
        ),
        else_=ParticipantStatus.ACTIVE.value,
    )


async def _sync_statuses(session: AsyncSession, now: datetime) -> int:
    status = _new_status()
    result = await session.execute(
        update(people)
        .where(people.c.id == facts.c.person_id, people.c.status != status)
        .values(status=status, updated_at=_at(now))
    )
    return int(getattr(result, "rowcount", 0) or 0)


def _recovered() -> ColumnElement[bool]:
    """For an alert row in an UPDATE of alerts: its episode is over."""
    rule = alerts.c.rule
    return exists().where(
        facts.c.person_id == alerts.c.person_id,
        or_(
            and_(
                rule == Rule.UNRESPONSIVE.value,
                facts.c.latest_round_id.is_not(None),
                facts.c.missed_streak == 0,
            ),
            and_(
                rule == Rule.NOT_PRODUCING.value,
                facts.c.latest_round_id.is_not(None),
                facts.c.dry_streak == 0,
            ),
            and_(rule == Rule.UNREACHABLE.value, facts.c.unreachable_at.is_(None)),
            and_(rule == Rule.PAUSED.value, not_(facts.c.paused)),
            and_(
                rule == Rule.HELP.value,
                # Only a finished check-in: a partial one may not have reached the question.
                facts.c.latest_status == RecordStatus.ANSWERED.value,
                not_(facts.c.latest_needs_help),
                facts.c.latest_at > alerts.c.opened_at,
            ),
        ),
    )


async def _close_recovered(session: AsyncSession, now: datetime) -> list[Alert]:
    statement = (
        update(Alert)
        .where(Alert.status.in_(_LIVE), _recovered())
        .values(
            status=AlertStatus.CLOSED,
            closed_at=now,
            closed_reason=RECOVERED,
        )
        .returning(Alert)
        .execution_options(synchronize_session=False)
    )
    return list((await session.scalars(statement)).all())


def _no_record_since(round_id: ColumnElement[Any], *where: ColumnElement[bool]) -> Any:
    """For an earlier alert: no record matching `where` (a recovery) from its round on.

    Checked only for families whose rule fires and who have an earlier alert, so the
    walk is rare; the round itself counts, as a late answer may have changed it.
    """
    return not_(
        exists().where(
            records.c.person_id == alerts.c.person_id,
            records.c.round_id >= round_id,
            *where,
        )
    )


@dataclass(frozen=True)
class _Opening:
    rule: Rule
    fires: ColumnElement[bool]
    # For an earlier alert `alerts` of the same rule: is it about the current episode?
    same_episode: ColumnElement[bool]
    round_id: ColumnElement[Any]
    details: ColumnElement[Any]


def _openings() -> list[_Opening]:
    latest_record = (
        select(records.c.problems, records.c.problem_note)
        .where(
            records.c.person_id == facts.c.person_id,
            records.c.round_id == facts.c.latest_round_id,
        )
        .correlate(facts)
    )
    problems = latest_record.with_only_columns(embed_json(records.c.problems)).scalar_subquery()
    note = latest_record.with_only_columns(records.c.problem_note).scalar_subquery()
    return [
        _Opening(
            Rule.UNRESPONSIVE,
            _streak(facts.c.missed_streak, facts.c.missed_threshold),
            _no_record_since(alerts.c.round_id, records.c.status != RecordStatus.MISSED),
            facts.c.latest_round_id,
            pairs(missed_rounds=facts.c.missed_streak),
        ),
        _Opening(
            Rule.NOT_PRODUCING,
            _streak(facts.c.dry_streak, facts.c.dry_threshold),
            _no_record_since(alerts.c.round_id, records.c.produced.is_(True)),
            facts.c.latest_round_id,
            pairs(rounds_without_production=facts.c.dry_streak),
        ),
        _Opening(
            Rule.UNREACHABLE,
            facts.c.unreachable_at.is_not(None),
            alerts.c.opened_at >= facts.c.unreachable_at,
            null(),
            pairs(reason=facts.c.unreachable_reason),
        ),
        _Opening(
            Rule.PAUSED,
            facts.c.paused,
            or_(facts.c.paused_at.is_(None), alerts.c.opened_at >= facts.c.paused_at),
            null(),
            pairs(),
        ),
        _Opening(
            Rule.HELP,
            facts.c.latest_needs_help.is_(True),
            # An alert covers every request for help made before it opened.
            alerts.c.opened_at >= facts.c.latest_at,
            facts.c.latest_round_id,
            pairs(source="checkin", problems=problems, note=note),
        ),
    ]


_ALERT_COLUMNS = [
    "person_id",
    "rule",
    "status",
    "level",
    "assigned_to_id",
    "round_id",
    "details",
    "opened_at",
    "escalated_at",
]


async def _open_new(session: AsyncSession, now: datetime) -> list[Alert]:
    opened: list[Alert] = []
    for opening in _openings():
        blocked = exists().where(
            alerts.c.person_id == facts.c.person_id,
            alerts.c.rule == opening.rule.value,
            or_(alerts.c.status.in_(_LIVE), opening.same_episode),
        )
        rows = select(
            facts.c.person_id,
            literal(opening.rule.value, String(32)),
            literal(AlertStatus.OPEN.value, String(24)),
            facts.c.level,
            facts.c.assignee_id,
            opening.round_id,
            opening.details,
            _at(now),
            case((facts.c.straight, _at(now)), else_=null()),
        ).where(opening.fires, not_(blocked))
        statement = (
            insert_skipping_conflicts(session, Alert)
            .from_select(_ALERT_COLUMNS, rows)
            .returning(Alert)
        )
        opened.extend((await session.scalars(statement)).all())
    return opened


async def evaluate(
    session: AsyncSession, *, now: datetime, cohort_id: int | None = None
) -> RuleOutcome:
    """Close alerts whose family recovered, open alerts for new episodes, sync statuses.

    Runs in the caller's transaction; call it after closing a round (or at any time).
    """
    postgres = is_postgresql(session)
    if postgres:
        # The probes are many and cheap; PostgreSQL's cost model would JIT-compile them
        # (about 0.5 s at 100,000 families, more than it saves). For this transaction only.
        jit = await session.scalar(text("SELECT current_setting('jit')"))
        await session.execute(text("SELECT set_config('jit', 'off', true)"))
    await _compute_facts(session, cohort_id)
    closed = await _close_recovered(session, now)
    opened = await _open_new(session, now)
    changed = await _sync_statuses(session, now)
    # On an error the caller's rollback drops the table too (DDL is transactional on both).
    await session.execute(text(f"DROP TABLE {facts.name}"))
    if postgres:
        await session.execute(text("SELECT set_config('jit', :jit, true)"), {"jit": jit})
    return RuleOutcome(opened=opened, closed=closed, status_changed=changed)


async def ask_for_help(
    session: AsyncSession, person_id: str, now: datetime, note: str | None
) -> Alert | None:
    """/tolong: open a help alert now. None if one is already live (the note is added to it
    as an action, so the facilitator still sees it)."""
    (fac_join, fac_on), straight, level, assignee = _assignment(people.c.supervisor_id)
    rows = (
        select(
            people.c.id,
            literal(Rule.HELP.value, String(32)),
            literal(AlertStatus.OPEN.value, String(24)),
            level,
            assignee,
            null(),
            pairs(source="command", note=note),
            _at(now),
            case((straight, _at(now)), else_=null()),
        )
        .select_from(people.outerjoin(fac_join, fac_on))
        .where(people.c.id == person_id)
    )
    statement = (
        insert_skipping_conflicts(session, Alert).from_select(_ALERT_COLUMNS, rows).returning(Alert)
    )
    alert: Alert | None = (await session.scalars(statement)).one_or_none()
    if alert is not None:
        return alert
    live = await session.scalar(
        select(Alert).where(
            Alert.person_id == person_id,
            Alert.rule == Rule.HELP.value,
            Alert.status.in_(_LIVE),
        )
    )
    if live is not None and note:
        session.add(
            AlertAction(alert_id=live.id, actor_id=person_id, action="note", note=note, at=now)
        )
    return None


async def escalate_due(session: AsyncSession, now: datetime) -> list[Alert]:
    """Open alerts nobody acknowledged in time go to the facilitator's coordinator.

    Also moves at once an open alert whose facilitator has since become unreachable (or
    has no Telegram account). An alert whose facilitator has no coordinator stays put.
    """
    facilitator = people.alias("facilitator")
    facilitator_account = accounts.alias("facilitator_account")
    coordinator = (
        select(facilitator.c.supervisor_id)
        .where(facilitator.c.id == alerts.c.assigned_to_id)
        .scalar_subquery()
    )
    facilitator_unreachable = not_(
        exists().where(
            facilitator_account.c.person_id == alerts.c.assigned_to_id,
            facilitator_account.c.unreachable_at.is_(None),
        )
    )
    # Few distinct delays (usually one): one cut-off each, not a date function per dialect.
    delays = set((await session.scalars(select(Cohort.escalate_after_days).distinct())).all())
    overdue: list[ColumnElement[bool]] = []
    for days in sorted(delays | {DEFAULT_ESCALATE_AFTER_DAYS}):
        cohort_ids = select(cohorts.c.id).where(cohorts.c.escalate_after_days == days)
        in_cohorts = exists().where(
            people.c.id == alerts.c.person_id,
            people.c.cohort_id.in_(cohort_ids)
            if days != DEFAULT_ESCALATE_AFTER_DAYS
            else or_(people.c.cohort_id.in_(cohort_ids), people.c.cohort_id.is_(None)),
        )
        overdue.append(and_(alerts.c.opened_at <= now - timedelta(days=days), in_cohorts))
    statement = (
        update(Alert)
        .where(
            Alert.status == AlertStatus.OPEN,
            Alert.level == FACILITATOR,
            coordinator.is_not(None),
            or_(facilitator_unreachable, *overdue),
        )
        .values(level=COORDINATOR, assigned_to_id=coordinator, escalated_at=now)
        .returning(Alert)
        .execution_options(synchronize_session=False)
    )
    return list((await session.scalars(statement)).all())
