"""Taking up a round again: after /batal, or a pause, the family may answer while it is open.

A round's check-in ends when the family cancels it; without this, /ulang and /mulai would
find nothing to answer until the next round, a dead end for a family who changed their mind.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import (
    Conversation,
    ConversationStatus,
    FollowUpRecord,
    ParticipantStatus,
    Person,
    Priority,
    RecordStatus,
    Role,
    Round,
)
from bot.dialogue.binding import Turn
from bot.dialogue.runner import FlowRunner
from bot.lib.i18n import N_, translator
from bot.messaging.messages import Message, Outgoing, lead_into
from bot.messaging.outbox import enqueue
from conversations.checkin import CHECKIN

TAKEN_UP = N_("The check-in is open again. Here is its first question:")
# To a family who registers while their cohort's round is open: it is theirs to answer too.
OPEN_FOR_NEWCOMER = N_("This round's check-in is open now. Here is its first question:")
# How far before its round's greetings a newcomer's question is due (see ask_newcomer).
AHEAD_OF_THE_ROUND = timedelta(seconds=1)


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
            # Held until commit (PostgreSQL): a round opening meanwhile closes this one
            # only after, and then ends the check-in started here and greets the family.
            .with_for_update(read=True)
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
    cancelled = await _conversation_in(session, round_, person)
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


async def ask_newcomer(
    session: AsyncSession,
    runner: FlowRunner,
    person: Person,
    chat_id: int,
    now: datetime,
    welcome: Sequence[Message],
) -> bool:
    """Write the open round's first question for a family who just agreed: the round
    opened without them, and they would have waited for the next one (a week or more).

    One message, the lead atop the question, in the check-ins' lane, due a moment before
    the round opened: that lane sends a chat's messages in (due, written) order, and any
    newer round's greeting is due from its opening on, later, even when its tick read the
    clock before this transaction did and committed after it. So the family never gets this
    older question after the newer round's greeting, its buttons dead. As a reply it could
    be overtaken: the lanes do not wait for each other (bot/messaging/sender.py). The
    `welcome` goes first in the same lane, for the same reason: as a reply it came after
    the question now and then. Due before the opening, not at it, because the lane takes
    the oldest due first and the round's own greetings are due at its opening: the family
    who just agreed is answered now, not after the greetings still queued (11 minutes of
    them for 20,000 families at 30 a second). False, nothing written, when there is
    nothing to ask."""
    round_ = await open_round_for(session, person)
    if round_ is None or await _conversation_in(session, round_, person) is not None:
        return False  # no round open, or already asked it
    t = translator(person.language)
    lead = Outgoing(chat_id=chat_id, text=t.gettext(OPEN_FOR_NEWCOMER), person_id=person.id)
    first = await runner.start(
        session, person=person, chat_id=chat_id, flow_name=CHECKIN.name, now=now, round_id=round_.id
    )
    asked = [*welcome, *lead_into([lead], first)]
    messages = [replace(m, priority=Priority.CHECKIN) for m in asked]
    ahead = round_.opened_at - AHEAD_OF_THE_ROUND
    await enqueue(session, messages, now=now, not_before=ahead, round_id=round_.id)
    return True


async def _conversation_in(
    session: AsyncSession, round_: Round, person: Person
) -> Conversation | None:
    """The family's conversation of the round: a family has one per round."""
    return (
        await session.execute(
            select(Conversation).where(
                Conversation.round_id == round_.id, Conversation.person_id == person.id
            )
        )
    ).scalar_one_or_none()
