"""The one error handler, and the apology a person gets when their update cannot be handled."""

from __future__ import annotations

import logging
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession
from telegram import Update

from bot.domain.people.identity import Sender, language_of, linked_person
from bot.lib.i18n import translator
from bot.messaging.inbox import chat_of
from bot.messaging.messages import Outgoing
from bot.tg.context import KabarContext
from conversations import welcome

log = logging.getLogger(__name__)


async def on_error(update: object, context: KabarContext) -> None:
    """Hand the error to the processor, which rolls the update's transaction back."""
    error = context.error
    if isinstance(update, Update):
        unit = context.bot_data.units.get(update.update_id)
        if unit is not None and error is not None:
            unit.failed = error
            return
    log.error("unhandled error outside an update", exc_info=error)


async def apology(session: AsyncSession, payload: dict[str, Any]) -> Outgoing | None:
    """A short 'sorry, try again' for an update given up on; nothing for non-private chats."""
    chat_id = chat_of(payload)
    if chat_id is None or chat_id < 0:
        return None
    sender_info = (payload.get("message") or payload.get("callback_query") or {}).get("from") or {}
    sender = Sender(
        telegram_user_id=int(sender_info.get("id", chat_id)),
        chat_id=chat_id,
        language_code=sender_info.get("language_code"),
    )
    person = await linked_person(session, sender.telegram_user_id)
    t = translator(language_of(person, sender))
    return Outgoing(chat_id=chat_id, text=t.gettext(welcome.SOMETHING_WENT_WRONG))
