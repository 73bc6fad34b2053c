"""The onboarding flow's binding: language and consent land on the person."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from bot.db.models import ParticipantStatus, Person, Role
from bot.dialogue.binding import Turn
from bot.domain.audit import audit
from bot.domain.people.menus import menu_call
from bot.flows.engine import Keep, Limits
from bot.lib.i18n import N_, translator
from bot.messaging.messages import Message, Outgoing
from conversations.onboarding import ONBOARDING

WELCOME_PARTICIPANT = N_(
    "Thank you, {name}! You are registered. From time to time Kabar will ask how your "
    "business is going; answering takes a minute. Send /bantuan whenever you need help."
)
WELCOME_STAFF = N_(
    "Thank you, {name}! You are registered as {role}. Send /bantuan to see what you can do."
)
NO_CONSENT = N_(
    "All right: Kabar will not send you messages. If you change your mind, send /mulai."
)
FACILITATOR_TOLD_NO_CONSENT = N_(
    "{name} ({id}, {village}) registered but did not agree to receive messages."
)
ROLE_NAMES = {
    Role.PARTICIPANT: N_("participant"),
    Role.FACILITATOR: N_("facilitator"),
    Role.COORDINATOR: N_("coordinator"),
    Role.STAFF: N_("programme staff"),
    Role.PARTNER: N_("buying partner (mitra)"),
}


async def asked_round(turn: Turn, welcome: Message) -> bool:
    """A family who agrees while their cohort's round is open is asked it now, under their
    welcome (written with it): the round opened without them, and they would otherwise
    wait a week for their first question."""
    from bot.dialogue.runner import FlowRunner
    from bot.domain.checkins.binding import CheckinBinding
    from bot.domain.checkins.take_up import ask_newcomer

    if turn.person.role is not Role.PARTICIPANT:
        return False
    runner = FlowRunner([CheckinBinding()])
    person, session = turn.person, turn.session
    return await ask_newcomer(session, runner, person, turn.chat_id, turn.now, [welcome])


class OnboardingBinding:
    flow = ONBOARDING

    async def unit(self, turn: Turn) -> str:
        return ""

    async def limits(self, turn: Turn) -> Limits:
        t = translator(turn.person.language)
        return Limits(locale=t.locale, translate=t.gettext)

    async def on_answers(self, turn: Turn, changed: dict[str, Any], kept: Sequence[Keep]) -> None:
        person = turn.person
        if changed.get("language"):
            person.language = changed["language"]
        if changed.get("consent") == "yes":
            person.consent_at = turn.now
            if person.status is ParticipantStatus.PAUSED:
                person.status = ParticipantStatus.ACTIVE
                person.paused_at = None
        elif changed.get("consent") == "no":
            person.consent_at = None
            person.status = ParticipantStatus.PAUSED
            person.paused_at = turn.now
        if "consent" in changed:
            audit(
                turn.session,
                at=turn.now,
                actor=person.id,
                action="person.consent",
                subject=person.id,
                details={"consent": changed["consent"]},
            )
        person.updated_at = turn.now

    async def on_finish(self, turn: Turn) -> Sequence[Message]:
        from bot.domain.people.supervisor import tell_supervisor

        person = turn.person
        t = translator(person.language)
        if person.consent_at is None:
            messages: list[Message] = [
                Outgoing(chat_id=turn.chat_id, text=t.gettext(NO_CONSENT), person_id=person.id)
            ]
            messages.extend(
                await tell_supervisor(turn.session, person, FACILITATOR_TOLD_NO_CONSENT)
            )
            return messages
        if person.role is Role.PARTICIPANT:
            text = t.gettext(WELCOME_PARTICIPANT).format(name=person.name)
        else:
            text = t.gettext(WELCOME_STAFF).format(
                name=person.name, role=t.gettext(ROLE_NAMES[person.role])
            )
        welcome = Outgoing(
            chat_id=turn.chat_id, text=text, person_id=person.id, remove_keyboard=True
        )
        menu = menu_call(turn.chat_id, person.role, person.language, person.id)
        return [menu] if await asked_round(turn, welcome) else [welcome, menu]

    async def on_cancel(self, turn: Turn) -> Sequence[Message]:
        return []

    async def on_restart(self, turn: Turn) -> None:
        return None


__all__ = ["OnboardingBinding", "Person"]
