"""Starting conversations in bulk is the one-person start done for many: each family's
buttons carry its own conversation, and a round's question is answered by its button."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select, update

from bot.app.services import Services
from bot.db.database import Database
from bot.db.models import (
    Cohort,
    Conversation,
    ConversationStatus,
    FollowUpRecord,
    OutboxMessage,
    OutboxStatus,
    Person,
    Priority,
)
from bot.dialogue.starters import Starter
from bot.domain.rounds.opening import open_round
from bot.lib import callback_data
from bot.messaging.messages import Outgoing, decode
from tests.domain.rounds.support import seed_cohort
from tests.support.updates import handle_updates

# Monday 12 January 2026, 08:00 in Jakarta: outside the cohort's quiet hours.
NOW = datetime(2026, 1, 12, 1, 0, tzinfo=UTC)


async def _outbox(db: Database) -> list[OutboxMessage]:
    async with db.sessions() as session:
        query = select(OutboxMessage).order_by(OutboxMessage.id)
        return list((await session.execute(query)).scalars())


def _question(row: OutboxMessage) -> Outgoing:
    message = decode(row.kind, row.chat_id, row.payload)
    assert isinstance(message, Outgoing)
    return message


async def test_a_round_gives_each_family_one_message_its_greeting_atop_its_question(
    db: Database,
) -> None:
    await seed_cohort(db, 7)
    async with db.transaction() as session:  # two families read English
        await session.execute(
            update(Person)
            .where(Person.id.in_(["tenun-2026-00002", "tenun-2026-00005"]))
            .values(language="en")
        )
    async with db.transaction() as session:
        cohort = (await session.execute(select(Cohort))).scalar_one()
        opened = await open_round(session, cohort, now=NOW)
    async with db.sessions() as session:
        conversations = {
            c.person_id: c for c in (await session.execute(select(Conversation))).scalars()
        }
    rows = await _outbox(db)

    # One bulk message a family: a round of 20,000 opens in half the time.
    assert opened.participants == 7 and len(conversations) == 7 and len(rows) == 7
    for person_id, conversation in conversations.items():
        [question] = [row for row in rows if row.person_id == person_id]
        greeting, asked = _question(question).text.split("\n\n")
        assert "Keluarga" in greeting and "Keluarga" not in asked, "the greeting goes first"
        presses = [callback_data.flow(b.data) for row in _question(question).buttons for b in row]
        assert {(p.conversation_id, p.revision) for p in presses if p} == {
            (conversation.id, conversation.state["asked"])
        }
        assert conversation.round_id == opened.round_id and conversation.revision == 1
        assert conversation.status is ConversationStatus.OPEN
        english = person_id in ("tenun-2026-00002", "tenun-2026-00005")
        assert ("Did you produce" in asked) is english
    assert {(r.round_id, r.priority, r.status, r.not_before) for r in rows} == {
        (opened.round_id, Priority.CHECKIN, OutboxStatus.PENDING, NOW)
    }


async def test_start_many_answers_the_conversations_in_the_order_of_the_people(
    db: Database,
) -> None:
    await seed_cohort(db, 3)
    people = [
        Starter(f"tenun-2026-0000{n}", 10_000 + n, None, lead=(Outgoing(10_000 + n, f"Hai {n}"),))
        for n in (2, 0, 1)
    ]
    async with db.transaction() as session:
        ids = await Services().runner.start_many(session, people, flow_name="checkin", now=NOW)
    async with db.sessions() as session:
        owner = dict((await session.execute(select(Conversation.id, Conversation.person_id))).all())
    assert [owner[i] for i in ids] == [p.person_id for p in people]
    rows = await _outbox(db)
    assert [_question(r).text.split("\n")[0] for r in rows] == ["Hai 2", "Hai 0", "Hai 1"]
    assert all(r.priority == Priority.REPLY and r.round_id is None for r in rows)


async def test_a_round_s_question_is_answered_by_its_button(
    database_url: str, db: Database
) -> None:
    await seed_cohort(db, 2, quiet=("00:00", "00:00"))
    async with db.transaction() as session:
        cohort = (await session.execute(select(Cohort))).scalar_one()
        await open_round(session, cohort, now=NOW)
    [question] = [row for row in await _outbox(db) if row.chat_id == 10_001]
    yes = next(b for row in _question(question).buttons for b in row if b.data.endswith(":yes"))

    family = {"id": 10_001, "is_bot": False, "first_name": "Keluarga"}
    press = {
        "update_id": 1,
        "callback_query": {
            "id": "q1",
            "from": family,
            "chat_instance": "c",
            "data": yes.data,
            "message": {
                "message_id": 41,
                "date": 0,
                "chat": {"id": 10_001, "type": "private"},
                "text": _question(question).text,
            },
        },
    }
    assert await handle_updates(db, database_url, [press], NOW) == 1

    async with db.sessions() as session:
        conversation = (
            await session.execute(
                select(Conversation).where(Conversation.person_id == "tenun-2026-00001")
            )
        ).scalar_one()
        record = (await session.execute(select(FollowUpRecord))).scalar_one()
    replies = [row for row in await _outbox(db) if row.id > question.id and row.chat_id == 10_001]
    assert record.person_id == "tenun-2026-00001" and record.produced is True
    assert conversation.step == "quantity_produced" and conversation.revision == 2
    # The pressed question becomes the next one, its answer shown above: one edit.
    assert [row.kind for row in replies] == ["answer", "edit"]
    edited = replies[1].payload
    assert edited["message_id"] == 41 and edited["text"].startswith("✓ ")
    assert "Berapa" in edited["text"].split("\n\n")[1]
