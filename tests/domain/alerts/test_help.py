"""/tolong: a family asks for help directly (`ask_for_help`)."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select, update

from bot.db.database import Database
from bot.db.models import Alert, AlertAction, AlertStatus, TelegramAccount
from bot.domain.alerts import Rule, ask_for_help
from tests.domain.alerts.support import COORDINATOR, FACILITATOR, Programme, alerts_of, rules, seed


async def _ask(db: Database, person_id: str, at: datetime, note: str | None) -> Alert | None:
    async with db.transaction() as session:
        return await ask_for_help(session, person_id, at, note)


async def test_tolong_opens_one_alert_and_adds_later_notes_to_it(db: Database) -> None:
    weeks = Programme(db, await seed(db, 1))
    await weeks.week({"P0": "yes"})
    at = weeks.now + timedelta(hours=1)
    alert = await _ask(db, "P0", at, "pengering rusak")
    assert alert is not None
    assert (alert.rule, alert.status, alert.level, alert.assigned_to_id) == (
        Rule.HELP,
        AlertStatus.OPEN,
        "facilitator",
        FACILITATOR,
    )
    assert alert.details == {"source": "command", "note": "pengering rusak"}
    assert alert.opened_at == at and alert.round_id is None

    assert await _ask(db, "P0", at + timedelta(hours=1), "masih rusak") is None
    async with db.sessions() as session:
        actions = (await session.scalars(select(AlertAction))).all()
    assert [(a.alert_id, a.action, a.note) for a in actions] == [(alert.id, "note", "masih rusak")]
    assert len(await alerts_of(db)) == 1


async def test_tolong_while_a_check_in_request_is_live_adds_nothing_new(db: Database) -> None:
    weeks = Programme(db, await seed(db, 1))
    assert rules((await weeks.week({"P0": "help"})).opened) == [("P0", Rule.HELP)]
    assert await _ask(db, "P0", weeks.now + timedelta(hours=1), None) is None


async def test_a_check_in_answered_before_tolong_is_covered_by_it(db: Database) -> None:
    weeks = Programme(db, await seed(db, 1))
    await weeks.week({"P0": "help"}, evaluate_after=False)
    alert = await _ask(db, "P0", weeks.now, "tolong")
    assert alert is not None
    async with db.transaction() as session:
        await session.execute(
            update(Alert).where(Alert.id == alert.id).values(status=AlertStatus.RESOLVED)
        )
    # The check-in's request was the same one: resolving /tolong answered it.
    assert (await weeks.evaluate(weeks.now + timedelta(hours=1))).opened == []


async def test_a_later_check_in_without_a_request_closes_tolong(db: Database) -> None:
    weeks = Programme(db, await seed(db, 1))
    await weeks.week({"P0": "yes"})
    await _ask(db, "P0", weeks.now + timedelta(hours=1), None)
    assert (await weeks.week({"P0": "partial"})).closed == []  # may not have reached the question
    assert rules((await weeks.week({"P0": "yes"})).closed) == [("P0", Rule.HELP)]


async def test_tolong_goes_to_the_coordinator_when_the_facilitator_blocked_the_bot(
    db: Database,
) -> None:
    weeks = Programme(db, await seed(db, 1))
    async with db.transaction() as session:
        await session.execute(
            update(TelegramAccount)
            .where(TelegramAccount.person_id == FACILITATOR)
            .values(unreachable_at=weeks.now)
        )
    alert = await _ask(db, "P0", weeks.now, None)
    assert alert is not None
    assert (alert.level, alert.assigned_to_id, alert.escalated_at) == (
        "coordinator",
        COORDINATOR,
        weeks.now,
    )
    assert alert.details == {"source": "command", "note": None}


async def test_an_unknown_person_gets_nothing(db: Database) -> None:
    await seed(db, 1)
    assert await _ask(db, "nobody", Programme(db, 0).now, "x") is None
