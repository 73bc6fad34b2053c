"""One alert per episode: alerts whose family recovered are closed, new episodes get one.

A live (open or acknowledged) alert for the same person and rule blocks a new one, and so
does an alert the facilitator resolved while the episode it was about still runs (the
streak it fired in, the same unreachability or pause, the same request for help).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import (
    ColumnElement,
    String,
    and_,
    case,
    exists,
    literal,
    not_,
    null,
    or_,
    select,
    update,
)
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql import FromClause

from bot.db.dialect import embed_json, insert_skipping_conflicts, pairs
from bot.db.models import Alert, AlertStatus, RecordStatus
from bot.domain.alerts.early_warning import warnings
from bot.domain.alerts.family_facts import facts, streak
from bot.domain.alerts.schema import ALERT_COLUMNS, LIVE, Rule, alerts, at, records

RECOVERED = "recovered"


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
            and_(
                rule == Rule.EARLY_WARNING.value,
                # An answer after the alert's in which no signal fires.
                exists().where(
                    warnings.c.person_id == alerts.c.person_id,
                    warnings.c.latest_round_id > alerts.c.round_id,
                    not_(warnings.c.fires),
                ),
            ),
        ),
    )


async def close_recovered(session: AsyncSession, now: datetime) -> list[Alert]:
    statement = (
        update(Alert)
        .where(Alert.status.in_(LIVE), _recovered())
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
    # Facts and, joined to them, the table this rule's facts are in (when not `facts`).
    source: FromClause | None = None


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
            streak(facts.c.missed_streak, facts.c.missed_threshold),
            _no_record_since(alerts.c.round_id, records.c.status != RecordStatus.MISSED),
            facts.c.latest_round_id,
            pairs(missed_rounds=facts.c.missed_streak),
        ),
        _Opening(
            Rule.NOT_PRODUCING,
            streak(facts.c.dry_streak, facts.c.dry_threshold),
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
        _Opening(
            Rule.EARLY_WARNING,
            # Only for a family no other alert is about: a warning would add nothing.
            and_(
                warnings.c.fires.is_(True),
                not_(
                    exists().where(
                        alerts.c.person_id == warnings.c.person_id, alerts.c.status.in_(LIVE)
                    )
                ),
            ),
            alerts.c.round_id >= warnings.c.evidence_round_id,
            warnings.c.latest_round_id,
            pairs(
                falling=warnings.c.falling,
                low=warnings.c.low,
                typical=warnings.c.typical,
                low_percent=warnings.c.low_percent,
                sales_falling=warnings.c.sales_falling,
                sales_low=warnings.c.sales_low,
                sales_typical=warnings.c.sales_typical,
                sales_low_percent=warnings.c.sales_low_percent,
                later=warnings.c.later,
                same_problem=warnings.c.same_problem,
                stopped=warnings.c.stopped,
            ),
            facts.join(warnings, warnings.c.person_id == facts.c.person_id),
        ),
    ]


async def open_new(session: AsyncSession, now: datetime) -> list[Alert]:
    opened: list[Alert] = []
    for opening in _openings():
        blocked = exists().where(
            alerts.c.person_id == facts.c.person_id,
            alerts.c.rule == opening.rule.value,
            or_(alerts.c.status.in_(LIVE), opening.same_episode),
        )
        rows = select(
            facts.c.person_id,
            literal(opening.rule.value, String(32)),
            literal(AlertStatus.OPEN.value, String(24)),
            facts.c.level,
            facts.c.assignee_id,
            opening.round_id,
            opening.details,
            at(now),
            case((facts.c.straight, at(now)), else_=null()),
        ).where(opening.fires, not_(blocked))
        if opening.source is not None:
            rows = rows.select_from(opening.source)
        statement = (
            insert_skipping_conflicts(session, Alert)
            .from_select(ALERT_COLUMNS, rows)
            .returning(Alert)
        )
        opened.extend((await session.scalars(statement)).all())
    return opened
