"""A photo (or voice note, or file) no question asked for: kept, not refused.

Families send a picture of their goods whenever they like; "I did not understand" would
lose it. It is kept with their latest check-in's record, or in their file when they have
none yet, with its caption, for the facilitator to see.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import Attachment, FollowUpRecord, Person, Round
from bot.flows.events import Media
from bot.lib.i18n import N_, translator
from bot.messaging.messages import Outgoing

KEPT = N_("Thank you! Kabar has kept it for your facilitator (pendamping) to see.")
PURPOSE = "sent_unasked"


async def keep_unasked(
    session: AsyncSession,
    person: Person,
    media: Media,
    chat_id: int,
    now: datetime,
    *,
    round_id: int | None = None,
) -> list[Outgoing]:
    """Keep the file; with `round_id` (sent during that round's check-in) only that round's
    record may hold it, not an earlier one's."""
    latest = (
        select(FollowUpRecord.id)
        .join(Round, Round.id == FollowUpRecord.round_id)
        .where(FollowUpRecord.person_id == person.id)
        .order_by(Round.opened_at.desc(), Round.id.desc())
        .limit(1)
    )
    if round_id is not None:
        latest = latest.where(FollowUpRecord.round_id == round_id)
    record_id = await session.scalar(latest)
    session.add(
        Attachment(
            person_id=person.id,
            record_id=record_id,
            kind=media.kind,
            purpose=PURPOSE,
            telegram_file_id=media.file_id,
            telegram_file_unique_id=media.unique_id,
            caption=media.caption,
            size_bytes=media.size,
            created_at=now,
        )
    )
    t = translator(person.language)
    return [Outgoing(chat_id=chat_id, text=t.gettext(KEPT), person_id=person.id)]
