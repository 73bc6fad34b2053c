"""A press on a question shown in one message needs no read of the outbox to know it is the
newest copy (bot/dialogue/screen.py); once the question is shown again, it is read."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import event

from bot.db.database import Database
from bot.db.models import Conversation, Person
from bot.dialogue import screen
from bot.dialogue.binding import Turn
from bot.flows.engine import Event, Press
from bot.messaging.messages import Button, Edit, Message, Outgoing
from tests.dialogue.test_flow_versions import CHAT, Chat

QUESTION_MESSAGE = 7001


@contextmanager
def outbox_reads(db: Database) -> Iterator[list[str]]:
    seen: list[str] = []

    def record(*args: Any) -> None:
        statement = args[2]  # (connection, cursor, statement, ...)
        if statement.startswith("SELECT") and "outbox_messages" in statement:
            seen.append(statement)

    event.listen(db.engine.sync_engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(db.engine.sync_engine, "before_cursor_execute", record)


async def press(chat: Chat, db: Database, value: str) -> tuple[list[Message], int]:
    """`value` pressed on the question's first message; what came back and the outbox reads."""
    async with db.transaction() as session:
        conversation = await session.get(Conversation, chat.conversation_id)
        person = await session.get(Person, "P1")
        assert conversation is not None and person is not None
        turn = Turn(session, conversation, person, CHAT, chat.now)
        pressed: Event = Press(value)
        with outbox_reads(db) as seen:
            messages = await chat.runner.handle(turn, pressed, pressed_message_id=QUESTION_MESSAGE)
    return messages, len(seen)


async def test_a_press_on_the_only_copy_of_its_question_reads_no_outbox(db: Database) -> None:
    chat = Chat(db, {})
    await chat.start()
    assert screen.drawn_once((await chat.stored()).state, 1), "the first question, once"
    messages, reads = await press(chat, db, "yes")
    assert reads == 0, "the question was drawn once: the pressed message is the newest copy"
    [next_question] = messages
    assert isinstance(next_question, Edit) and next_question.message_id == QUESTION_MESSAGE
    assert next_question.text.endswith("How much did you produce?"), "asked in place"


async def test_once_the_question_is_shown_again_a_press_reads_which_copy_is_newest(
    db: Database,
) -> None:
    chat = Chat(db, {})
    await chat.start()
    assert await chat.turn("again") == ["Did you produce?"]  # after help, say
    assert screen.ONE_COPY not in (await chat.stored()).state
    _, reads = await press(chat, db, "yes")
    assert reads == 1, "two copies: the outbox says which one is below"


def test_a_typed_toggle_sent_anew_is_a_second_copy_and_an_edit_is_not() -> None:
    buttons = ((Button("Eggs", "f:1:3:eggs"),),)
    before = {"asked": 3, screen.ONE_COPY: 3}
    anew: dict[str, Any] = {"asked": 3}
    screen.note_drawn(before, anew, [Outgoing(CHAT, "What did you make?", buttons)])
    assert screen.ONE_COPY not in anew
    in_place: dict[str, Any] = {"asked": 3}
    screen.note_drawn(before, in_place, [Edit(CHAT, 9, "What did you make?", buttons)])
    assert screen.drawn_once(in_place, 3)
    asked_anew: dict[str, Any] = {"asked": 5}
    screen.note_drawn({"asked": 3}, asked_anew, [Outgoing(CHAT, "How much?", buttons)])
    assert screen.drawn_once(asked_anew, 5)
