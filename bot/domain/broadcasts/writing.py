"""What a person types into their /siaran draft: the text or photo, a time, another
language's text. Each is checked before the draft changes; a refusal is one line."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import Broadcast, BroadcastStatus, Person
from bot.domain.broadcasts import audience as audiences
from bot.domain.broadcasts import lifecycle, screens
from bot.domain.broadcasts.compose import check_text
from bot.domain.broadcasts.drafts import (
    AT,
    PREVIEW,
    TEXT,
    TEXT_IN,
    Desk,
    create_from,
    in_language,
    may_broadcast,
    plan_draft,
    show_preview,
)
from bot.domain.broadcasts.errors import BroadcastError
from bot.flows.events import Event, Media, Text
from bot.lib.i18n import N_
from bot.lib.scheduling.schedule import MSG_EMPTY, MSG_UNREADABLE
from bot.messaging.messages import Edit, Message

TEXT_OR_PHOTO = N_("Please write the announcement as text, or send a photo with a caption.")
TEXT_ONLY = N_("Please write this language's text as a message; the photo stays the same.")
WHEN_AS_TEXT = N_("Please write the date and time as a message, like 2026-12-03 08:00.")
WHEN_UNREADABLE = N_(
    "Cannot read “{value}”: write a date and time like 2026-12-03 08:00, or a repeat like "
    "“mon 08:00” or “monthly first mon 08:00”."
)


async def waiting(session: AsyncSession, person: Person) -> Broadcast | None:
    """The person's draft when it waits for something typed (a text, a photo, a time)."""
    if not may_broadcast(person):
        return None
    draft = await session.scalar(
        select(Broadcast).where(
            Broadcast.created_by_id == person.id, Broadcast.status == BroadcastStatus.DRAFT
        )
    )
    # At the preview, a text typed again replaces the one shown (it was "not understood").
    if draft is None or not (draft.step in (TEXT, PREVIEW, AT) or in_language(draft)):
        return None
    return draft


async def take(desk: Desk, draft: Broadcast, event: Event) -> list[Message]:
    """What was typed or sent, for the step the draft waits at; bad input changes nothing."""
    try:
        if draft.step == AT:
            if not isinstance(event, Text):
                return desk.line(WHEN_AS_TEXT)
            return await _schedule(desk, draft, event.text)
        if in_language(draft):
            if not isinstance(event, Text):
                return desk.line(TEXT_ONLY)
            code = (draft.step or "")[len(TEXT_IN) :]
            longest = await _longest(desk, draft)
            photo = draft.photo_file_id is not None
            checked = check_text(event.text, photo=photo, longest_name=longest)
            planned = await plan_draft(desk, draft)
            draft.texts = {**draft.texts, code: checked}
            return await show_preview(desk, draft, planned, code)
        if isinstance(event, Text):
            # A new text for a photo already previewed is its new caption.
            text, photo_id = event.text, draft.photo_file_id if draft.step == PREVIEW else None
        elif isinstance(event, Media) and event.kind == "photo":
            text, photo_id = event.caption or "", event.file_id
        else:
            return desk.line(TEXT_OR_PHOTO)
        planned = await plan_draft(desk, draft, text=text, photo_file_id=photo_id)
        draft.text, draft.photo_file_id = text.strip(), photo_id
        return await show_preview(desk, draft, planned, None)
    except BroadcastError as error:
        return desk.refusal(error)


async def _longest(desk: Desk, draft: Broadcast) -> int:
    audience = audiences.parse_audience(draft.audience)
    return await audiences.longest_name(desk.session, audience, desk.person)


async def _schedule(desk: Desk, draft: Broadcast, typed: str) -> list[Message]:
    """A date and time once, or a repeat; the past and the unreadable are refused."""
    value = typed.strip()
    send_at: datetime | None = None
    repeat = None
    if value[:4].isdigit():
        send_at = lifecycle.parse_at(value, draft.timezone, now=desk.now)
    else:
        try:
            repeat = lifecycle.parse_repeat(value)
        except BroadcastError as error:
            # Without a time in it, it was no attempt at a schedule: say what is read.
            if error.msgid in (MSG_UNREADABLE, MSG_EMPTY) or not any(c.isdigit() for c in value):
                raise BroadcastError(WHEN_UNREADABLE, value=value) from None
            raise
        if repeat is None:
            raise BroadcastError(WHEN_UNREADABLE, value=value)
    planned = await plan_draft(desk, draft, send_at=send_at, repeat=repeat)
    chat, message_id = draft.progress_chat_id, draft.progress_message_id
    progress = (chat, message_id) if chat is not None and message_id is not None else None
    made = await create_from(desk, draft, planned, progress, repeat)
    text = screens.scheduled(made, planned, desk.t)
    buttons = screens.cancel_button(made.id, desk.t)
    if progress is None:
        return [desk.say(text, buttons)]
    return [
        Edit(progress[0], progress[1], text, buttons, person_id=desk.person.id),
        desk.say(text),
    ]
