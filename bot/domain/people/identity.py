"""Who is writing: the person linked to a Telegram user, and the language to answer in."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import Person, TelegramAccount
from bot.lib.i18n import resolve_locale
from bot.messaging.inbound import Sender


async def linked_person(session: AsyncSession, telegram_user_id: int) -> Person | None:
    result = await session.execute(
        select(Person)
        .join(TelegramAccount, TelegramAccount.person_id == Person.id)
        .where(TelegramAccount.telegram_user_id == telegram_user_id)
    )
    return result.scalar_one_or_none()


def language_of(person: Person | None, sender: Sender) -> str:
    """A registered person's chosen language; otherwise what their Telegram app says."""
    if person is not None and person.language:
        return resolve_locale(person.language)
    return resolve_locale(sender.language_code)
