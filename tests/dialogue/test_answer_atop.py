"""A skipped question's line above a multiple choice stays there while its options are
ticked (bot/dialogue/atop.py): the check-in asks no multiple choice after a skippable
question, so a flow of the test's own does, with and without a label."""

from __future__ import annotations

from bot.db.database import Database
from bot.db.models import Conversation, Person
from bot.dialogue.binding import Turn
from bot.dialogue.runner import FlowRunner
from bot.flows.engine import Press
from bot.flows.model import DONE, SKIP, Flow, Kind, Option, Step
from bot.messaging.messages import Edit
from tests.dialogue.test_flow_versions import CHAT, Binding, Chat

FIRST, SECOND = 7101, 7102  # the question's message, and its copy after help

WHERE = (Option("market", "Market"), Option("tools", "Tools"))
FLOW = Flow(
    "versioned",  # the name Chat starts
    1,
    (
        Step("note", Kind.TEXT, "Anything to add?", optional=True),  # no label: "→ Skip"
        Step("problems", Kind.MULTI, "What holds you back?", options=WHERE, label="Problems"),
        Step("remark", Kind.TEXT, "A remark?", optional=True, label="Remark"),
        Step("helped", Kind.MULTI, "Who helped?", options=WHERE, label="Helped"),
        Step("confirm", Kind.CONFIRM, "Please check your answers:"),
    ),
)


async def press(chat: Chat, db: Database, value: str, message_id: int) -> Edit:
    """`value` pressed on bot message `message_id`: the edit it makes, its only message."""
    async with db.transaction() as session:
        conversation = await session.get(Conversation, chat.conversation_id)
        person = await session.get(Person, "P1")
        assert conversation is not None and person is not None
        turn = Turn(session, conversation, person, CHAT, chat.now)
        messages = await chat.runner.handle(turn, Press(value), pressed_message_id=message_id)
    [edit] = messages
    assert isinstance(edit, Edit) and edit.message_id == message_id
    return edit


async def test_a_skipped_question_stays_above_the_multiple_choice_being_ticked(
    db: Database,
) -> None:
    chat = Chat(db, {})
    chat.runner = FlowRunner([Binding(FLOW, chat.record)])
    assert await chat.start() == ["Anything to add?"]

    asked = await press(chat, db, SKIP, FIRST)
    assert asked.text == "Anything to add?\n→ Skip\n\nWhat holds you back?"
    for tick in ("market", "tools", "market"):
        ticked = await press(chat, db, tick, FIRST)
        assert ticked.text == asked.text, f"{tick}: the skipped question stays above"
    assert [b.text for row in ticked.buttons for b in row] == ["Market", "✅ Tools", "Done"]

    asked = await press(chat, db, DONE, FIRST)
    assert asked.text == "✓ Problems: Tools\n\nA remark?"
    asked = await press(chat, db, SKIP, FIRST)
    assert asked.text == "✓ Remark: Skip\n\nWho helped?"
    assert (await press(chat, db, "market", FIRST)).text == asked.text

    # Shown again after help, in a message of its own: that copy has no answer above it,
    # and a tick on it draws none; the first copy keeps its own.
    [again] = await chat.turn("again")
    assert again == "Who helped?"
    assert (await press(chat, db, "tools", SECOND)).text == "Who helped?"
    assert (await press(chat, db, "tools", FIRST)).text == asked.text
