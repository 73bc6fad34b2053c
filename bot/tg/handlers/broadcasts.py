"""/siaran: staff and coordinators write a broadcast (the dialog is bot/domain/broadcasts/
drafts.py and writing.py), and the cancel button on its progress message."""

from __future__ import annotations

from telegram import Message as TelegramMessage
from telegram import Update

from bot.db.models import Broadcast, BroadcastStatus, Person, Role
from bot.domain.broadcasts import drafts, writing
from bot.domain.broadcasts.errors import BroadcastError
from bot.domain.broadcasts.progress import cancel_and_report
from bot.flows.events import Text
from bot.lib import callback_data
from bot.messaging.inbound import Sender
from bot.tg.context import KabarContext
from bot.tg.handlers.message_events import event_of
from bot.tg.handlers.origin import button_press, registered


def _desk(context: KabarContext, person: Person, chat_id: int) -> drafts.Desk:
    settings = context.runtime.settings
    return drafts.Desk(
        session=context.work.session,
        person=person,
        chat_id=chat_id,
        now=context.work.now,
        timezone=settings.timezone,
        language=settings.locale,
    )


async def on_broadcast(update: Update, context: KabarContext) -> None:
    """/siaran: a new draft and the audience menu, or one line to whoever may not."""
    found = await registered(context.work)
    if found is None:
        return
    sender, person = found
    context.work.send(await drafts.start(_desk(context, person, sender.chat_id)))


async def on_draft_button(update: Update, context: KabarContext) -> None:
    work = context.work
    press = await button_press(update, work)
    if press is None:
        return
    if press.person is None:
        work.send([press.answer(press.t.gettext(drafts.NOT_ACTIVE))])
        return
    message = press.query.message
    desk = _desk(context, press.person, press.sender.chat_id)
    outcome = await drafts.press(
        desk, press.query.data, message.message_id if message is not None else None
    )
    if outcome.forged is not None:
        press.record_forged(work.session, work.now, outcome.forged)
    work.send([press.answer(outcome.toast), *outcome.messages])


async def takes_message(
    context: KabarContext, sender: Sender, person: Person, message: TelegramMessage
) -> bool:
    """The text, photo or time a staff member's or coordinator's draft waits for; False
    when none waits (a command is never taken for a text)."""
    draft = await writing.waiting(context.work.session, person)
    if draft is None:
        return False
    event = event_of(message)
    if isinstance(event, Text) and event.text.startswith("/"):
        return False
    desk = _desk(context, person, sender.chat_id)
    context.work.send(await writing.take(desk, draft, event))
    return True


async def drops_draft(context: KabarContext, sender: Sender, person: Person) -> bool:
    """/batal from someone writing a /siaran: the draft is dropped and they are told."""
    if not drafts.may_broadcast(person):
        return False
    dropped = await drafts.drop(_desk(context, person, sender.chat_id))
    if dropped is None:
        return False
    context.work.send(dropped)
    return True


async def on_cancel_button(update: Update, context: KabarContext) -> None:
    """The cancel button on a progress message: for its creator, or staff."""
    work = context.work
    press = await button_press(update, work)
    if press is None:
        return
    person, t = press.person, press.t
    broadcast_id = callback_data.cancel(press.query.data)
    broadcast = await work.session.get(Broadcast, broadcast_id) if broadcast_id else None
    if person is None or broadcast is None or broadcast.status is BroadcastStatus.DRAFT:
        work.send([press.answer(t.gettext(drafts.NOT_ACTIVE))])
        return
    if broadcast.created_by_id != person.id and person.role is not Role.STAFF:
        press.record_forged(work.session, work.now, "broadcast:" + str(broadcast.id))
        work.send([press.answer(t.gettext(drafts.NOT_YOURS))])
        return
    try:
        await cancel_and_report(work.session, broadcast.id, actor=person.id, now=work.now)
    except BroadcastError as error:
        work.send([press.answer(error.translate(t))])
        return
    work.send([press.answer()])
