"""Who is writing: the person linked to a Telegram user, and the language to answer in."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import Person, TelegramAccount
from bot.lib.i18n import resolve_locale


@dataclass(frozen=True, slots=True)
class Sender:
    """The Telegram side of whoever sent an update, as the adapter saw it."""

    telegram_user_id: int
    chat_id: int
    first_name: str | None = None
    username: str | None = None
    language_code: str | None = None


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
