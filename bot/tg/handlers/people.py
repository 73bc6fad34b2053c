"""Registration by contact, and a person's own controls: /berhenti, /mulai, /dataku."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession
from telegram import Update

from bot.db.models import Person
from bot.domain.people import greeting, preferences
from bot.domain.people.identity import linked_person
from bot.messaging.messages import Message, Outgoing
from bot.tg.context import KabarContext
from bot.tg.handlers.basics import ask_again
from bot.tg.handlers.origin import sender_of


async def on_contact(update: Update, context: KabarContext) -> None:
    sender = sender_of(update)
    message = update.effective_message
    if sender is None or message is None or message.contact is None:
        return
    work = context.work
    registered = await linked_person(work.session, sender.telegram_user_id)
    work.send(
        await context.runtime.services.registration.by_contact(
            work.session,
            sender,
            contact_user_id=message.contact.user_id,
            phone=message.contact.phone_number,
            now=work.now,
        )
    )
    if registered is not None:
        await ask_again(context, registered.id, sender.chat_id)


Action = Callable[[AsyncSession, Person, int, datetime], Awaitable[Sequence[Message]]]


async def _for_person(
    update: Update, context: KabarContext, action: Action, *, then_ask: bool = True
) -> None:
    sender = sender_of(update)
    if sender is None:
        return
    work = context.work
    person = await linked_person(work.session, sender.telegram_user_id)
    if person is None:
        work.send(await greeting.help_text(work.session, sender))
        return
    work.send(await action(work.session, person, sender.chat_id, work.now))
    if then_ask:
        await ask_again(context, person.id, sender.chat_id)


async def on_pause(update: Update, context: KabarContext) -> None:
    # Stopping means no more questions, not even the open one.
    await _for_person(update, context, preferences.pause, then_ask=False)


async def on_resume(update: Update, context: KabarContext) -> None:
    await _for_person(update, context, preferences.resume)


async def on_my_data(update: Update, context: KabarContext) -> None:
    async def show(
        session: AsyncSession, person: Person, chat_id: int, _now: datetime
    ) -> list[Outgoing]:
        return await preferences.my_data(session, person, chat_id)

    await _for_person(update, context, show)
