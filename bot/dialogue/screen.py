"""Which of the bot's messages shows a conversation's current question, so a typed answer
can change it as a press of its button would."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import OutboxMessage
from bot.flows.render import callback_data

# The question is among the person's last few messages: its note and a help text may follow.
_LOOKBACK = 6


async def question_message_id(
    session: AsyncSession, person_id: str, conversation_id: int, revision: int
) -> int | None:
    """The Telegram id of the message carrying the buttons asked at `revision`; None when
    it is not sent yet (or too far back): the caller then sends the question anew."""
    prefix = callback_data(conversation_id, revision, "")
    rows = await session.execute(
        select(OutboxMessage.kind, OutboxMessage.payload, OutboxMessage.telegram_message_id)
        .where(OutboxMessage.person_id == person_id)
        .order_by(OutboxMessage.id.desc())
        .limit(_LOOKBACK)
    )
    for kind, payload, message_id in rows:
        buttons = [b for row in payload.get("buttons", ()) for b in row]
        if not any(str(b.get("data") or "").startswith(prefix) for b in buttons):
            continue
        if kind == "edit":
            return int(payload["message_id"])
        return int(message_id) if message_id is not None else None
    return None
