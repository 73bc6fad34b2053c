"""A person Telegram will not deliver to (blocked the bot, chat gone) is unreachable."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import ParticipantStatus, Person, TelegramAccount
from bot.domain.audit import audit


async def mark_unreachable(
    session: AsyncSession, *, chat_id: int, reason: str, now: datetime
) -> Person | None:
    account = (
        await session.execute(select(TelegramAccount).where(TelegramAccount.chat_id == chat_id))
    ).scalar_one_or_none()
    if account is None:
        return None
    if account.unreachable_at is None:
        account.unreachable_at = now
        account.unreachable_reason = reason[:200]
    person = await session.get(Person, account.person_id)
    if person is not None and person.status is not ParticipantStatus.UNREACHABLE:
        person.status = ParticipantStatus.UNREACHABLE
        person.updated_at = now
        audit(
            session,
            at=now,
            actor="system",
            action="person.unreachable",
            subject=person.id,
            details={"reason": reason[:200]},
        )
    return person
