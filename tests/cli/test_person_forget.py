"""`kabar person forget` and the outbox and conversations, whose rows name their person
without a foreign key (migrations 0015 and 0018): the family's waiting messages go, those
sent keep only that they were, their check-ins stay under the anonymous id; nobody else's
are touched."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select, update

from bot.db.database import Database
from bot.db.models import Cohort, Conversation, OutboxMessage, OutboxStatus, Person
from bot.domain.rounds.opening import Opened, open_round
from bot.messaging.messages import Outgoing
from bot.messaging.outbox import enqueue
from tests.cli.support import run_kabar
from tests.domain.rounds.support import CREATED, seed_cohort

SITI = "tenun-2026-00000"
ANI = "tenun-2026-00001"


async def _open_round_for_two(db: Database) -> Opened:
    cohort_id = await seed_cohort(db, 2)
    async with db.transaction() as session:
        cohort = await session.get(Cohort, cohort_id)
        assert cohort is not None
        return await open_round(session, cohort, now=CREATED)


async def _forget_siti(db: Database, database_url: str, tmp_path: Path) -> str:
    """`kabar person forget` for Siti, as an operator runs it; her anonymous id."""
    ran = run_kabar(tmp_path, "person", "forget", SITI, "--yes", KABAR_DATABASE_URL=database_url)
    assert ran.code == 0, ran.err
    async with db.sessions() as session:
        anonymous = await session.scalar(select(Person.id).where(Person.id.like("anon-%")))
    assert anonymous is not None
    return anonymous


async def test_a_forgotten_familys_messages_go_or_keep_no_trace(
    db: Database, database_url: str, tmp_path: Path
) -> None:
    opened = await _open_round_for_two(db)
    async with db.transaction() as session:
        # Siti's question went out; a reply to her waits.
        await session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.person_id == SITI)
            .values(status=OutboxStatus.SENT, sent_at=CREATED, telegram_message_id=7)
        )
        await enqueue(
            session, [Outgoing(10_000, "Terima kasih, Siti", person_id=SITI)], now=CREATED
        )

    anonymous = await _forget_siti(db, database_url, tmp_path)
    async with db.sessions() as session:
        rows = (
            await session.execute(
                select(
                    OutboxMessage.person_id,
                    OutboxMessage.chat_id,
                    OutboxMessage.status,
                    OutboxMessage.payload,
                    OutboxMessage.round_id,
                ).order_by(OutboxMessage.id)
            )
        ).all()
    # Her question counts as sent, to nobody anyone can tell; the reply waiting is gone.
    assert [(r.person_id, r.chat_id, r.status, r.payload) for r in rows if r.person_id != ANI] == [
        (anonymous, 0, OutboxStatus.SENT, {})
    ]
    ani = [r for r in rows if r.person_id == ANI]
    assert [(r.chat_id, r.status, r.round_id) for r in ani] == [
        (10_001, OutboxStatus.PENDING, opened.round_id)
    ]
    assert "Keluarga 1" in ani[0].payload["text"]


async def test_a_forgotten_familys_check_ins_are_kept_under_the_anonymous_id(
    db: Database, database_url: str, tmp_path: Path
) -> None:
    opened = await _open_round_for_two(db)
    anonymous = await _forget_siti(db, database_url, tmp_path)
    async with db.sessions() as session:
        rows = (
            await session.execute(
                select(Conversation.person_id, Conversation.round_id).order_by(Conversation.id)
            )
        ).all()
    # Her check-in still counts in the round, and nothing names her any more.
    assert sorted(rows) == sorted([(anonymous, opened.round_id), (ANI, opened.round_id)])
