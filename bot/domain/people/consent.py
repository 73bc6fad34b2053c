"""/mulai: a paused person receives messages again, and a family who declined the data
notice at registration is shown it again: only agreeing to it is consent."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import ParticipantStatus, Person
from bot.dialogue.binding import Turn
from bot.dialogue.runner import FlowRunner, open_conversation
from bot.domain.people.onboarding import NO_CONSENT, OnboardingBinding, asked_round
from bot.domain.people.preferences import NOT_PAUSED, welcome_back
from bot.lib.i18n import translator
from bot.messaging.messages import Message, Outgoing
from conversations.onboarding import CONSENT


async def resume(
    session: AsyncSession, person: Person, chat_id: int, now: datetime
) -> list[Message]:
    t = translator(person.language)
    if person.status is not ParticipantStatus.PAUSED:
        return [Outgoing(chat_id=chat_id, text=t.gettext(NOT_PAUSED), person_id=person.id)]
    if person.consent_at is None:
        # Declined the data notice at registration: asking for messages is not agreeing to
        # it. The notice again, with its choice; only "I agree" turns messages on.
        return await ask_consent(session, person, chat_id, now)
    return await welcome_back(session, person, chat_id, now)


class ConsentBinding(OnboardingBinding):
    """The data notice alone, for a family who declined it at registration and sent /mulai:
    agreeing turns their messages on as /mulai does after /berhenti; declining leaves them
    as they were."""

    flow = CONSENT

    async def on_finish(self, turn: Turn) -> Sequence[Message]:
        person = turn.person
        if person.consent_at is None:
            t = translator(person.language)
            return [Outgoing(chat_id=turn.chat_id, text=t.gettext(NO_CONSENT), person_id=person.id)]
        back = await welcome_back(turn.session, person, turn.chat_id, turn.now, with_menu=True)
        # The open round's question under "welcome back", as at registration.
        return back[1:] if await asked_round(turn, back[0]) else back


async def ask_consent(
    session: AsyncSession, person: Person, chat_id: int, now: datetime
) -> list[Message]:
    """The data notice with its choice (a notice already open: shown again)."""
    runner = FlowRunner([ConsentBinding()])
    open_ = await open_conversation(session, person.id)
    if open_ is not None and open_.flow == CONSENT.name:
        return await runner.again(Turn(session, open_, person, chat_id, now))
    return await runner.start(
        session, person=person, chat_id=chat_id, flow_name=CONSENT.name, now=now
    )
