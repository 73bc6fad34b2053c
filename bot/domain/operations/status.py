"""A snapshot of a Kabar deployment for `kabar status` (and the health checks): rounds,
the outbox and the inbox, alerts, who leads, and what needs a person.

Read in one transaction, from indexes; nothing personal is in it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from enum import StrEnum

from sqlalchemy import func, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.dialect import LEADER_LOCK_CLASS, LEADER_LOCK_OBJECT, is_postgresql
from bot.db.facts import LEADER, recall
from bot.db.models import (
    Alert,
    Cohort,
    InboxUpdate,
    OutboxMessage,
    OutboxStatus,
    Person,
    Role,
    TelegramAccount,
)
from bot.db.models.alerts import AlertStatus
from bot.domain.cohorts import next_round_at
from bot.domain.reports.figures import round_figures
from bot.domain.reports.scope import ReportFilter, select_scope
from bot.messaging.cancels import CANCELLED

STALE_AFTER = timedelta(minutes=10)  # a due message older than this: nobody is sending


class Problem(StrEnum):
    """What makes `kabar status` exit non-zero: each needs a person."""

    STALE_OUTBOX = "stale-outbox"  # a due message waits more than ten minutes
    NO_LEADER = "no-leader"  # PostgreSQL: no worker holds the leader lock
    MIGRATION = "migration"  # the database is not at this Kabar's schema


@dataclass(frozen=True, slots=True)
class CohortState:
    name: str
    last_round: int | None  # the cohort's round number, 1 for its first
    last_opened_at: datetime | None
    last_closed: bool
    asked: int
    responded: int  # answered fully or in part
    response_rate: Decimal | None  # a fraction, 0 to 1
    next_round_at: datetime | None


@dataclass(frozen=True, slots=True)
class OutboxState:
    waiting: int  # pending, due or held for quiet hours
    due: int  # pending and due now
    sending: int
    sent_last_hour: int
    failed_last_day: tuple[tuple[str, int], ...]  # (reason, count), most first
    cancelled_last_day: int  # unsent because their broadcast was cancelled: not failures
    oldest_due_s: float | None  # how long the oldest due message has waited


@dataclass(frozen=True, slots=True)
class LeaderState:
    worker: str | None
    since: datetime | None
    alive: bool | None  # None where it cannot be told (SQLite: see the run lock)


@dataclass(frozen=True, slots=True)
class Snapshot:
    at: datetime
    cohorts: tuple[CohortState, ...]
    outbox: OutboxState
    inbox_backlog: int  # stored, not yet handled
    inbox_failing: int  # of those, failed at least once
    # The latest failures to handle an update: (update id, the error's kind, when). Only the
    # kind: an error's text can quote what a person wrote.
    last_errors: tuple[tuple[int, str, datetime], ...]
    open_alerts: tuple[tuple[str, int], ...]  # (rule, count)
    unreachable: int  # participants whose Telegram account cannot be reached
    leader: LeaderState
    problems: tuple[Problem, ...]


async def _cohorts(session: AsyncSession, now: datetime) -> tuple[CohortState, ...]:
    selection = (await select_scope(session, None, ReportFilter())).recent(1)
    figures = {f.cohort: f for f in await round_figures(session, selection)}
    states = []
    for cohort in await session.scalars(select(Cohort).order_by(Cohort.name)):
        latest = figures.get(cohort.name)
        responded = (latest.answered + latest.partial) if latest else 0
        states.append(
            CohortState(
                name=cohort.name,
                last_round=latest.round_number if latest else None,
                last_opened_at=latest.opened_at if latest else None,
                last_closed=latest.closed if latest else False,
                asked=latest.asked if latest else 0,
                responded=responded,
                response_rate=latest.response_rate if latest else None,
                next_round_at=next_round_at(cohort, now),
            )
        )
    return tuple(states)


async def _outbox(session: AsyncSession, now: datetime) -> OutboxState:
    o = OutboxMessage
    counts = dict(
        (
            await session.execute(
                select(o.status, func.count())
                .where(o.status.in_((OutboxStatus.PENDING, OutboxStatus.SENDING)))
                .group_by(o.status)
            )
        ).all()
    )
    pending_due = (o.status == OutboxStatus.PENDING) & (o.not_before <= now)
    due = int(await session.scalar(select(func.count()).where(pending_due)) or 0)
    oldest = await session.scalar(select(func.min(o.not_before)).where(pending_due))
    sent = await session.scalar(
        select(func.count()).where(
            o.status == OutboxStatus.SENT, o.sent_at >= now - timedelta(hours=1)
        )
    )
    # A failed row keeps the time it was written, not failed: its last day of creation.
    last_day = (o.status == OutboxStatus.FAILED) & (o.created_at >= now - timedelta(days=1))
    # A broadcast's cancel is counted on its own, so that it takes none of the five places
    # of the reasons something failed.
    failed = [
        (str(reason), int(n))
        for reason, n in await session.execute(
            select(func.coalesce(o.error, "?"), func.count())
            .where(last_day, o.error.is_distinct_from(CANCELLED))
            .group_by(o.error)
            .order_by(func.count().desc())
            .limit(5)
        )
    ]
    cancelled = await session.scalar(select(func.count()).where(last_day, o.error == CANCELLED))
    return OutboxState(
        waiting=int(counts.get(OutboxStatus.PENDING, 0)),
        due=due,
        sending=int(counts.get(OutboxStatus.SENDING, 0)),
        sent_last_hour=int(sent or 0),
        failed_last_day=tuple(failed),
        cancelled_last_day=int(cancelled or 0),
        oldest_due_s=(now - oldest).total_seconds() if oldest is not None else None,
    )


async def _leader(session: AsyncSession) -> LeaderState:
    fact = await recall(session, LEADER) or {}
    worker = fact.get("worker")
    since = datetime.fromisoformat(fact["since"]) if fact.get("since") else None
    if not is_postgresql(session):
        return LeaderState(worker, since, None)
    holder = await session.scalar(
        text(
            "SELECT a.application_name FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid"
            " WHERE l.locktype = 'advisory' AND l.classid = :cls AND l.objid = :obj"
            " AND l.granted AND l.database = (SELECT oid FROM pg_database"
            " WHERE datname = current_database())"
        ),
        {"cls": LEADER_LOCK_CLASS, "obj": LEADER_LOCK_OBJECT},
    )
    if holder is None:
        return LeaderState(worker, since, False)
    holder_worker = str(holder).removeprefix("kabar ")
    return LeaderState(holder_worker, since if holder_worker == worker else None, True)


async def snapshot(session: AsyncSession, *, now: datetime, at_head: bool) -> Snapshot:
    outbox = await _outbox(session, now)
    backlog, failing = (
        await session.execute(
            select(func.count(), func.count(InboxUpdate.error)).where(
                InboxUpdate.processed_at.is_(None)
            )
        )
    ).one()
    alerts = (
        await session.execute(
            select(Alert.rule, func.count())
            .where(Alert.status.in_((AlertStatus.OPEN, AlertStatus.ACKNOWLEDGED)))
            .group_by(Alert.rule)
            .order_by(Alert.rule)
        )
    ).all()
    unreachable = await session.scalar(
        select(func.count())
        .select_from(TelegramAccount)
        .join(Person, Person.id == TelegramAccount.person_id)
        .where(TelegramAccount.unreachable_at.is_not(None), Person.role == Role.PARTICIPANT)
    )
    failures = (
        await session.execute(
            select(InboxUpdate.update_id, InboxUpdate.error, InboxUpdate.received_at)
            .where(InboxUpdate.error.is_not(None))
            .order_by(InboxUpdate.received_at.desc())
            .limit(5)
        )
    ).all()
    last_errors = tuple(
        (int(update_id), str(error).split("(", 1)[0].strip(), at)
        for update_id, error, at in failures
    )
    leader = await _leader(session)
    problems = []
    if outbox.oldest_due_s is not None and outbox.oldest_due_s > STALE_AFTER.total_seconds():
        problems.append(Problem.STALE_OUTBOX)
    if leader.alive is False:
        problems.append(Problem.NO_LEADER)
    if not at_head:
        problems.append(Problem.MIGRATION)
    return Snapshot(
        at=now,
        cohorts=await _cohorts(session, now),
        outbox=outbox,
        inbox_backlog=int(backlog),
        inbox_failing=int(failing),
        last_errors=last_errors,
        open_alerts=tuple((str(rule), int(n)) for rule, n in alerts),
        unreachable=int(unreachable or 0),
        leader=leader,
        problems=tuple(problems),
    )
