"""/peserta and /peringatan: facilitators and coordinators look up their families and alerts."""

from __future__ import annotations

from telegram import Update

from bot.db.models import Person, Role
from bot.domain.facilitators import board, views
from bot.domain.facilitators.scope import is_facilitator_side
from bot.domain.media.shown import family_media, timezone_of_family
from bot.lib import callback_data
from bot.lib.i18n import N_, Translator
from bot.messaging.messages import Outgoing
from bot.tg.context import KabarContext
from bot.tg.handlers.origin import button_press, registered_as

FOR_FACILITATORS = N_(
    "Sorry, this command is for facilitators (pendamping) and coordinators. "
    "Send /bantuan to see what you can do."
)


async def facilitator_side(context: KabarContext) -> tuple[Person, Translator, int] | None:
    """The registered facilitator-side person asking; everyone else is answered here."""
    found = await registered_as(context.work, is_facilitator_side, FOR_FACILITATORS)
    if found is None:
        return None
    sender, person, t = found
    return person, t, sender.chat_id


async def on_families(update: Update, context: KabarContext) -> None:
    """/peserta: the paged list; /peserta <name or id>: one family's history."""
    viewer = await facilitator_side(context)
    if viewer is None:
        return
    person, t, chat_id = viewer
    session = context.work.session
    query = " ".join(context.args or []).strip()
    if query:
        found = await views.family_lookup(session, person, t, query)
        context.work.send([Outgoing(chat_id=chat_id, text=found.text, person_id=person.id)])
        if found.family is not None:
            # Their latest photo and voice note, to be seen and heard here.
            tz = await timezone_of_family(session, found.family, context.runtime.settings.timezone)
            context.work.send(
                await family_media(
                    session, found.family, chat_id=chat_id, viewer_id=person.id, t=t, tz=tz
                )
            )
        return
    page = await views.family_page(session, person, t, 1)
    context.work.send(
        [Outgoing(chat_id=chat_id, text=page.text, buttons=page.buttons, person_id=person.id)]
    )


async def _alerts(context: KabarContext, person: Person, t: Translator, number: int) -> views.Page:
    """A facilitator's own open alerts; for staff and coordinators the board of their scope."""
    work = context.work
    if person.role is Role.FACILITATOR:
        return await views.alert_page(work.session, person, t, number)
    tz = context.runtime.settings.timezone
    return await board.board_page(work.session, person, t, number, work.now, tz)


async def on_alerts(update: Update, context: KabarContext) -> None:
    """/peringatan: a facilitator's open alerts, the alert board for staff and coordinators."""
    viewer = await facilitator_side(context)
    if viewer is None:
        return
    person, t, chat_id = viewer
    page = await _alerts(context, person, t, 1)
    context.work.send(
        [Outgoing(chat_id=chat_id, text=page.text, buttons=page.buttons, person_id=person.id)]
    )


async def on_page_button(update: Update, context: KabarContext) -> None:
    """‹ ›: the page is recomputed for whoever pressed, whatever the button's data says."""
    work = context.work
    press = await button_press(update, work)
    if press is None:
        return
    query, sender = press.query, press.sender
    person, t, answer = press.person, press.t, press.answer
    parsed = callback_data.page(query.data)
    if parsed is None or person is None or not is_facilitator_side(person):
        if person is not None and parsed is not None:
            press.record_forged(work.session, work.now, person.id)
        work.send([answer(t.gettext(FOR_FACILITATORS))])
        return
    prefix, number = parsed.prefix, parsed.page
    if prefix == views.FAMILY_PAGE:
        page = await views.family_page(work.session, person, t, number)
    else:
        page = await _alerts(context, person, t, number)
    message = query.message
    work.send(
        [
            answer(),
            Outgoing(
                chat_id=sender.chat_id,
                text=page.text,
                buttons=page.buttons,
                person_id=person.id,
                # Edit the list in place; a button without its message gets a new one.
            ).editing(message.message_id if message is not None else None),
        ]
    )
