"""/berhenti, /mulai and /dataku: a person controls their messages and sees their data."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import (
    Attachment,
    Cohort,
    FollowUpRecord,
    ParticipantStatus,
    Person,
    Role,
)
from bot.domain.audit import audit
from bot.domain.people.menus import menu_call
from bot.domain.people.supervisor import tell_supervisor
from bot.lib.config import DEFAULT_TIMEZONE
from bot.lib.i18n import LOCALE_NAMES, N_, translator
from bot.messaging.messages import Message, Outgoing

PAUSED = N_(
    "Kabar will not send you messages any more. Your facilitator (pendamping) has been "
    "told. Send /mulai whenever you want to receive them again."
)
PAUSED_NOBODY_TOLD = N_(
    "Kabar will not send you messages any more. Send /mulai whenever you want to receive "
    "them again."
)
PAUSED_TOLD = N_(
    "Kabar will not send you messages any more. {name} has been told. Send /mulai whenever "
    "you want to receive them again."
)
ALREADY_PAUSED = N_("Messages are already stopped. Send /mulai to receive them again.")
RESUMED = N_("Welcome back! Kabar will send you check-ins again.")
# Kabar asks facilitators, coordinators, staff and partners no check-in.
RESUMED_STAFF = N_("Welcome back! Kabar will send you messages again.")
NOT_PAUSED = N_("Your messages are on; there is nothing to resume.")
TELL_FACILITATOR_PAUSED = N_("{name} ({id}, {village}) stopped receiving messages from Kabar.")
TELL_FACILITATOR_RESUMED = N_("{name} ({id}, {village}) receives messages from Kabar again.")
MY_DATA = N_(
    "What Kabar holds about you:\n"
    "• Name: {name}\n"
    "• ID: {id}\n"
    "• Phone: {phone}\n"
    "• Village: {village}, {district}\n"
    "• Cohort: {cohort}\n"
    "• Facilitator: {facilitator}\n"
    "• Language: {language}\n"
    "• Agreed to data use on: {consent}\n"
    "• Messages: {messages}\n"
    "• Check-in answers stored: {records}\n"
    "• Photos and voice notes: {attachments}\n\n"
    "To correct anything, contact your facilitator. Send /berhenti to stop messages."
)
# A facilitator, coordinator, staff member or partner: no village, cohort or check-ins,
# and the one they report to is not their "facilitator".
MY_DATA_STAFF = N_(
    "What Kabar holds about you:\n"
    "• Name: {name}\n"
    "• ID: {id}\n"
    "• Phone: {phone}\n"
    "• Role: {role}\n"
    "• District: {district}\n"
    "• Reports to: {supervisor}\n"
    "• Language: {language}\n"
    "• Agreed to data use on: {consent}\n"
    "• Messages: {messages}\n\n"
    "To correct anything, contact the programme staff. Send /berhenti to stop messages."
)
MESSAGES_ON = N_("on")
MESSAGES_OFF = N_("stopped")
UNKNOWN = N_("—")


async def pause(
    session: AsyncSession, person: Person, chat_id: int, now: datetime
) -> list[Outgoing]:
    t = translator(person.language)
    if person.status is ParticipantStatus.PAUSED:
        return [Outgoing(chat_id=chat_id, text=t.gettext(ALREADY_PAUSED), person_id=person.id)]
    person.status = ParticipantStatus.PAUSED
    person.paused_at = now
    person.updated_at = now
    audit(session, at=now, actor=person.id, action="person.paused", subject=person.id)
    told = await tell_supervisor(session, person, TELL_FACILITATOR_PAUSED)
    # Only say the facilitator knows when a message to them was actually written.
    text = t.gettext(PAUSED if told else PAUSED_NOBODY_TOLD)
    if told and person.role is not Role.PARTICIPANT and person.supervisor_id:
        # A facilitator's coordinator, a coordinator's staff member: not "your facilitator".
        chief = await session.get(Person, person.supervisor_id)
        text = t.gettext(PAUSED_TOLD).format(name=chief.name if chief else "—")
    return [Outgoing(chat_id=chat_id, text=text, person_id=person.id), *told]


async def welcome_back(
    session: AsyncSession, person: Person, chat_id: int, now: datetime, *, with_menu: bool = False
) -> list[Message]:
    """A paused person who agreed to the data notice receives messages again: told so
    first, then their menu (`with_menu`), then their facilitator is told."""
    t = translator(person.language)
    person.status = ParticipantStatus.ACTIVE
    person.paused_at = None
    resumed = RESUMED if person.role is Role.PARTICIPANT else RESUMED_STAFF
    messages: list[Message] = [
        Outgoing(chat_id=chat_id, text=t.gettext(resumed), person_id=person.id)
    ]
    if with_menu:
        # Who declined at registration never got their command menu; they get it now.
        messages.append(menu_call(chat_id, person.role, person.language, person.id))
    person.updated_at = now
    audit(session, at=now, actor=person.id, action="person.resumed", subject=person.id)
    messages.extend(await tell_supervisor(session, person, TELL_FACILITATOR_RESUMED))
    return messages


async def my_data(session: AsyncSession, person: Person, chat_id: int) -> list[Outgoing]:
    t = translator(person.language)
    cohort = await session.get(Cohort, person.cohort_id) if person.cohort_id else None
    supervisor = await session.get(Person, person.supervisor_id) if person.supervisor_id else None
    records = await session.scalar(
        select(func.count())
        .select_from(FollowUpRecord)
        .where(FollowUpRecord.person_id == person.id)
    )
    attachments = await session.scalar(
        select(func.count()).select_from(Attachment).where(Attachment.person_id == person.id)
    )
    dash = t.gettext(UNKNOWN)
    consent = (
        t.format_date(person.consent_at, tz=cohort.timezone if cohort else DEFAULT_TIMEZONE)
        if person.consent_at
        else dash
    )
    messages = t.gettext(MESSAGES_OFF if person.status is ParticipantStatus.PAUSED else MESSAGES_ON)
    language = LOCALE_NAMES.get(t.locale, t.locale)
    if person.role is not Role.PARTICIPANT:
        from bot.domain.people.onboarding import ROLE_NAMES

        text = t.gettext(MY_DATA_STAFF).format(
            name=person.name,
            id=person.id,
            phone=person.phone or dash,
            role=t.gettext(ROLE_NAMES[person.role]),
            district=person.district or dash,
            supervisor=supervisor.name if supervisor else dash,
            language=language,
            consent=consent,
            messages=messages,
        )
        return [Outgoing(chat_id=chat_id, text=text, person_id=person.id)]
    text = t.gettext(MY_DATA).format(
        name=person.name,
        id=person.id,
        phone=person.phone or dash,
        village=person.village or dash,
        district=person.district or dash,
        cohort=cohort.name if cohort else dash,
        facilitator=supervisor.name if supervisor else dash,
        language=language,
        consent=consent,
        messages=messages,
        records=t.format_number(records or 0),
        attachments=t.format_number(attachments or 0),
    )
    return [Outgoing(chat_id=chat_id, text=text, person_id=person.id)]
