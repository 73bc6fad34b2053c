"""One way to write messages: rows in Kabar's form, in the order given."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from bot.db.database import Database
from bot.db.models import OutboxMessage, OutboxStatus, Priority
from bot.messaging.messages import ButtonAnswer, Outgoing
from bot.messaging.outbox import enqueue
from tests.domain.rounds.support import seed_cohort

NOW = datetime(2026, 1, 12, 1, 0, tzinfo=UTC)


async def test_messages_are_written_in_order_with_their_own_columns(db: Database) -> None:
    await seed_cohort(db, 1)
    morning = NOW + timedelta(hours=6)
    messages = [
        Outgoing(7, "Halo", person_id="tenun-2026-00000", priority=Priority.CHECKIN),
        ButtonAnswer(7, "q1"),
        Outgoing(8, "Sekali saja", dedup_key="once-8", priority=Priority.BROADCAST),
    ]
    async with db.transaction() as session:
        assert await enqueue(session, iter(messages), now=NOW, not_before=morning) == []
        assert await enqueue(session, [], now=NOW) == []
    async with db.sessions() as session:
        rows = (await session.execute(select(OutboxMessage).order_by(OutboxMessage.id))).scalars()
        written = [
            (r.chat_id, r.kind, r.payload, r.person_id, r.priority, r.dedup_key, r.status)
            for r in rows
        ]
    assert written == [
        (
            7,
            "text",
            {"text": "Halo"},
            "tenun-2026-00000",
            Priority.CHECKIN,
            None,
            OutboxStatus.PENDING,
        ),
        (7, "answer", {"query_id": "q1"}, None, Priority.REPLY, None, OutboxStatus.PENDING),
        (
            8,
            "text",
            {"text": "Sekali saja"},
            None,
            Priority.BROADCAST,
            "once-8",
            OutboxStatus.PENDING,
        ),
    ]
