"""Escalation to the coordinator: after the cohort's delay, or at once when the facilitator
cannot receive alerts."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import update

from bot.db.database import Database
from bot.db.models import Alert, AlertStatus, TelegramAccount
from bot.domain.alerts import Rule, escalate_due
from tests.domain.alerts.support import COORDINATOR, FACILITATOR, Programme, alerts_of, rules, seed


async def _quiet_family(db: Database, **seeding: Any) -> tuple[Programme, Alert]:
    weeks = Programme(db, await seed(db, 1, **seeding))
    await weeks.week({"P0": "missed"})
    (alert,) = (await weeks.week({"P0": "missed"})).opened
    return weeks, alert


async def _escalate(db: Database, at: datetime) -> list[Alert]:
    async with db.transaction() as session:
        return await escalate_due(session, at)


async def test_an_alert_nobody_acknowledged_goes_to_the_coordinator_after_three_days(
    db: Database,
) -> None:
    _, alert = await _quiet_family(db)
    assert await _escalate(db, alert.opened_at + timedelta(days=3, seconds=-1)) == []

    due = alert.opened_at + timedelta(days=3)
    (escalated,) = await _escalate(db, due)
    assert escalated.id == alert.id
    assert escalated.level == "coordinator"
    assert escalated.assigned_to_id == COORDINATOR
    assert escalated.escalated_at == due
    assert escalated.status is AlertStatus.OPEN
    assert await _escalate(db, due + timedelta(days=10)) == []


async def test_an_acknowledged_alert_is_not_escalated(db: Database) -> None:
    _, alert = await _quiet_family(db)
    async with db.transaction() as session:
        await session.execute(
            update(Alert)
            .where(Alert.id == alert.id)
            .values(status=AlertStatus.ACKNOWLEDGED, acknowledged_at=alert.opened_at)
        )
    assert await _escalate(db, alert.opened_at + timedelta(days=30)) == []


async def test_the_delay_is_the_cohorts(db: Database) -> None:
    _, alert = await _quiet_family(db, escalate_after_days=1)
    assert await _escalate(db, alert.opened_at + timedelta(hours=23)) == []
    assert len(await _escalate(db, alert.opened_at + timedelta(days=1))) == 1


async def test_straight_to_the_coordinator_when_the_facilitator_is_not_registered(
    db: Database,
) -> None:
    weeks, alert = await _quiet_family(db, facilitator_account=False)
    assert alert.level == "coordinator"
    assert alert.assigned_to_id == COORDINATOR
    assert alert.escalated_at == weeks.now
    assert await _escalate(db, weeks.now + timedelta(days=30)) == []


async def test_straight_to_the_coordinator_when_the_facilitator_blocked_the_bot(
    db: Database,
) -> None:
    weeks = Programme(db, await seed(db, 1))
    async with db.transaction() as session:
        await session.execute(
            update(TelegramAccount)
            .where(TelegramAccount.person_id == FACILITATOR)
            .values(unreachable_at=weeks.now)
        )
    await weeks.week({"P0": "missed"})
    (alert,) = (await weeks.week({"P0": "missed"})).opened
    assert (alert.level, alert.assigned_to_id) == ("coordinator", COORDINATOR)


async def test_without_a_coordinator_the_alert_stays_with_the_facilitator(db: Database) -> None:
    weeks, alert = await _quiet_family(db, facilitator_account=False, coordinator=False)
    assert (alert.level, alert.assigned_to_id, alert.escalated_at) == (
        "facilitator",
        FACILITATOR,
        None,
    )
    assert await _escalate(db, weeks.now + timedelta(days=30)) == []


async def test_a_facilitator_who_becomes_unreachable_hands_open_alerts_on_at_once(
    db: Database,
) -> None:
    _, alert = await _quiet_family(db)
    later = alert.opened_at + timedelta(hours=2)
    async with db.transaction() as session:
        await session.execute(
            update(TelegramAccount)
            .where(TelegramAccount.person_id == FACILITATOR)
            .values(unreachable_at=alert.opened_at + timedelta(hours=1))
        )
    (moved,) = await _escalate(db, later)
    assert (moved.level, moved.assigned_to_id, moved.escalated_at) == (
        "coordinator",
        COORDINATOR,
        later,
    )


async def test_closed_alerts_are_not_escalated(db: Database) -> None:
    weeks, alert = await _quiet_family(db)
    assert rules((await weeks.week({"P0": "yes"})).closed) == [("P0", Rule.UNRESPONSIVE)]
    assert await _escalate(db, alert.opened_at + timedelta(days=30)) == []
    assert [a.level for a in await alerts_of(db)] == ["facilitator"]
