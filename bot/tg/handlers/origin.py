"""Reads the sender (and, for a button, the presser) out of an update."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession
from telegram import CallbackQuery, Update

from bot.db.models import Person
from bot.domain.audit import audit
from bot.domain.people.identity import Sender
from bot.lib.i18n import Translator, translator
from bot.messaging.messages import ButtonAnswer
from bot.tg.context import UnitOfWork


def sender_of(update: Update) -> Sender | None:
    user = update.effective_user
    chat = update.effective_chat
    if user is None or chat is None or user.is_bot:
        return None
    return Sender(
        telegram_user_id=user.id,
        chat_id=chat.id,
        first_name=user.first_name,
        username=user.username,
        language_code=user.language_code,
    )


@dataclass(frozen=True, slots=True)
class ButtonPress:
    """Who pressed which button, in their language: what every button handler starts with."""

    query: CallbackQuery
    sender: Sender
    person: Person | None
    t: Translator

    def answer(self, text: str | None = None) -> ButtonAnswer:
        """The answer to the press, through the outbox: stops the spinner, maybe a toast."""
        return ButtonAnswer(chat_id=self.sender.chat_id, query_id=self.query.id, toast=text)

    def record_forged(self, session: AsyncSession, now: datetime, subject: str) -> None:
        """Audit a press of a button that was never the presser's (the data says which)."""
        if self.person is not None:
            audit(
                session,
                at=now,
                actor=self.person.id,
                action="button.forged",
                subject=subject,
                details={"data": (self.query.data or "")[:64]},
            )


async def button_press(update: Update, work: UnitOfWork) -> ButtonPress | None:
    query, sender = update.callback_query, sender_of(update)
    if query is None or sender is None:
        return None
    person = await work.person(sender.telegram_user_id)
    t = translator(person.language if person else sender.language_code)
    return ButtonPress(query, sender, person, t)
