"""The round clock, moved by hand: rounds open on time and once, remind once, close."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select

from bot.app.services import Services
from bot.db.database import Database
from bot.db.models import FollowUpRecord, OutboxMessage, RecordStatus, Round
from bot.domain.rounds.scheduler import tick
from tests.domain.rounds.support import CREATED, seed_cohort


async def _count(db: Database, model: type, *where: object) -> int:
    async with db.sessions() as session:
        return int(await session.scalar(select(func.count()).select_from(model).where(*where)) or 0)


async def test_a_round_opens_at_the_scheduled_time_once(db: Database) -> None:
    await seed_cohort(db, 3)
    runner = Services().runner

    before = await tick(db, now=CREATED + timedelta(days=6), runner=runner)
    assert before.opened == []

    monday = datetime(2026, 1, 12, 1, 0, tzinfo=UTC)  # 08:00 WIB
    first = await tick(db, now=monday, runner=runner)
    again = await tick(db, now=monday + timedelta(minutes=1), runner=runner)
    assert len(first.opened) == 1
    assert again.opened == []
    # One message for each family: its greeting atop the first question.
    assert await _count(db, OutboxMessage) == 3


async def test_one_reminder_after_the_delay(db: Database) -> None:
    await seed_cohort(db, 2)
    runner = Services().runner
    monday = datetime(2026, 1, 12, 1, 0, tzinfo=UTC)
    await tick(db, now=monday, runner=runner)

    early = await tick(db, now=monday + timedelta(hours=23), runner=runner)
    due = await tick(db, now=monday + timedelta(hours=24), runner=runner)
    later = await tick(db, now=monday + timedelta(hours=30), runner=runner)
    assert (early.reminded, due.reminded, later.reminded) == (0, 2, 0)
    # One message a reminder, the question it is about inside it, as when the round opened.
    assert await _count(db, OutboxMessage) == 2 + 2


async def test_rounds_due_during_downtime_open_once_and_the_old_one_closes(db: Database) -> None:
    await seed_cohort(db, 4)
    runner = Services().runner
    await tick(db, now=datetime(2026, 1, 12, 1, 0, tzinfo=UTC), runner=runner)

    # Kabar is down for three weeks; three Monday slots pass.
    back = datetime(2026, 2, 3, 3, 0, tzinfo=UTC)
    result = await tick(db, now=back, runner=runner)
    assert len(result.opened) == 1
    async with db.sessions() as session:
        rounds = (await session.execute(select(Round).order_by(Round.id))).scalars().all()
    assert len(rounds) == 2
    assert rounds[1].scheduled_for == datetime(2026, 2, 2, 1, 0, tzinfo=UTC)
    assert rounds[0].closed_at is not None
    # Nobody answered the first round: four missed records.
    missed = await _count(db, FollowUpRecord, FollowUpRecord.status == RecordStatus.MISSED)
    assert missed == 4


async def test_a_round_closes_after_its_deadline(db: Database) -> None:
    await seed_cohort(db, 1, schedule="monthly 12 08:00")
    runner = Services().runner
    await tick(db, now=datetime(2026, 1, 12, 1, 0, tzinfo=UTC), runner=runner)
    quiet = await tick(db, now=datetime(2026, 1, 17, 1, 0, tzinfo=UTC), runner=runner)
    closed = await tick(db, now=datetime(2026, 1, 18, 1, 0, tzinfo=UTC), runner=runner)
    assert (quiet.closed, closed.closed) == (0, 1)
    assert await _count(db, FollowUpRecord, FollowUpRecord.status == RecordStatus.MISSED) == 1


async def test_messages_of_a_round_in_quiet_hours_wait_for_the_morning(db: Database) -> None:
    await seed_cohort(db, 1, schedule="mon 22:00")
    runner = Services().runner
    opened_at = datetime(2026, 1, 12, 15, 0, tzinfo=UTC)  # 22:00 WIB
    await tick(db, now=opened_at, runner=runner)
    async with db.sessions() as session:
        not_before = {
            row for row in (await session.execute(select(OutboxMessage.not_before))).scalars()
        }
    assert not_before == {datetime(2026, 1, 12, 23, 0, tzinfo=UTC)}  # 06:00 WIB


async def test_an_answer_after_the_close_is_taken_and_flagged_late(db: Database) -> None:
    from bot.db.models import Conversation, Person
    from bot.dialogue.binding import Turn
    from bot.flows.engine import Press

    await seed_cohort(db, 1, schedule="monthly 12 08:00")
    runner = Services().runner
    await tick(db, now=datetime(2026, 1, 12, 1, 0, tzinfo=UTC), runner=runner)
    late = datetime(2026, 1, 20, 1, 0, tzinfo=UTC)  # six days later the round closed
    assert (await tick(db, now=late, runner=runner)).closed == 1

    async with db.transaction() as session:
        conversation = (await session.execute(select(Conversation))).scalar_one()
        person = await session.get(Person, conversation.person_id)
        assert person is not None
        turn = Turn(session, conversation, person, 10_000, late)
        await runner.handle(turn, Press("no"))
        await runner.handle(turn, Press("~none"))
        await runner.handle(turn, Press("~skip"))
        await runner.handle(turn, Press("~send"))
    async with db.sessions() as session:
        record = (await session.execute(select(FollowUpRecord))).scalar_one()
    assert record.status is RecordStatus.ANSWERED
    assert record.late is True
    assert record.produced is False
