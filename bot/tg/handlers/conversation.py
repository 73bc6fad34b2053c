"""Messages and button presses of registered people: answers to their open flow."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession
from telegram import Update

from bot.db.models import Conversation, ConversationStatus, Person, Role
from bot.dialogue import edits
from bot.dialogue.binding import FlowBinding, Turn
from bot.domain.broadcasts.replies import take_reply
from bot.domain.checkins.take_up import open_round_for, take_up
from bot.domain.checkins.unasked import keep_unasked
from bot.domain.people import greeting
from bot.flows.engine import Event, Media, Press, Text
from bot.flows.model import Kind
from bot.lib import callback_data
from bot.lib.i18n import N_, translator
from bot.lib.phones import looks_like_phone
from bot.messaging.messages import Message, Outgoing
from bot.tg.context import KabarContext
from bot.tg.handlers.broadcasts import drops_draft, takes_message
from bot.tg.handlers.message_events import event_of
from bot.tg.handlers.origin import button_press, registered
from conversations.checkin import CHECKIN

BUTTON_NOT_ACTIVE = N_("This button is no longer active.")
BUTTON_NOT_YOURS = N_("This button is not for you.")
IN_A_CHECKIN = N_(
    "You are in the middle of a check-in. Please answer the question below, or send /batal "
    "to stop it."
)
NOTHING_OPEN = N_("There is no check-in open right now. Kabar will ask when it is time.")
# Kabar never asks a facilitator, coordinator, staff member or partner for a check-in.
NOTHING_TO_CANCEL = N_("There is nothing to cancel right now.")
RESTART_FOR_FAMILIES = N_(
    "Sorry, /ulang is for the families, to answer their check-in again. "
    "Send /bantuan to see what you can do."
)
# A family's message while no check-in waits for an answer: why it is not taken, what to do.
BETWEEN_CHECKINS = N_(
    "Kabar reads answers during a check-in, and will ask you when it is time. To reach your "
    "facilitator (pendamping) now, send /tolong; /bantuan shows what else you can do."
)
# A family who stopped messages (or declined at registration) writes: not "not understood",
# but why Kabar is not reading and how to turn it back on.
WHILE_PAUSED = N_(
    "Kabar is not sending you check-ins now, as you asked, so it does not read answers. "
    "Send /mulai to receive them again; to reach your facilitator (pendamping), send /tolong."
)
CHECKIN_TO_TAKE_UP = N_(
    "Sorry, Kabar did not understand that message. This round's check-in is still open: "
    "send /ulang to answer it now."
)


async def on_message(update: Update, context: KabarContext) -> None:
    message, chat = update.effective_message, update.effective_chat
    if message is None or chat is None or chat.type != "private":
        return
    work, services = context.work, context.runtime.services
    event = event_of(message)
    if isinstance(event, Text) and work.sender is not None and await work.person() is None:
        # The code from the invitation card, typed: as good as the link.
        linked = await services.registration.by_typed_code(
            work.session, work.sender, event.text, work.now
        )
        if linked is not None:
            work.send(linked)
            return
    found = await registered(work, _to_newcomer(event))
    if found is None:
        return
    sender, person = found
    turn = await work.turn()
    if turn is not None and greeting.reads_nothing_in(person, turn.conversation.flow):
        work.send(_while_paused(sender.chat_id, person))
        return
    if turn is None:
        # Staff writing a broadcast, or a family answering one, or sending a photo; otherwise
        # not understood.
        if await takes_message(context, sender, person, message):
            return
        passed = await _reply_to_broadcast(context, sender.chat_id, person, event)
        if passed is None and isinstance(event, Media) and _may_keep_media(person):
            passed = [*await keep_unasked(work.session, person, event, sender.chat_id, work.now)]
        if passed is None and person.role is Role.PARTICIPANT:
            passed = await _between_check_ins(work.session, sender.chat_id, person)
        work.send(passed or greeting.not_understood(sender, person))
        return
    if isinstance(event, Media) and _unasked(services.runner.binding(turn.conversation), turn):
        # A photo in the middle of a check-in, at a question about numbers: kept, thanked,
        # and the question again.
        round_id = turn.conversation.round_id
        kept = await keep_unasked(
            work.session, person, event, sender.chat_id, work.now, round_id=round_id
        )
        work.send(kept)
        work.send(await services.runner.again(turn))
        return
    if isinstance(event, Text) and event.text.startswith("/"):
        # An unknown command mid-flow: explain, then the same question again. Onboarding
        # (language, consent) is not a check-in, so it gets the general answer.
        if turn.conversation.flow == "checkin":
            t = translator(person.language)
            work.send([Outgoing(chat_id=sender.chat_id, text=t.gettext(IN_A_CHECKIN))])
        else:
            work.send(greeting.not_understood(sender, person))
        work.send(await services.runner.again(turn))
        return
    work.send(await services.runner.handle(turn, event, message_id=message.message_id))


async def _between_check_ins(
    session: AsyncSession, chat_id: int, person: Person
) -> list[Message] | None:
    """What a family may do instead, when no check-in waits for their answer (a paused
    family: that Kabar asks them nothing until /mulai)."""
    if greeting.is_paused_family(person):
        return _while_paused(chat_id, person)
    if person.consent_at is None:
        return None
    t = translator(person.language)
    waiting = await open_round_for(session, person) is not None
    text = t.gettext(CHECKIN_TO_TAKE_UP if waiting else BETWEEN_CHECKINS)
    return [Outgoing(chat_id=chat_id, text=text, person_id=person.id)]


def _while_paused(chat_id: int, person: Person) -> list[Message]:
    t = translator(person.language)
    return [Outgoing(chat_id=chat_id, text=t.gettext(WHILE_PAUSED), person_id=person.id)]


def _may_keep_media(person: Person) -> bool:
    """A family's photo or voice note is kept once they agreed to what Kabar keeps; who
    declined at registration is answered, and nothing of theirs is stored."""
    return person.role is Role.PARTICIPANT and person.consent_at is not None


async def on_edit(update: Update, context: KabarContext) -> None:
    """A message the sender edited: taken as the answer while the conversation is still on
    it, otherwise they are told edits are not read and how to change an answer."""
    message, work = update.edited_message, context.work
    if message is None or work.sender is None:
        return
    turn = await work.turn()
    if turn is not None and greeting.reads_nothing_in(turn.person, turn.conversation.flow):
        work.send(_while_paused(turn.chat_id, turn.person))
        return
    runner = context.runtime.services.runner
    taken = await edits.take(runner, turn, message.message_id, event_of(message))
    if taken is not None:
        work.send(taken)
        return
    work.send([edits.not_read(work.sender, await work.person())])
    if turn is not None:
        work.send(await runner.again(turn))  # then where they are, to carry on


def _to_newcomer(event: Event) -> greeting.Reply:
    """Someone not registered typing their phone number is shown the button that shares it;
    anything else gets the welcome."""
    if isinstance(event, Text) and looks_like_phone(event.text):
        return greeting.phone_typed
    return greeting.start


def _unasked(binding: FlowBinding, turn: Turn) -> bool:
    """Whether the family's check-in is at a question that takes no photo or voice note."""
    if turn.conversation.flow != CHECKIN.name:
        return False
    step = next((s for s in binding.flow.steps if s.id == turn.conversation.step), None)
    return step is not None and step.kind is not Kind.PHOTO and not step.accepts_media


async def _reply_to_broadcast(
    context: KabarContext, chat_id: int, person: Person, event: Event
) -> list[Message] | None:
    """A family writing with no check-in open may be answering an announcement."""
    if person.role is not Role.PARTICIPANT:
        return None
    text: str | None
    if isinstance(event, Text) and not event.text.startswith("/"):
        text, kind, file_id = event.text, None, None
    elif isinstance(event, Media):
        text, kind, file_id = event.caption, event.kind, event.file_id
    else:
        return None  # a sticker or a location says nothing to pass on
    work = context.work
    return await take_reply(
        work.session, person, chat_id, now=work.now, text=text, media_kind=kind, file_id=file_id
    )


async def on_button(update: Update, context: KabarContext) -> None:
    work, services = context.work, context.runtime.services
    press = await button_press(update, work)
    if press is None:
        return
    query, person, t, answer = press.query, press.person, press.t, press.answer
    callback = callback_data.flow(query.data)
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
    if greeting.reads_nothing_in(person, conversation.flow):
        work.send([answer()])
        work.send(_while_paused(press.sender.chat_id, person))
        return
    asked = int(conversation.state.get("asked", 0))
    if conversation.status is not ConversationStatus.OPEN or asked != callback.revision:
        work.send([answer(t.gettext(BUTTON_NOT_ACTIVE))])
        return
    pressed = query.message.message_id if query.message is not None else None
    work.send([answer()])
    turn = await work.turn(conversation)
    assert turn is not None  # the presser is registered: `person` is theirs
    work.send(await services.runner.handle(turn, Press(callback.value), pressed_message_id=pressed))


async def on_cancel(update: Update, context: KabarContext) -> None:
    await _checkin_command(context, "cancel")


async def on_restart(update: Update, context: KabarContext) -> None:
    await _checkin_command(context, "restart")


async def _checkin_command(context: KabarContext, what: str) -> None:
    work, runner = context.work, context.runtime.services.runner
    found = await registered(work, greeting.not_understood)
    if found is None:
        return
    sender, person = found
    turn = await work.turn()
    if greeting.is_paused_family(person):
        # Starting the check-in again would ask its question, and cancelling it would say
        # "send /ulang", refused too: a paused family's check-in waits for /mulai as it is.
        # The data notice shown again to one who declined (their way back) stays open.
        if turn is not None and not greeting.reads_nothing_in(person, turn.conversation.flow):
            work.send(await runner.again(turn))
        else:
            work.send(_while_paused(sender.chat_id, person))
        return
    if turn is None and what == "restart":
        # Cancelled earlier: the round, while open, can be taken up again.
        taken = await take_up(work.session, runner, person, sender.chat_id, work.now)
        if taken is not None:
            work.send(taken)
            return
    if what == "cancel":
        # A note asked for on an alert card, or a /siaran being written: /batal leaves it,
        # rather than taking whatever is sent next as the note or the announcement.
        if turn is not None and turn.conversation.flow == "alert_note":
            work.send(await runner.cancel(turn))
            return
        if turn is None and await drops_draft(context, sender, person):
            return
    if turn is None or turn.conversation.flow != "checkin":
        t = translator(person.language)
        if person.role is Role.PARTICIPANT:
            nothing = NOTHING_OPEN
        else:
            nothing = NOTHING_TO_CANCEL if what == "cancel" else RESTART_FOR_FAMILIES
        work.send([Outgoing(chat_id=sender.chat_id, text=t.gettext(nothing))])
        if turn is not None:
            work.send(await runner.again(turn))
        return
    action = runner.cancel if what == "cancel" else runner.restart
    work.send(await action(turn))
