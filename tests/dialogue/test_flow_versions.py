"""A conversation saved under version 1 of a flow meets version 2 at its next turn.

The runner migrates it (kept answers stay, the right question is asked), stores version 2,
and refuses a button drawn for version 1.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import select

from bot.db.database import Database
from bot.db.models import Conversation, Person, Role
from bot.dialogue.binding import Turn
from bot.dialogue.runner import FlowRunner
from bot.flows.engine import Event, Keep, Limits, Press, Text
from bot.flows.model import SEND, Flow, Kind, Option, Step, Upgrade
from bot.messaging.messages import Message, Outgoing

NOW = datetime(2026, 3, 2, 3, 0, tzinfo=UTC)
CHAT = 555

PRODUCED = Step(
    "produced",
    Kind.CHOICE,
    "Did you produce?",
    label="Produced",
    options=(Option("yes", "Yes"), Option("no", "No")),
)
AMOUNT = Step("amount", Kind.QUANTITY, "How much did you produce?", label="Amount")
SOLD = Step("sold", Kind.QUANTITY, "How much did you sell?", label="Sold")
NOTE = Step("note", Kind.TEXT, "Anything else?", label="Note")
CONFIRM = Step("confirm", Kind.CONFIRM, "Please check your answers:")

V1 = Flow("versioned", 1, (PRODUCED, AMOUNT, SOLD, NOTE, CONFIRM))
# Version 2: "amount" renamed "made", "note" removed, "buyer" added after "sold".
MADE = Step("made", Kind.QUANTITY, "How many kg did you make?", label="Made")
BUYER = Step("buyer", Kind.TEXT, "Who bought it?", label="Buyer")
V2 = Flow(
    "versioned",
    2,
    (PRODUCED, MADE, SOLD, BUYER, CONFIRM),
    upgrades=(Upgrade(1, renamed={"amount": "made"}, dropped=("note",)),),
)


@dataclass
class Binding:
    """A flow's answers kept in a dict: the record the test looks at."""

    flow: Flow
    record: dict[str, Any] = field(default_factory=dict)

    async def limits(self, turn: Turn) -> Limits:
        return Limits()

    async def unit(self, turn: Turn) -> str:
        return "kg"

    async def on_answers(self, turn: Turn, changed: dict[str, Any], kept: Sequence[Keep]) -> None:
        for key, value in changed.items():
            if value is None:
                self.record.pop(key, None)
            else:
                self.record[key] = value

    async def on_finish(self, turn: Turn) -> Sequence[Message]:
        return []

    async def on_cancel(self, turn: Turn) -> Sequence[Message]:
        return []

    async def on_restart(self, turn: Turn) -> None:
        self.record.clear()


class Chat:
    """One person's conversation, turn by turn, each in its own transaction."""

    def __init__(self, db: Database, record: dict[str, Any]) -> None:
        self.db = db
        self.record = record
        self.runner = FlowRunner([Binding(V1, record)])
        self.conversation_id = 0
        self.now = NOW

    def deploy(self, flow: Flow) -> None:
        """A new Kabar, with the flow at another version, takes over."""
        self.runner = FlowRunner([Binding(flow, self.record)])

    async def start(self) -> list[str]:
        async with self.db.transaction() as session:
            person = await session.get(Person, "P1")
            if person is None:
                person = Person(
                    id="P1",
                    role=Role.PARTICIPANT,
                    name="Siti",
                    language="en",
                    attributes={},
                    created_at=NOW,
                    updated_at=NOW,
                )
                session.add(person)
                await session.flush()
            messages = await self.runner.start(
                session, person=person, chat_id=CHAT, flow_name="versioned", now=NOW
            )
            newest = select(Conversation.id).order_by(Conversation.id.desc()).limit(1)
            self.conversation_id = int(await session.scalar(newest) or 0)
        return texts(messages)

    async def turn(self, act: str, event: Event | None = None) -> list[str]:
        self.now += timedelta(minutes=1)
        async with self.db.transaction() as session:
            conversation = await session.get(Conversation, self.conversation_id)
            person = await session.get(Person, "P1")
            assert conversation is not None and person is not None
            turn = Turn(session, conversation, person, CHAT, self.now)
            if act == "handle":
                assert event is not None
                messages: list[Message] = await self.runner.handle(turn, event)
            else:
                messages = await getattr(self.runner, act)(turn)
        return texts(messages)

    async def answer(self, event: Event) -> list[str]:
        return await self.turn("handle", event)

    async def stored(self) -> Conversation:
        async with self.db.sessions() as session:
            conversation = await session.get(Conversation, self.conversation_id)
            assert conversation is not None
            return conversation


def texts(messages: Sequence[Message]) -> list[str]:
    return [m.text for m in messages if isinstance(m, Outgoing)]


async def _halfway(db: Database) -> Chat:
    """Produced and amount answered under version 1; the question on screen is "sold"."""
    chat = Chat(db, {})
    await chat.start()
    await chat.answer(Press("yes"))
    assert await chat.answer(Text("5")) == ["How much did you sell?"]
    assert (await chat.stored()).flow_version == 1
    return chat


async def test_the_next_answer_goes_on_under_version_2_with_the_answers_kept(
    db: Database,
) -> None:
    chat = await _halfway(db)
    chat.deploy(V2)
    # "sold" is still the question on screen: the typed answer is taken, then the new step.
    assert await chat.answer(Text("3")) == ["Who bought it?"]
    stored = await chat.stored()
    assert stored.flow_version == 2
    assert stored.state["answers"] == {"produced": "yes", "made": "5", "sold": "3"}
    assert chat.record == {"produced": "yes", "made": "5", "sold": "3"}

    summary = await chat.answer(Text("Pak Made"))
    assert summary == [
        "Please check your answers:\n• Produced: Yes\n• Made: 5 kg\n• Sold: 3 kg\n• Buyer: Pak Made"
    ]


async def test_a_button_drawn_under_version_1_is_stale_and_the_right_question_is_asked(
    db: Database,
) -> None:
    chat = Chat(db, {})
    await chat.start()
    await chat.answer(Press("yes"))
    await chat.answer(Text("5"))
    await chat.answer(Text("3"))
    assert (await chat.answer(Text("dry")))[0].startswith("Please check your answers:")
    chat.deploy(V2)
    # "Send" on the version-1 summary: not sent; the added question is asked instead.
    reply = await chat.answer(Press(SEND))
    assert reply == [
        "That button is from an earlier question.\n"
        "The questions have changed a little; your answers so far are kept.\n\n"
        "Who bought it?"
    ]
    stored = await chat.stored()
    assert stored.flow_version == 2
    assert stored.status.value == "open"
    assert chat.record == {"produced": "yes", "made": "5", "sold": "3"}  # the note dropped


async def test_help_then_again_migrates_and_a_restart_starts_under_version_2(
    db: Database,
) -> None:
    chat = await _halfway(db)
    chat.deploy(V2)
    assert await chat.turn("again") == ["How much did you sell?"]
    assert (await chat.stored()).flow_version == 2
    assert await chat.turn("again") == ["How much did you sell?"]  # once is enough

    other = await _halfway(db)  # a second conversation of the same person
    other.deploy(V2)
    assert await other.turn("restart") == ["Did you produce?"]
    assert (await other.stored()).flow_version == 2
    assert other.record == {}
