"""Facilitators acting on alerts (the card's buttons) and families asking for help (/tolong)."""

from __future__ import annotations

from telegram import Update

from bot.db.models import Alert, Role
from bot.domain.alerts import ask_for_help, cards, presses
from bot.lib import callback_data
from bot.lib.i18n import N_
from bot.messaging.messages import Message, Outgoing
from bot.tg.context import KabarContext
from bot.tg.handlers.origin import button_press, registered_as

NOT_ACTIVE = N_("This button is no longer active.")
HELP_ASKED = N_(
    "Your facilitator (pendamping) has been told that you need help. They will contact you."
)
HELP_ALREADY = N_("Your facilitator (pendamping) already knows you asked for help.")


async def on_alert_button(update: Update, context: KabarContext) -> None:
    work = context.work
    press = await button_press(update, work)
    if press is None:
        return
    query, sender = press.query, press.sender
    person, t, answer = press.person, press.t, press.answer
    parsed = callback_data.alert(query.data)
    alert = await work.session.get(Alert, parsed.alert_id) if parsed else None
    if parsed is None or alert is None or person is None:
        work.send([answer(t.gettext(NOT_ACTIVE))])
        return
    action = parsed.action
    refused = await presses.refusal(work.session, person, alert, action, t)
    if refused is not None:
        if refused.forged:
            press.record_forged(work.session, work.now, alert.person_id)
        work.send([answer(refused.text)])
        return
    if action == "show":
        recipient = cards.Recipient(person, sender.chat_id)
        work.send([answer(), *await cards.card_messages(work.session, alert, recipient)])
        return
    if action == "note":
        # The next text or voice note from this person is the note (a one-step flow).
        work.send([answer()])
        work.send(
            await context.runtime.services.runner.start(
                work.session,
                person=person,
                chat_id=sender.chat_id,
                flow_name="alert_note",
                now=work.now,
                # The card, to show the note on it once it is saved.
                context={"alert_id": alert.id, "card": query.message.message_id}
                if query.message is not None
                else {"alert_id": alert.id},
            )
        )
        return
    tz = await cards.timezone_of(work.session, alert, context.runtime.settings.timezone)
    await cards.act(work.session, person, alert, action, work.now)
    messages: list[Message] = [answer(t.gettext(cards.SAVED))]
    messages += await cards.tell_assignee(work.session, alert, person, action)
    message = query.message
    if message is not None and getattr(message, "text", None):
        # The card pressed on, with the action among the others (no buttons once resolved).
        recipient = cards.Recipient(person, sender.chat_id)
        messages.append(
            await cards.card_edited(work.session, alert, recipient, message.message_id, tz=tz)
        )
    work.send(messages)


FOR_FAMILIES = N_(
    "Sorry, /tolong is for the families, to call their facilitator. "
    "Send /bantuan to see what you can do."
)


async def on_help_request(update: Update, context: KabarContext) -> None:
    """/tolong: a help alert to the facilitator now, whatever the schedule."""
    work = context.work
    # Only a family has a facilitator to call: from a partner, facilitator, coordinator or
    # staff member nothing is opened (it would be an alert about them on their chief's board).
    found = await registered_as(work, lambda person: person.role is Role.PARTICIPANT, FOR_FAMILIES)
    if found is None:
        return
    sender, person, t = found
    note = " ".join(context.args or []) or None
    alert = await ask_for_help(work.session, person.id, work.now, note)
    reply = t.gettext(HELP_ASKED if alert is not None else HELP_ALREADY)
    work.send([Outgoing(chat_id=sender.chat_id, text=reply, person_id=person.id)])
    if alert is not None:
        work.send(await cards.notify_opened(work.session, [alert]))
