"""What Kabar says to /start and /help, in the sender's language.

Each takes the person the sender is linked to (None: not registered), as the handler's
unit of work already knows it.
"""

from __future__ import annotations

from collections.abc import Callable

from bot.db.models import ParticipantStatus, Person, Role
from bot.domain.people.commands import Audience, menu
from bot.domain.people.identity import language_of
from bot.lib.i18n import Translator, translator
from bot.messaging.inbound import Sender
from bot.messaging.messages import Outgoing
from conversations import welcome
from conversations.onboarding import CONSENT, ONBOARDING

_READ_WHILE_PAUSED = frozenset({ONBOARDING.name, CONSENT.name})

# The shape of these answers: to the sender, knowing the person they are (None: not
# registered).
Reply = Callable[[Sender, Person | None], list[Outgoing]]


def start(sender: Sender, person: Person | None) -> list[Outgoing]:
    t = translator(language_of(person, sender))
    if person is None:
        # Not registered: the phone-number button is the second way in, after the link.
        from bot.domain.people.registration import SHARE_CONTACT_HINT, contact_keyboard

        text = t.gettext(welcome.WELCOME_UNKNOWN) + "\n\n" + t.gettext(SHARE_CONTACT_HINT)
        return [Outgoing(chat_id=sender.chat_id, text=text, keyboard=contact_keyboard(t.locale))]
    again = welcome.WELCOME_BACK if person.role is Role.PARTICIPANT else welcome.WELCOME_BACK_STAFF
    if is_paused_family(person):
        again = welcome.WELCOME_BACK_PAUSED  # not "Kabar will ask on schedule": it will not
    text = t.gettext(again).format(name=person.name)
    return [Outgoing(chat_id=sender.chat_id, text=text, person_id=person.id)]


def is_paused_family(person: Person) -> bool:
    """A family Kabar asks nothing until /mulai: they stopped messages, or declined at
    registration (still signing up is not paused)."""
    return person.role is Role.PARTICIPANT and person.status is ParticipantStatus.PAUSED


def reads_nothing_in(person: Person, flow: str) -> bool:
    """Whether `person`'s answer in `flow` is refused: a paused family's check-in waits for
    /mulai, and only signing up and the data notice (their way back) read what they send."""
    return is_paused_family(person) and flow not in _READ_WHILE_PAUSED


def closed_by_stopping(flow: str) -> bool:
    """/berhenti closes signing up and the data notice: they read answers while paused, so
    a later "iya" would otherwise agree to what the person walked away from."""
    return flow in _READ_WHILE_PAUSED


def phone_typed(sender: Sender, person: Person | None) -> list[Outgoing]:
    """Someone not registered typed their phone number: Kabar cannot trust a typed number,
    only one Telegram shares, so the button again."""
    from bot.domain.people.registration import PHONE_TYPED, contact_keyboard

    t = translator(language_of(person, sender))
    return [
        Outgoing(
            chat_id=sender.chat_id,
            text=t.gettext(PHONE_TYPED),
            keyboard=contact_keyboard(t.locale),
        )
    ]


def resuming(sender: Sender, person: Person, flow: str) -> list[Outgoing] | None:
    """/start in the middle of a check-in or of signing up: where they are (the question
    follows); nothing before the data notice shown again to a family who declined it (it
    says where they are, as /mulai shows it); None for any other flow, and for a paused
    family's check-in (it waits for /mulai: they are greeted as paused)."""
    if reads_nothing_in(person, flow):
        return None
    if flow == CONSENT.name:
        return []
    t = translator(language_of(person, sender))
    if flow == "checkin":
        text = t.gettext(welcome.START_IN_CHECKIN).format(name=person.name)
    elif flow == "onboarding":
        text = t.gettext(welcome.START_IN_ONBOARDING).format(name=person.name)
    else:
        return None
    return [Outgoing(chat_id=sender.chat_id, text=text, person_id=person.id)]


def help_text(sender: Sender, person: Person | None) -> list[Outgoing]:
    t = translator(language_of(person, sender))
    if person is None:
        text = t.gettext(welcome.HELP_UNKNOWN)
    elif person.role is Role.PARTICIPANT:
        text = _with_menu(t, welcome.HELP_PARTICIPANT, Audience.FAMILIES)
    elif person.role is Role.PARTNER:
        text = t.gettext(welcome.HELP_PARTNER)
    else:
        text = _with_menu(t, welcome.HELP_STAFF, Audience.of(person.role))
    return [Outgoing(chat_id=sender.chat_id, text=text, person_id=person.id if person else None)]


def _with_menu(t: Translator, intro: str, audience: Audience) -> str:
    """`intro`, then the audience's menu a command a line: help never lags behind the menu
    (/laporan, /stok and /siaran once did)."""
    lines = [t.gettext(intro)]
    lines += [
        t.gettext(welcome.HELP_COMMAND).format(command=c.name, description=t.gettext(c.description))
        for c in menu(audience)
    ]
    return "\n".join(lines)


def not_understood(sender: Sender, person: Person | None) -> list[Outgoing]:
    t = translator(language_of(person, sender))
    return [
        Outgoing(
            chat_id=sender.chat_id,
            text=t.gettext(welcome.NOT_UNDERSTOOD),
            person_id=person.id if person else None,
        )
    ]
