"""A family's latest photo and voice note, sent again by Telegram file id to whoever looks
at the family (an alert card, /peserta NAME), with a caption saying whose and when."""

from __future__ import annotations

from sqlalchemy import ScalarSelect, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import Attachment, Cohort, Person, Priority
from bot.lib.i18n import N_, Translator
from bot.messaging.messages import Message, Photo, Voice

LATEST_PHOTO = N_("Latest photo from {name}, {date}")
LATEST_VOICE = N_("Latest voice note from {name}, {date}")
ALERT_VOICE = N_("Voice note on the alert about {name}, from {author}, {date}")
ALERT_PHOTO = N_("Photo on the alert about {name}, from {author}, {date}")
WHEN = "d MMM y HH:mm"
CAPTION_LIMIT = 1024  # Telegram's


async def timezone_of_family(session: AsyncSession, family: Person, default: str) -> str:
    """Times about a family are shown in their cohort's time zone."""
    cohort = await session.get(Cohort, family.cohort_id) if family.cohort_id else None
    return cohort.timezone if cohort else default


def _latest_id(person_id: str, kind: str) -> ScalarSelect[int]:
    return (
        select(Attachment.id)
        .where(Attachment.person_id == person_id, Attachment.kind == kind)
        .order_by(Attachment.created_at.desc(), Attachment.id.desc())
        .limit(1)
        .scalar_subquery()
    )


async def latest_of(session: AsyncSession, person_id: str) -> dict[str, Attachment]:
    """The newest photo and voice note the person sent themselves, by kind: one statement
    (a card is made for each alert of a round)."""
    rows = await session.execute(
        select(Attachment).where(
            Attachment.id.in_([_latest_id(person_id, "photo"), _latest_id(person_id, "voice")])
        )
    )
    return {attachment.kind: attachment for attachment in rows.scalars()}


async def family_media(
    session: AsyncSession,
    family: Person,
    *,
    chat_id: int,
    viewer_id: str,
    t: Translator,
    tz: str,
    priority: int = Priority.REPLY,
) -> list[Message]:
    """The family's latest photo (with what they wrote under it) and latest voice note."""
    latest = await latest_of(session, family.id)
    messages: list[Message] = []
    for kind, label, resend in (("photo", LATEST_PHOTO, Photo), ("voice", LATEST_VOICE, Voice)):
        attachment = latest.get(kind)
        if attachment is None:
            continue
        caption = t.gettext(label).format(
            name=family.name, date=t.format_datetime(attachment.created_at, tz, WHEN)
        )
        if kind == "photo" and attachment.caption:  # what the family wrote under it
            caption += "\n“" + attachment.caption + "”"
        messages.append(_sent_again(resend, attachment, caption, chat_id, viewer_id, priority))
    return messages


def _sent_again(
    resend: type[Photo] | type[Voice],
    attachment: Attachment,
    caption: str,
    chat_id: int,
    viewer_id: str,
    priority: int,
) -> Message:
    """The file again, by its Telegram file id, under `caption`."""
    return resend(
        chat_id=chat_id,
        file_id=attachment.telegram_file_id,
        caption=caption[:CAPTION_LIMIT],
        person_id=viewer_id,
        priority=priority,
    )


async def alert_notes_media(
    session: AsyncSession,
    alert_id: int,
    family: Person,
    *,
    chat_id: int,
    viewer_id: str,
    t: Translator,
    tz: str,
    priority: int = Priority.REPLY,
) -> list[Message]:
    """The latest voice note and photo a facilitator left on the alert, to be heard and
    seen with its card."""
    # One read for both kinds: an alert holds a few notes, not thousands.
    latest: dict[str, tuple[Attachment, str]] = {}
    for attachment, author in await session.execute(
        select(Attachment, Person.name)
        .join(Person, Person.id == Attachment.person_id)
        .where(Attachment.alert_id == alert_id, Attachment.kind.in_(("voice", "photo")))
        .order_by(Attachment.created_at.desc(), Attachment.id.desc())
    ):
        latest.setdefault(attachment.kind, (attachment, author))
    messages: list[Message] = []
    for kind, label, resend in (("voice", ALERT_VOICE, Voice), ("photo", ALERT_PHOTO, Photo)):
        if kind not in latest:
            continue
        attachment, author = latest[kind]
        caption = t.gettext(label).format(
            name=family.name,
            author=author,
            date=t.format_datetime(attachment.created_at, tz, WHEN),
        )
        messages.append(_sent_again(resend, attachment, caption, chat_id, viewer_id, priority))
    return messages
