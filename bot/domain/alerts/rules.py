"""Escalation rules: which families need their facilitator, evaluated in SQL; and alerts
nobody acknowledged in time, escalated to the coordinator.

`evaluate` runs after a round closes (and may run at any time: it only looks at the
database). It never loads follow-up records into Python: one statement computes, per
participant, the facts the rules need into a temporary table (family_facts.py), and a
handful of set-based statements close recovered alerts, open new ones (episodes.py) and
keep `Person.status` in step (statuses.py).

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
- early-warning: production or sales sliding, answers later and later, the same problem
  again and again, or "no production" after steady production (early_warning.py says how).
  Recovery: a newer answer in which no signal fires.

One alert per episode (episodes.py); statuses follow the same facts (statuses.py).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, and_, exists, not_, or_, select, text, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.dialect import jit_off
from bot.db.models import Alert, AlertStatus, Cohort
from bot.domain.alerts.assignment import COORDINATOR, FACILITATOR
from bot.domain.alerts.early_warning import compute_warnings, warnings
from bot.domain.alerts.episodes import close_recovered, open_new
from bot.domain.alerts.family_facts import compute_facts, facts
from bot.domain.alerts.schema import accounts, alerts, cohorts, people
from bot.domain.alerts.statuses import sync_statuses

# Cohort's column default, for the rare person without a cohort (e.g. /tolong from one).
DEFAULT_ESCALATE_AFTER_DAYS = 3


@dataclass
class RuleOutcome:
    """What one evaluation changed, for the caller to tell people about."""

    opened: list[Alert] = field(default_factory=list)
    closed: list[Alert] = field(default_factory=list)
    status_changed: int = 0


async def evaluate(
    session: AsyncSession, *, now: datetime, cohort_id: int | None = None
) -> RuleOutcome:
    """Close alerts whose family recovered, open alerts for new episodes, sync statuses.

    Runs in the caller's transaction; call it after closing a round (or at any time).
    """
    # The probes are many and cheap; JIT would cost more than it saves (dialect.jit_off).
    async with jit_off(session):
        await compute_facts(session, cohort_id)
        await compute_warnings(session, cohort_id)
        closed = await close_recovered(session, now)
        opened = await open_new(session, now)
        changed = await sync_statuses(session, now)
        # On an error the caller's rollback drops the table too (DDL is transactional on both).
        await session.execute(text(f"DROP TABLE {facts.name}"))
        await session.execute(text(f"DROP TABLE {warnings.name}"))
    return RuleOutcome(opened=opened, closed=closed, status_changed=changed)


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
