"""Registration by contact, and a person's own controls: /berhenti, /mulai, /dataku."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession
from telegram import Update

from bot.db.models import Person
from bot.domain.checkins.take_up import take_up
from bot.domain.people import consent, greeting, preferences
from bot.messaging.messages import Message, Outgoing
from bot.tg.context import KabarContext
from bot.tg.handlers.basics import ask_again
from bot.tg.handlers.origin import registered


async def on_contact(update: Update, context: KabarContext) -> None:
    work = context.work
    sender, message = work.sender, update.effective_message
    if sender is None or message is None or message.contact is None:
        return
    person = await work.person()
    work.send(
        await context.runtime.services.registration.by_contact(
            work.session,
            sender,
            contact_user_id=message.contact.user_id,
            phone=message.contact.phone_number,
            now=work.now,
            existing=person,
        )
    )
    if person is not None:
        await ask_again(context)


Action = Callable[[AsyncSession, Person, int, datetime], Awaitable[Sequence[Message]]]


async def _for_person(context: KabarContext, action: Action, *, then_ask: bool = True) -> None:
    work = context.work
    found = await registered(work)
    if found is None:
        return
    sender, person = found
    work.send(await action(work.session, person, sender.chat_id, work.now))
    if then_ask:
        await ask_again(context)


async def on_pause(update: Update, context: KabarContext) -> None:
    # Stopping means no more questions, not even the open one.
    await _for_person(context, preferences.pause, then_ask=False)
    turn = await context.work.turn()
    if turn is not None and greeting.closed_by_stopping(turn.conversation.flow):
        await context.runtime.services.runner.cancel(turn)  # says nothing: /mulai reopens it


async def on_resume(update: Update, context: KabarContext) -> None:
    await _for_person(context, consent.resume, then_ask=False)
    work = context.work
    if await work.turn() is not None:
        await ask_again(context)  # the open question, where they stopped
        return
    sender, person = work.sender, await work.person()
    if sender is None or person is None:
        return  # answered by _for_person
    # Paused when the round opened, or cancelled it: the open round's check-in now.
    runner = context.runtime.services.runner
    taken = await take_up(work.session, runner, person, sender.chat_id, work.now)
    if taken is not None:
        work.send(taken)


async def on_my_data(update: Update, context: KabarContext) -> None:
    async def show(
        session: AsyncSession, person: Person, chat_id: int, _now: datetime
    ) -> list[Outgoing]:
        return await preferences.my_data(session, person, chat_id)

    await _for_person(context, show)
