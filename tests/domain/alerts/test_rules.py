"""The escalation rules, week by week, on a real database (SQLite, or PostgreSQL)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import update

from bot.db.database import Database
from bot.db.models import AlertStatus, ParticipantStatus, Person, TelegramAccount
from bot.domain.alerts import Rule
from tests.domain.alerts.support import (
    FACILITATOR,
    Programme,
    alerts_of,
    rules,
    seed,
    status_of,
)


async def programme(db: Database, families: int = 3, **settings: Any) -> Programme:
    return Programme(db, await seed(db, families, **settings))


async def test_two_missed_rounds_in_a_row_make_one_unresponsive_alert(db: Database) -> None:
    weeks = await programme(db)
    first = await weeks.week({"P0": "missed", "P1": "yes", "P2": "yes"})
    assert first.opened == []
    assert await status_of(db, "P0") is ParticipantStatus.ACTIVE

    second = await weeks.week({"P0": "missed", "P1": "yes", "P2": "missed"})
    assert rules(second.opened) == [("P0", Rule.UNRESPONSIVE)]
    alert = second.opened[0]
    assert alert.status is AlertStatus.OPEN
    assert alert.level == "facilitator"
    assert alert.assigned_to_id == FACILITATOR
    assert alert.details == {"missed_rounds": 2}
    assert alert.escalated_at is None
    assert await status_of(db, "P0") is ParticipantStatus.QUIET
    assert await status_of(db, "P2") is ParticipantStatus.ACTIVE

    third = await weeks.week({"P0": "missed", "P1": "yes", "P2": "yes"})
    assert third.opened == [] and third.closed == []
    assert len(await alerts_of(db, "P0")) == 1


async def test_an_answer_closes_the_alert_and_a_new_streak_opens_another(db: Database) -> None:
    weeks = await programme(db, 1)
    await weeks.week({"P0": "missed"})
    await weeks.week({"P0": "missed"})

    back = await weeks.week({"P0": "partial"})  # a partial answer is a response
    assert rules(back.closed) == [("P0", Rule.UNRESPONSIVE)]
    assert back.closed[0].status is AlertStatus.CLOSED
    assert back.closed[0].closed_reason == "recovered"
    assert back.closed[0].closed_at == weeks.now
    assert await status_of(db, "P0") is ParticipantStatus.ACTIVE

    assert (await weeks.week({"P0": "missed"})).opened == []
    again = await weeks.week({"P0": "missed"})
    assert rules(again.opened) == [("P0", Rule.UNRESPONSIVE)]
    assert [a.status for a in await alerts_of(db, "P0")] == [AlertStatus.CLOSED, AlertStatus.OPEN]


async def test_a_resolved_alert_is_not_reopened_while_the_streak_lasts(db: Database) -> None:
    weeks = await programme(db, 1)
    await weeks.week({"P0": "missed"})
    (alert,) = (await weeks.week({"P0": "missed"})).opened
    async with db.transaction() as session:
        # The facilitator visited and resolved it; the family still does not answer.
        await session.execute(
            update(type(alert)).where(type(alert).id == alert.id).values(status="resolved")
        )
    assert (await weeks.week({"P0": "missed"})).opened == []
    assert (await weeks.week({"P0": "yes"})).closed == []  # resolved, not live: nothing to close
    await weeks.week({"P0": "missed"})
    assert rules((await weeks.week({"P0": "missed"})).opened) == [("P0", Rule.UNRESPONSIVE)]


async def test_a_late_answer_to_the_latest_round_ends_the_episode(db: Database) -> None:
    weeks = await programme(db, 1)
    await weeks.week({"P0": "missed"})
    await weeks.week({"P0": "missed"})
    async with db.transaction() as session:
        from bot.db.models import FollowUpRecord, RecordStatus

        await session.execute(
            update(FollowUpRecord)
            .where(FollowUpRecord.round_id == 2)
            .values(status=RecordStatus.ANSWERED, produced=True, late=True)
        )
    assert rules((await weeks.evaluate()).closed) == [("P0", Rule.UNRESPONSIVE)]


async def test_thresholds_come_from_the_cohort(db: Database) -> None:
    weeks = await programme(db, 1, missed_rounds_threshold=3, no_production_threshold=1)
    await weeks.week({"P0": "missed"})
    assert (await weeks.week({"P0": "missed"})).opened == []
    assert rules((await weeks.week({"P0": "missed"})).opened) == [("P0", Rule.UNRESPONSIVE)]
    assert rules((await weeks.week({"P0": "no"})).opened) == [("P0", Rule.NOT_PRODUCING)]


async def test_three_answers_of_no_production_make_one_alert(db: Database) -> None:
    weeks = await programme(db, 2)
    await weeks.week({"P0": "no", "P1": "no"})
    assert (await weeks.week({"P0": "no", "P1": "yes"})).opened == []
    assert await status_of(db, "P0") is ParticipantStatus.ACTIVE
    third = await weeks.week({"P0": "no", "P1": "no"})
    assert rules(third.opened) == [("P0", Rule.NOT_PRODUCING)]
    assert third.opened[0].details == {"rounds_without_production": 3}
    assert third.opened[0].round_id == 3
    assert await status_of(db, "P0") is ParticipantStatus.NOT_PRODUCING
    assert (await weeks.week({"P0": "no", "P1": "no"})).opened == []
    assert len(await alerts_of(db)) == 1


async def test_missed_rounds_neither_break_nor_extend_a_dry_streak(db: Database) -> None:
    weeks = await programme(db, 1, missed_rounds_threshold=5)
    for answer in ["no", "missed", "no", "partial", "missed"]:
        assert (await weeks.week({"P0": answer})).opened == []
    assert rules((await weeks.week({"P0": "no"})).opened) == [("P0", Rule.NOT_PRODUCING)]

    produced = await weeks.week({"P0": "yes"})
    assert rules(produced.closed) == [("P0", Rule.NOT_PRODUCING)]
    assert await status_of(db, "P0") is ParticipantStatus.ACTIVE


async def test_quiet_wins_over_not_producing_in_the_status(db: Database) -> None:
    weeks = await programme(db, 1)
    for answer in ["no", "no", "no", "missed", "missed"]:
        await weeks.week({"P0": answer})
    assert await status_of(db, "P0") is ParticipantStatus.QUIET
    assert sorted(a.rule for a in await alerts_of(db, "P0")) == [
        Rule.NOT_PRODUCING,
        Rule.UNRESPONSIVE,
    ]
    # Answering again (still not producing) ends one episode, not the other.
    back = await weeks.week({"P0": "no"})
    assert rules(back.closed) == [("P0", Rule.UNRESPONSIVE)]
    assert await status_of(db, "P0") is ParticipantStatus.NOT_PRODUCING


async def test_families_who_are_fine_get_no_alert(db: Database) -> None:
    weeks = await programme(db, 3)
    for week in range(6):
        # P2 produces every third week: never three dry weeks in a row.
        p2 = "yes" if week % 3 == 2 else "no"
        outcome = await weeks.week({"P0": "yes", "P1": "partial", "P2": p2})
        assert outcome.opened == [] and outcome.closed == []
    # Not yet asked at all (no records): nothing either.
    assert (await weeks.evaluate()).opened == []
    assert await alerts_of(db) == []


async def test_rounds_a_family_was_not_asked_in_do_not_count(db: Database) -> None:
    weeks = await programme(db, 1)
    await weeks.week({"P0": "missed"})
    await weeks.week({"P0": None})  # paused that week: no check-in, no record
    assert rules((await weeks.week({"P0": "missed"})).opened) == [("P0", Rule.UNRESPONSIVE)]


async def test_unreachable_opens_once_and_closes_when_cleared(db: Database) -> None:
    weeks = await programme(db, 2)
    await weeks.week({"P0": "yes", "P1": "yes"})
    blocked = weeks.now + timedelta(hours=1)
    async with db.transaction() as session:
        await session.execute(
            update(TelegramAccount)
            .where(TelegramAccount.person_id == "P1")
            .values(unreachable_at=blocked, unreachable_reason="Forbidden: bot was blocked")
        )
    first = await weeks.evaluate(blocked + timedelta(minutes=1))
    assert rules(first.opened) == [("P1", Rule.UNREACHABLE)]
    assert first.opened[0].details == {"reason": "Forbidden: bot was blocked"}
    assert first.opened[0].round_id is None
    assert await status_of(db, "P1") is ParticipantStatus.UNREACHABLE
    assert (await weeks.evaluate(blocked + timedelta(hours=2))).opened == []

    async with db.transaction() as session:
        await session.execute(
            update(TelegramAccount)
            .where(TelegramAccount.person_id == "P1")
            .values(unreachable_at=None, unreachable_reason=None)
        )
    cleared = await weeks.evaluate(blocked + timedelta(days=1))
    assert rules(cleared.closed) == [("P1", Rule.UNREACHABLE)]
    assert await status_of(db, "P1") is ParticipantStatus.ACTIVE

    async with db.transaction() as session:
        await session.execute(
            update(TelegramAccount)
            .where(TelegramAccount.person_id == "P1")
            .values(unreachable_at=blocked + timedelta(days=2))
        )
    again = await weeks.evaluate(blocked + timedelta(days=2, minutes=1))
    assert rules(again.opened) == [("P1", Rule.UNREACHABLE)]


async def test_paused_opens_once_and_closes_on_resume(db: Database) -> None:
    weeks = await programme(db, 2)
    await weeks.week({"P0": "yes", "P1": "yes"})
    paused = weeks.now + timedelta(hours=1)
    async with db.transaction() as session:
        await session.execute(
            update(Person)
            .where(Person.id == "P0")
            .values(status=ParticipantStatus.PAUSED, paused_at=paused)
        )
    opened = await weeks.evaluate(paused + timedelta(minutes=1))
    assert rules(opened.opened) == [("P0", Rule.PAUSED)]
    assert (await weeks.evaluate(paused + timedelta(hours=1))).opened == []
    assert await status_of(db, "P0") is ParticipantStatus.PAUSED

    async with db.transaction() as session:
        (alert,) = await alerts_of(db, "P0")
        # Resolved by the facilitator while the family stays paused: not opened again.
        await session.execute(
            update(type(alert)).where(type(alert).id == alert.id).values(status="resolved")
        )
    assert (await weeks.evaluate(paused + timedelta(days=1))).opened == []

    async with db.transaction() as session:
        await session.execute(
            update(Person)
            .where(Person.id == "P0")
            .values(status=ParticipantStatus.ACTIVE, paused_at=None)
        )
    assert (await weeks.evaluate(paused + timedelta(days=2))).closed == []  # already resolved
    assert await status_of(db, "P0") is ParticipantStatus.ACTIVE


async def test_a_request_for_help_in_a_check_in(db: Database) -> None:
    weeks = await programme(db, 2)
    asked = await weeks.week({"P0": "help", "P1": "yes"})
    assert rules(asked.opened) == [("P0", Rule.HELP)]
    assert asked.opened[0].details == {
        "source": "checkin",
        "problems": ["tools"],
        "note": "no dryer",
    }
    assert asked.opened[0].round_id == 1
    # A missed week does not say the problem went away.
    assert (await weeks.week({"P0": "missed", "P1": "yes"})).closed == []
    fine = await weeks.week({"P0": "yes", "P1": "yes"})
    assert rules(fine.closed) == [("P0", Rule.HELP)]
    assert rules((await weeks.week({"P0": "help", "P1": "yes"})).opened) == [("P0", Rule.HELP)]


async def test_only_the_given_cohort_is_evaluated(db: Database) -> None:
    weeks = await programme(db, 1)
    await weeks.week({"P0": "missed"}, evaluate_after=False)
    await weeks.week({"P0": "missed"}, evaluate_after=False)
    from bot.domain.alerts import evaluate

    async with db.transaction() as session:
        other = await evaluate(session, now=weeks.now, cohort_id=weeks.cohort_id + 1)
    assert other.opened == []
    async with db.transaction() as session:
        mine = await evaluate(session, now=weeks.now, cohort_id=weeks.cohort_id)
    assert rules(mine.opened) == [("P0", Rule.UNRESPONSIVE)]


async def test_evaluating_twice_changes_nothing_the_second_time(db: Database) -> None:
    weeks = await programme(db, 3)
    await weeks.week({"P0": "missed", "P1": "no", "P2": "help"}, evaluate_after=False)
    await weeks.week({"P0": "missed", "P1": "no", "P2": "help"}, evaluate_after=False)
    await weeks.week({"P0": "missed", "P1": "no", "P2": "help"}, evaluate_after=False)
    first = await weeks.evaluate()
    assert rules(first.opened) == [
        ("P0", Rule.UNRESPONSIVE),
        ("P1", Rule.NOT_PRODUCING),
        ("P2", Rule.HELP),
        ("P2", Rule.NOT_PRODUCING),
    ]
    assert first.status_changed == 3
    second = await weeks.evaluate()
    assert (second.opened, second.closed, second.status_changed) == ([], [], 0)


async def test_not_producing_opens_again_only_after_the_family_produced(db: Database) -> None:
    weeks = await programme(db, 1)
    for _ in range(2):
        await weeks.week({"P0": "no"})
    (alert,) = (await weeks.week({"P0": "no"})).opened
    async with db.transaction() as session:
        await session.execute(
            update(type(alert)).where(type(alert).id == alert.id).values(status="resolved")
        )
    for _ in range(3):
        assert (await weeks.week({"P0": "no"})).opened == []
    await weeks.week({"P0": "yes"})
    for _ in range(2):
        assert (await weeks.week({"P0": "no"})).opened == []
    assert rules((await weeks.week({"P0": "no"})).opened) == [("P0", Rule.NOT_PRODUCING)]


async def test_status_precedence_paused_unreachable_quiet(db: Database) -> None:
    weeks = await programme(db, 2)
    await weeks.week({"P0": "missed", "P1": "missed"})
    await weeks.week({"P0": "missed", "P1": "missed"})
    assert await status_of(db, "P0") is ParticipantStatus.QUIET
    async with db.transaction() as session:
        await session.execute(
            update(TelegramAccount)
            .where(TelegramAccount.person_id.in_(["P0", "P1"]))
            .values(unreachable_at=weeks.now)
        )
        await session.execute(
            update(Person)
            .where(Person.id == "P1")
            .values(status=ParticipantStatus.PAUSED, paused_at=weeks.now)
        )
    outcome = await weeks.evaluate(weeks.now + timedelta(hours=1))
    assert rules(outcome.opened) == [
        ("P0", Rule.UNREACHABLE),
        ("P1", Rule.PAUSED),
        ("P1", Rule.UNREACHABLE),
    ]
    assert await status_of(db, "P0") is ParticipantStatus.UNREACHABLE
    assert await status_of(db, "P1") is ParticipantStatus.PAUSED


async def test_a_new_request_for_help_after_a_resolved_one_opens_again(db: Database) -> None:
    weeks = await programme(db, 1)
    (alert,) = (await weeks.week({"P0": "help"})).opened
    async with db.transaction() as session:
        await session.execute(
            update(type(alert)).where(type(alert).id == alert.id).values(status="resolved")
        )
    assert (await weeks.evaluate(weeks.now + timedelta(hours=1))).opened == []
    assert rules((await weeks.week({"P0": "help"})).opened) == [("P0", Rule.HELP)]
