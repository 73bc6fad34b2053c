"""Who sent the update being handled, as every handler starts: the registered sender (or
an answer to someone who is not), and for a button its presser."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession
from telegram import CallbackQuery, Update

from bot.db.models import Person
from bot.domain.audit import audit
from bot.domain.people import greeting
from bot.lib.i18n import Translator, translator
from bot.messaging.inbound import Sender
from bot.messaging.messages import ButtonAnswer, Outgoing
from bot.tg.context import UnitOfWork


async def registered(
    work: UnitOfWork, unknown: greeting.Reply = greeting.help_text
) -> tuple[Sender, Person] | None:
    """The sender and the person they are; None when the handler has nothing more to do:
    nobody a person could be sent it, or someone not registered (answered by `unknown`)."""
    sender = work.sender
    if sender is None:
        return None
    person = await work.person()
    if person is None:
        work.send(unknown(sender, None))
        return None
    return sender, person


async def registered_as(
    work: UnitOfWork, allowed: Callable[[Person], bool], refusal: str
) -> tuple[Sender, Person, Translator] | None:
    """The registered sender, when the command is for them; anyone else is answered the
    `refusal` (a msgid) in one line, and nothing changes."""
    found = await registered(work)
    if found is None:
        return None
    sender, person = found
    t = translator(person.language)
    if not allowed(person):
        text = t.gettext(refusal)
        work.send([Outgoing(chat_id=sender.chat_id, text=text, person_id=person.id)])
        return None
    return sender, person, t


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
    query, sender = update.callback_query, work.sender
    if query is None or sender is None:
        return None
    person = await work.person()
    t = translator(person.language if person else sender.language_code)
    return ButtonPress(query, sender, person, t)
