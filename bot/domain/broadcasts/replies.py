"""A family's answer to a broadcast is not lost: kept, and passed to their facilitator.

Only a message sent while no check-in is open counts (an open check-in takes it as an
answer), and only within a week of a broadcast the family was sent.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import (
    BroadcastReply,
    OutboxMessage,
    OutboxStatus,
    Person,
    Priority,
    TelegramAccount,
)
from bot.lib.i18n import N_, translator
from bot.messaging.messages import Message, Outgoing, Photo

REPLY_WINDOW = timedelta(days=7)

FORWARDED = N_("💬 {name} ({village}) replied to an announcement:\n{text}")
FORWARDED_MEDIA = N_(
    "💬 {name} ({village}) replied to an announcement with a {kind}. Contact them to hear it."
)
THANKS = N_("Thank you. Your message has been passed to your facilitator (pendamping).")
KEPT = N_("Thank you. Kabar has kept your message for the programme team.")
KINDS = {
    "voice": N_("voice note"),
    "video_note": N_("video message"),
    "document": N_("file"),
    "photo": N_("photo"),
}


async def last_broadcast(session: AsyncSession, chat_id: int, now: datetime) -> int | None:
    """The broadcast last sent to the family's chat, if it was within the window.

    One still `sending` counts: the sender writes its outcomes a moment after Telegram took
    them (bot/messaging/sender.py), and a quick reply can come first."""
    went = func.coalesce(OutboxMessage.sent_at, OutboxMessage.claimed_at)
    found = await session.scalar(
        select(OutboxMessage.broadcast_id)
        .where(
            # By the chat's index: the broadcasts' index alone would walk every row of every
            # broadcast (370,000 for one to a province) for each reply.
            OutboxMessage.chat_id == chat_id,
            OutboxMessage.broadcast_id.is_not(None),
            OutboxMessage.status.in_((OutboxStatus.SENT, OutboxStatus.SENDING)),
            went >= now - REPLY_WINDOW,
        )
        .order_by(went.desc())
        .limit(1)
    )
    return found


async def take_reply(
    session: AsyncSession,
    family: Person,
    chat_id: int,
    *,
    now: datetime,
    text: str | None,
    media_kind: str | None = None,
    file_id: str | None = None,
) -> list[Message] | None:
    """The messages that pass a reply on and thank the family; None when it answers no
    broadcast (the caller answers as it would anyway)."""
    broadcast_id = await last_broadcast(session, chat_id, now)
    if broadcast_id is None:
        return None
    facilitator = (
        await session.execute(
            select(Person, TelegramAccount.chat_id)
            .join(TelegramAccount, TelegramAccount.person_id == Person.id)
            .where(Person.id == family.supervisor_id, TelegramAccount.unreachable_at.is_(None))
        )
    ).first()
    session.add(
        BroadcastReply(
            broadcast_id=broadcast_id,
            person_id=family.id,
            text=text,
            media_kind=media_kind,
            file_id=file_id,
            received_at=now,
            forwarded_to_id=facilitator[0].id if facilitator else None,
        )
    )
    text = (text or "")[:3500]  # room for the words around it, within Telegram's 4,096
    t = translator(family.language)
    if facilitator is None:
        return [Outgoing(chat_id=chat_id, text=t.gettext(KEPT), person_id=family.id)]
    person, facilitator_chat = facilitator
    ft = translator(person.language)
    village = family.village or "-"
    note: Message
    if media_kind == "photo" and file_id is not None:
        caption = ft.gettext(FORWARDED).format(name=family.name, village=village, text=text)
        note = Photo(chat_id=facilitator_chat, file_id=file_id, caption=caption[:1024])
    elif media_kind is not None:
        kind = ft.gettext(KINDS.get(media_kind, KINDS["document"]))
        note = Outgoing(
            chat_id=facilitator_chat,
            text=ft.gettext(FORWARDED_MEDIA).format(name=family.name, village=village, kind=kind),
        )
    else:
        note = Outgoing(
            chat_id=facilitator_chat,
            text=ft.gettext(FORWARDED).format(name=family.name, village=village, text=text),
        )
    note.person_id = person.id
    note.priority = Priority.CHECKIN
    return [note, Outgoing(chat_id=chat_id, text=t.gettext(THANKS), person_id=family.id)]
