"""/start, /help and the answer to anything not understood."""

from __future__ import annotations

from telegram import Update

from bot.dialogue.binding import Turn
from bot.dialogue.runner import open_conversation
from bot.domain.people import greeting
from bot.domain.people.identity import linked_person
from bot.tg.context import KabarContext
from bot.tg.handlers.origin import sender_of


async def on_start(update: Update, context: KabarContext) -> None:
    sender = sender_of(update)
    if sender is None:
        return
    work, services = context.work, context.runtime.services
    payload = (context.args or [""])[0]
    if payload:
        # Looked up first: a new registration opens onboarding, which must not be re-asked.
        registered = await linked_person(work.session, sender.telegram_user_id)
        work.send(await services.registration.by_code(work.session, sender, payload, work.now))
        if registered is not None:
            await ask_again(context, registered.id, sender.chat_id)
        return
    messages = await greeting.start(work.session, sender)
    person = messages[0].person_id
    work.send(messages)
    if person is not None:
        await ask_again(context, person, sender.chat_id)


async def on_help(update: Update, context: KabarContext) -> None:
    sender = sender_of(update)
    if sender is None:
        return
    work = context.work
    messages = await greeting.help_text(work.session, sender)
    work.send(messages)
    if messages[0].person_id is not None:
        await ask_again(context, messages[0].person_id, sender.chat_id)


async def ask_again(context: KabarContext, person_id: str, chat_id: int) -> None:
    """After help, a greeting or any other side reply, repeat the open question so the
    person can carry on (nothing when no flow is open)."""
    from bot.db.models import Person

    work = context.work
    conversation = await open_conversation(work.session, person_id)
    person = await work.session.get(Person, person_id)
    if conversation is None or person is None:
        return
    turn = Turn(work.session, conversation, person, chat_id, work.now)
    work.send(await context.runtime.services.runner.again(turn))
