"""What Kabar says to /start and /help, in the sender's language."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import Role
from bot.domain.people.identity import Sender, language_of, linked_person
from bot.lib.i18n import translator
from bot.messaging.messages import Outgoing
from conversations import welcome


async def start(session: AsyncSession, sender: Sender) -> list[Outgoing]:
    person = await linked_person(session, sender.telegram_user_id)
    t = translator(language_of(person, sender))
    if person is None:
        # Not registered: the phone-number button is the second way in, after the link.
        from bot.domain.people.registration import SHARE_CONTACT_HINT, contact_keyboard

        text = t.gettext(welcome.WELCOME_UNKNOWN) + "\n\n" + t.gettext(SHARE_CONTACT_HINT)
        return [Outgoing(chat_id=sender.chat_id, text=text, keyboard=contact_keyboard(t.locale))]
    text = t.gettext(welcome.WELCOME_BACK).format(name=person.name)
    return [Outgoing(chat_id=sender.chat_id, text=text, person_id=person.id)]


async def help_text(session: AsyncSession, sender: Sender) -> list[Outgoing]:
    person = await linked_person(session, sender.telegram_user_id)
    t = translator(language_of(person, sender))
    if person is None:
        text = t.gettext(welcome.HELP_UNKNOWN)
    elif person.role is Role.PARTICIPANT:
        text = t.gettext(welcome.HELP_PARTICIPANT)
    else:
        text = t.gettext(welcome.HELP_STAFF)
    return [Outgoing(chat_id=sender.chat_id, text=text, person_id=person.id if person else None)]


async def not_understood(session: AsyncSession, sender: Sender) -> list[Outgoing]:
    person = await linked_person(session, sender.telegram_user_id)
    t = translator(language_of(person, sender))
    return [
        Outgoing(
            chat_id=sender.chat_id,
            text=t.gettext(welcome.NOT_UNDERSTOOD),
            person_id=person.id if person else None,
        )
    ]
