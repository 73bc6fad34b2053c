"""One way to write messages: rows in Kabar's form, in the order given."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from bot.db.database import Database
from bot.db.models import Bot, OutboxMessage, OutboxStatus, Priority, TelegramAccount
from bot.messaging.messages import ButtonAnswer, Outgoing
from bot.messaging.outbox import claim_due, enqueue
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


async def test_each_row_goes_to_its_chats_bot_and_each_bot_claims_only_its_own(
    db: Database,
) -> None:
    """A chat on an extra bot (its account's) gets its rows sent by that bot; the chat an
    update came from is answered by the bot it wrote to (`via`); the rest by the default."""
    await seed_cohort(db, 3)  # chats 10000, 10001, 10002
    async with db.transaction() as session:
        bot = Bot(username="kabar_dua_bot", token="222:" + "B" * 35, created_at=NOW)
        session.add(bot)
        await session.flush()
        account = (
            await session.execute(select(TelegramAccount).where(TelegramAccount.chat_id == 10_001))
        ).scalar_one()
        account.bot_id = bot.id
        messages = [
            Outgoing(chat, f"Halo {chat}", priority=Priority.CHECKIN) for chat in (10_000, 10_001)
        ]
        await enqueue(session, messages, now=NOW)
        replies = [Outgoing(10_002, "Balasan"), Outgoing(10_001, "Untuk 10001")]
        jobs = await enqueue(session, replies, now=NOW, claimed_by="w", via={10_002: bot.id})
    assert [(job.chat_id, job.bot_id) for job in jobs] == [(10_002, bot.id), (10_001, bot.id)]
    async with db.transaction() as session:
        default = await claim_due(session, now=NOW, worker="w", limit=10, bot=None)
        extra = await claim_due(session, now=NOW, worker="w", limit=10, bot=bot.id)
    assert [job.chat_id for job in default] == [10_000]
    assert [job.chat_id for job in extra] == [10_001]
