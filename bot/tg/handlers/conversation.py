"""Messages and button presses of registered people: answers to their open flow."""

from __future__ import annotations

from telegram import Update

from bot.db.models import Conversation, ConversationStatus
from bot.domain.people import greeting
from bot.flows.engine import Press, Text
from bot.flows.render import parse_callback
from bot.lib.i18n import N_, translator
from bot.messaging.messages import Outgoing
from bot.tg.context import KabarContext
from bot.tg.handlers.events import event_of
from bot.tg.handlers.origin import button_press, sender_of

BUTTON_NOT_ACTIVE = N_("This button is no longer active.")
BUTTON_NOT_YOURS = N_("This button is not for you.")
IN_A_CHECKIN = N_(
    "You are in the middle of a check-in. Please answer the question below, or send /batal "
    "to stop it."
)
NOTHING_OPEN = N_("There is no check-in open right now. Kabar will ask when it is time.")


async def on_message(update: Update, context: KabarContext) -> None:
    sender = sender_of(update)
    message = update.effective_message
    if sender is None or message is None or update.effective_chat is None:
        return
    if update.effective_chat.type != "private":
        return
    work, services = context.work, context.runtime.services
    person = await work.person(sender.telegram_user_id)
    if person is None:
        work.send(await greeting.start(work.session, sender))
        return
    conversation = await work.open_conversation(person.id)
    if conversation is None:
        work.send(await greeting.not_understood(work.session, sender))
        return
    turn = work.turn(conversation, person, sender.chat_id)
    event = event_of(message)
    if isinstance(event, Text) and event.text.startswith("/"):
        # An unknown command mid-flow: explain, then the same question again. Onboarding
        # (language, consent) is not a check-in, so it gets the general answer.
        if conversation.flow == "checkin":
            t = translator(person.language)
            work.send([Outgoing(chat_id=sender.chat_id, text=t.gettext(IN_A_CHECKIN))])
        else:
            work.send(await greeting.not_understood(work.session, sender))
        work.send(await services.runner.again(turn))
        return
    work.send(await services.runner.handle(turn, event))


async def on_button(update: Update, context: KabarContext) -> None:
    work, services = context.work, context.runtime.services
    press = await button_press(update, work)
    if press is None:
        return
    query, sender = press.query, press.sender
    person, t, answer = press.person, press.t, press.answer
    callback = parse_callback(query.data)
    conversation = (
        await work.session.get(Conversation, callback.conversation_id) if callback else None
    )

    if callback is None or conversation is None or person is None:
        work.send([answer(t.gettext(BUTTON_NOT_ACTIVE))])
        return
    if conversation.person_id != person.id:
        press.record_forged(work.session, work.now, conversation.person_id)
        work.send([answer(t.gettext(BUTTON_NOT_YOURS))])
        return
    asked = int(conversation.state.get("asked", 0))
    if conversation.status is not ConversationStatus.OPEN or asked != callback.revision:
        work.send([answer(t.gettext(BUTTON_NOT_ACTIVE))])
        return
    pressed = query.message.message_id if query.message is not None else None
    work.send([answer()])
    turn = work.turn(conversation, person, sender.chat_id)
    work.send(await services.runner.handle(turn, Press(callback.value), pressed_message_id=pressed))


async def on_cancel(update: Update, context: KabarContext) -> None:
    await _session_command(update, context, "cancel")


async def on_restart(update: Update, context: KabarContext) -> None:
    await _session_command(update, context, "restart")


async def _session_command(update: Update, context: KabarContext, what: str) -> None:
    sender = sender_of(update)
    if sender is None:
        return
    work, runner = context.work, context.runtime.services.runner
    person = await work.person(sender.telegram_user_id)
    if person is None:
        work.send(await greeting.not_understood(work.session, sender))
        return
    conversation = await work.open_conversation(person.id)
    if conversation is None or conversation.flow != "checkin":
        t = translator(person.language)
        work.send([Outgoing(chat_id=sender.chat_id, text=t.gettext(NOTHING_OPEN))])
        if conversation is not None:
            turn = work.turn(conversation, person, sender.chat_id)
            work.send(await runner.again(turn))
        return
    turn = work.turn(conversation, person, sender.chat_id)
    action = runner.cancel if what == "cancel" else runner.restart
    work.send(await action(turn))
