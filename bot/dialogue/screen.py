"""Which of the bot's messages shows a conversation's current question, so a typed answer
can change it as a press of its button would."""

from __future__ import annotations

from sqlalchemy import bindparam, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import OutboxMessage
from bot.db.models.base import table_of
from bot.flows.render import callback_data

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
