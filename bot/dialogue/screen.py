"""Which of the bot's messages shows a conversation's current question, so a typed answer
can change it as a press of its button would; and whether it shows in one message only, so a
press need not ask."""

from __future__ import annotations

from collections.abc import Mapping, MutableMapping, Sequence
from typing import Any

from sqlalchemy import bindparam, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import Conversation, OutboxMessage
from bot.db.models.base import table_of
from bot.flows.render import callback_data
from bot.messaging.messages import Edit, Outgoing

# The question is among the chat's last few messages: its note and a help text may follow.
_LOOKBACK = 6
_OUTBOX = table_of(OutboxMessage)
# Built once, and run on the session's connection: asked at most button presses, it was a
# statement built per call and an ORM flush of the whole group's pending changes (a group
# of updates is meant to write them in one statement a table, bot/tg/processor.py). The
# outbox is written with Core INSERTs when the group ends, so no pending change is missed.
_LATEST = (
    select(_OUTBOX.c.kind, _OUTBOX.c.payload, _OUTBOX.c.telegram_message_id)
    # By the chat, whose index finds its rows: by the person (no index) the newest rows of
    # everyone else were read back until six of theirs, the whole outbox after a round of
    # 100,000 (20-130 ms a press, docs/PERFORMANCE.md).
    .where(_OUTBOX.c.chat_id == bindparam("chat"))
    .order_by(_OUTBOX.c.id.desc())
    .limit(_LOOKBACK)
)


async def question_message_id(
    session: AsyncSession, chat_id: int, conversation_id: int, revision: int
) -> int | None:
    """The Telegram id of the message carrying the buttons asked at `revision`; None when
    it is not sent yet (or too far back): the caller then sends the question anew."""
    prefix = callback_data(conversation_id, revision, "")
    connection = await session.connection()
    rows = await connection.execute(_LATEST, {"chat": chat_id})
    for kind, payload, message_id in rows:
        buttons = [b for row in payload.get("buttons", ()) for b in row]
        if not any(str(b.get("data") or "").startswith(prefix) for b in buttons):
            continue
        if kind == "edit":
            return int(payload["message_id"])
        return int(message_id) if message_id is not None else None
    return None


# Kept in the conversation's state: the revision whose question was drawn in one message
# only. A press on it then comes from that message, the newest copy, without reading the
# outbox (one read a press was a sixth of the statements of a check-in, docs/PERFORMANCE.md).
# Absent, or another revision: the outbox is asked, as before.
ONE_COPY = "one_copy"


def drawn_once(state: Mapping[str, Any], asked: int) -> bool:
    """Whether the question asked at `asked` is known to show in one message only."""
    return state.get(ONE_COPY) == asked


def note_drawn(
    before: Mapping[str, Any], after: MutableMapping[str, Any], drawn: Sequence[Outgoing | Edit]
) -> None:
    """Record in `after` (a conversation's new state) whether its question shows in one
    message, given the state `before` the turn and the messages the turn `drawn`."""
    asked = after.get("asked", 0)
    if asked != before.get("asked", 0):
        # A question asked anew: one message carrying buttons (an edit or a new one) is one copy.
        once = sum(1 for message in drawn if message.buttons) == 1
    else:
        # The same question: another copy if the turn sent it in a new message (a typed
        # toggle whose message was not found), else as it was.
        once = drawn_once(before, asked) and not any(
            isinstance(message, Outgoing) and message.buttons for message in drawn
        )
    if once:
        after[ONE_COPY] = asked
    else:
        after.pop(ONE_COPY, None)


def drawn_again(conversation: Conversation) -> bool:
    """The conversation's question is drawn once more: forget that it showed once. Whether
    its state changed (to be written)."""
    if ONE_COPY not in conversation.state:
        return False
    conversation.state = {k: v for k, v in conversation.state.items() if k != ONE_COPY}
    return True
