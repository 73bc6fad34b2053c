"""Taking up a round again: after /batal, or a pause, the family may answer while it is open.

A round's check-in ends when the family cancels it; without this, /ulang and /mulai would
find nothing to answer until the next round, a dead end for a family who changed their mind.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import (
    Conversation,
    ConversationStatus,
    FollowUpRecord,
    ParticipantStatus,
    Person,
    RecordStatus,
    Role,
    Round,
)
from bot.dialogue.binding import Turn
from bot.dialogue.runner import FlowRunner
from bot.lib.i18n import N_, translator
from bot.messaging.messages import Message, Outgoing
from conversations.checkin import CHECKIN

TAKEN_UP = N_("The check-in is open again. Here is its first question:")


async def open_round_for(session: AsyncSession, person: Person) -> Round | None:
    """The cohort's open round the family has not finished answering, if there is one."""
    if (
        person.role is not Role.PARTICIPANT
        or person.cohort_id is None
        or person.consent_at is None
        or person.status is ParticipantStatus.PAUSED
    ):
        return None
    round_ = (
        await session.execute(
            select(Round)
            .where(Round.cohort_id == person.cohort_id, Round.closed_at.is_(None))
            .order_by(Round.opened_at.desc(), Round.id.desc())
            .limit(1)
        )
    ).scalar_one_or_none()
    if round_ is None:
        return None
    answered = await session.scalar(
        select(FollowUpRecord.id).where(
            FollowUpRecord.round_id == round_.id,
            FollowUpRecord.person_id == person.id,
            FollowUpRecord.status == RecordStatus.ANSWERED,
        )
    )
    return None if answered is not None else round_


async def take_up(
    session: AsyncSession, runner: FlowRunner, person: Person, chat_id: int, now: datetime
) -> list[Message] | None:
    """The round's check-in once more from its first question, the earlier answers cleared
    as /ulang clears them; None when there is no open round to take up."""
    round_ = await open_round_for(session, person)
    if round_ is None:
        return None
    t = translator(person.language)
    lead = Outgoing(chat_id=chat_id, text=t.gettext(TAKEN_UP), person_id=person.id)
    # A family has one conversation per round: a cancelled one is opened again.
    cancelled = (
        await session.execute(
            select(Conversation).where(
                Conversation.round_id == round_.id, Conversation.person_id == person.id
            )
        )
    ).scalar_one_or_none()
    if cancelled is None:  # paused when the round opened
        first = await runner.start(
            session,
            person=person,
            chat_id=chat_id,
            flow_name=CHECKIN.name,
            now=now,
            round_id=round_.id,
        )
        return [lead, *first]
    cancelled.status = ConversationStatus.OPEN
    cancelled.finished_at = None
    return [lead, *await runner.restart(Turn(session, cancelled, person, chat_id, now))]
