"""Opening and closing rounds.

Opening starts one check-in conversation, its greeting atop its first question, per
active, registered participant, in the same transaction as the round itself, in bulk
(`FlowRunner.start_many`): a regency's 20,000 families (or a province's 370,000) must not
take minutes. Closing turns the unanswered into `missed` records.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import (
    Cohort,
    Conversation,
    ConversationStatus,
    FollowUpRecord,
    ParticipantStatus,
    Person,
    Priority,
    RecordStatus,
    Role,
    Round,
    TelegramAccount,
)
from bot.db.models.base import table_of
from bot.db.person_locks import hold_off_erasures
from bot.dialogue.runner import FlowRunner
from bot.dialogue.starters import Starter
from bot.domain.checkins.binding import CheckinBinding
from bot.domain.cohorts import cohort_quiet_hours, next_round_at
from bot.lib.collector import collector_held
from bot.lib.i18n import N_, translator
from bot.lib.scheduling.errors import ScheduleError
from bot.lib.scheduling.quiet import next_allowed
from bot.messaging.messages import Outgoing
from conversations.checkin import CHECKIN

GREETING = N_("Hello, {name}! It is time for Kabar's check-in: how is your business going?")
BATCH = 5_000


@dataclass(frozen=True, slots=True)
class Opened:
    round_id: int
    participants: int
    closed_rounds: int


def closes_at(cohort: Cohort, opened: datetime) -> datetime:
    """By default a round closes when the next one opens, or after close_after_days."""
    latest = opened + timedelta(days=cohort.close_after_days)
    try:
        return min(latest, next_round_at(cohort, opened))
    except ScheduleError:
        return latest


async def open_round(
    session: AsyncSession,
    cohort: Cohort,
    *,
    now: datetime,
    scheduled_for: datetime | None = None,
    kind: str = "manual",
    runner: FlowRunner | None = None,
) -> Opened:
    # Before anything is read or locked: no erasure commits until this one does, so none of
    # the people read below is erased under their conversation and greeting, which no key
    # checks. One lock, not 100,000 rows locked (bot/db/person_locks.py); an erasure waits
    # for the opening, seconds, and an opening for an erasure.
    await hold_off_erasures(session)
    closed = await close_open_rounds(session, cohort.id, now=now)
    await end_check_ins(session, cohort.id, now=now)
    round_ = Round(
        cohort_id=cohort.id,
        kind=kind,
        scheduled_for=scheduled_for or now,
        opened_at=now,
        closes_at=closes_at(cohort, now),
    )
    session.add(round_)
    await session.flush()
    # Quiet hours: the round opens now, its messages wait for the morning.
    send_from = next_allowed(now, cohort.timezone, cohort_quiet_hours(cohort))
    # No collections while a round's rows and messages are made (bot/lib/collector.py).
    with collector_held():
        participants = await _start_check_ins(session, cohort, round_, send_from, runner, now)
    return Opened(round_id=round_.id, participants=participants, closed_rounds=closed)


async def _start_check_ins(
    session: AsyncSession,
    cohort: Cohort,
    round_: Round,
    send_from: datetime,
    runner: FlowRunner | None,
    now: datetime,
) -> int:
    """Each active, registered participant's check-in, greeting first; how many."""
    rows = (
        await session.execute(
            select(Person.id, Person.name, Person.language, TelegramAccount.chat_id)
            .join(TelegramAccount, TelegramAccount.person_id == Person.id)
            .where(
                Person.cohort_id == cohort.id,
                Person.role == Role.PARTICIPANT,
                Person.consent_at.is_not(None),
                Person.status.not_in([ParticipantStatus.PAUSED, ParticipantStatus.UNREACHABLE]),
                TelegramAccount.unreachable_at.is_(None),
            )
            .order_by(Person.id)
        )
    ).all()
    runner = runner or FlowRunner([CheckinBinding()])
    greetings: dict[str | None, str] = {}
    # Read once, not per family: a mapped attribute and an enum member cost a lookup each.
    cohort_id, priority = cohort.id, Priority.CHECKIN

    def greeted() -> Iterator[Starter]:
        # Made as start_many reads them, a batch at a time (see its docstring).
        for person_id, name, language, chat_id in rows:
            if language not in greetings:
                greetings[language] = translator(language).gettext(GREETING)
            text = greetings[language].format(name=name)
            hello = Outgoing(chat_id, text, person_id=person_id, priority=priority)
            yield Starter(person_id, chat_id, language, cohort_id, (hello,))

    await runner.start_many(
        session,
        greeted(),
        flow_name=CHECKIN.name,
        now=now,
        round_id=round_.id,
        priority=Priority.CHECKIN,
        not_before=send_from,
    )
    return len(rows)


async def close_open_rounds(session: AsyncSession, cohort_id: int, *, now: datetime) -> int:
    rounds = (
        (
            await session.execute(
                select(Round).where(Round.cohort_id == cohort_id, Round.closed_at.is_(None))
            )
        )
        .scalars()
        .all()
    )
    for round_ in rounds:
        await close_round(session, round_, now=now)
    return len(rounds)


async def end_check_ins(session: AsyncSession, cohort_id: int, *, now: datetime) -> None:
    """A new round replaces the old one's unfinished check-ins: they can no longer be answered."""
    earlier = select(Round.id).where(Round.cohort_id == cohort_id)
    await session.execute(
        update(Conversation)
        .where(
            Conversation.round_id.in_(earlier),
            Conversation.status == ConversationStatus.OPEN,
        )
        .values(status=ConversationStatus.CLOSED, finished_at=now, updated_at=now)
        .execution_options(synchronize_session=False)
    )


async def close_round(session: AsyncSession, round_: Round, *, now: datetime) -> None:
    """Close the round: who has not answered gets a `missed` record.

    Their check-in stays open until the next round opens: an answer that still comes is
    taken (the record becomes answered) and flagged late.
    """
    round_.closed_at = now
    answered = select(FollowUpRecord.person_id).where(FollowUpRecord.round_id == round_.id)
    unanswered = (
        await session.execute(
            select(Conversation.person_id, Conversation.id).where(
                Conversation.round_id == round_.id,
                Conversation.flow == CHECKIN.name,
                Conversation.person_id.not_in(answered),
            )
        )
    ).all()
    cohort = await session.get(Cohort, round_.cohort_id)
    missed: list[dict[str, Any]] = [
        {
            "round_id": round_.id,
            "person_id": person_id,
            "conversation_id": conversation_id,
            "status": RecordStatus.MISSED,
            "unit": cohort.unit if cohort else None,
            "problems": [],
            "needs_help": False,
            "late": False,
            "created_at": now,
            "updated_at": now,
        }
        for person_id, conversation_id in unanswered
    ]
    for start in range(0, len(missed), BATCH):
        await session.execute(insert(table_of(FollowUpRecord)), missed[start : start + BATCH])
