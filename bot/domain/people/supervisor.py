"""Messages about a person to the person they report to (their facilitator)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import Person, TelegramAccount
from bot.lib.i18n import translator
from bot.messaging.messages import Outgoing


async def tell_supervisor(session: AsyncSession, person: Person, msgid: str) -> list[Outgoing]:
    """`msgid` may use {name}, {id}, {village}; nothing is sent if nobody can receive it."""
    if person.supervisor_id is None:
        return []
    supervisor = await session.get(Person, person.supervisor_id)
    if supervisor is None:
        return []
    account = (
        await session.execute(
            select(TelegramAccount).where(
                TelegramAccount.person_id == supervisor.id,
                TelegramAccount.unreachable_at.is_(None),
            )
        )
    ).scalar_one_or_none()
    if account is None:
        return []
    t = translator(supervisor.language)
    # A facilitator has no village: where they work is their district.
    where = person.village or person.district or "-"
    text = t.gettext(msgid).format(name=person.name, id=person.id, village=where)
    return [Outgoing(chat_id=account.chat_id, text=text, person_id=supervisor.id)]
