"""The unit of work is the one way to the sender's person and turn: each read once."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import event, select

from bot.db.database import Database
from bot.db.models import Cohort
from bot.domain.rounds.opening import open_round
from bot.messaging.inbound import Sender
from bot.tg.context import UnitOfWork
from tests.domain.rounds.support import seed_cohort

NOW = datetime(2026, 1, 5, 3, 0, tzinfo=UTC)


@contextmanager
def statements(db: Database) -> Iterator[list[str]]:
    seen: list[str] = []

    def record(*args: Any) -> None:
        seen.append(args[2])  # (connection, cursor, statement, ...)

    event.listen(db.engine.sync_engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(db.engine.sync_engine, "before_cursor_execute", record)


async def test_the_person_is_read_once_and_the_open_turn_is_theirs(db: Database) -> None:
    await seed_cohort(db, 1, quiet=("00:00", "00:00"))
    async with db.transaction() as session:
        cohort = (await session.execute(select(Cohort))).scalar_one()
        await open_round(session, cohort, now=NOW)
    async with db.transaction() as session:
        unit = UnitOfWork(session, NOW, 1, Sender(telegram_user_id=10_000, chat_id=10_000))
        with statements(db) as seen:
            person = await unit.person()
            assert person is not None and person.id == "tenun-2026-00000"
            assert await unit.person() is person
        assert len(seen) == 1, "the person is looked up once per update"
        turn = await unit.turn()
        assert turn is not None
        assert turn.person is person and turn.chat_id == 10_000
        assert turn.conversation.flow == "checkin"


async def test_no_person_and_no_turn_without_a_registered_sender(db: Database) -> None:
    async with db.transaction() as session:
        stranger = UnitOfWork(session, NOW, 1, Sender(telegram_user_id=99, chat_id=99))
        assert await stranger.person() is None and await stranger.turn() is None
        nobody = UnitOfWork(session, NOW, 2)
        assert await nobody.person() is None and await nobody.turn() is None
