"""A person edits a message they sent: taken as their answer while it is still the one the
conversation is on, otherwise they are told that edits are not read and how to change an
answer. Telegram sends an edit as its own update; before, Kabar ignored it silently, and a
family who corrected "5" into "7" kept 5 stored without knowing."""

from __future__ import annotations

from bot.db.models import Person
from bot.dialogue import last_text
from bot.dialogue.binding import Turn
from bot.dialogue.runner import FlowRunner
from bot.domain.people.identity import language_of
from bot.flows.engine import Event, Text
from bot.flows.model import FIX_LABEL
from bot.lib.i18n import N_, translator
from bot.messaging.inbound import Sender
from bot.messaging.messages import Message, Outgoing

EDIT_TAKEN = N_("Kabar has taken your edited answer: “{answer}”.")
EDIT_NOT_READ = N_(
    "Kabar does not read edited messages, so that change was not taken. To change an answer "
    "of your check-in, tap “{change}” when Kabar shows your answers before you send them."
)
# A quoted answer is cut here: a long text need not come back whole.
QUOTE_AT = 60


async def take(
    runner: FlowRunner, turn: Turn | None, message_id: int, event: Event
) -> list[Message] | None:
    """The edit taken as the new answer, said first; None when it cannot be."""
    if turn is None or not isinstance(event, Text) or event.text.startswith("/"):
        return None
    conversation = turn.conversation
    if runner.binding(conversation).flow.version != conversation.flow_version:
        return None  # saved under another version of its flow: what it was no longer fits
    if not last_text.rewind(conversation, message_id):
        return None
    # As if the edited text had been sent instead of the first one.
    taken = await runner.handle(turn, event, message_id=message_id)
    t = translator(turn.person.language)
    answer = event.text if len(event.text) <= QUOTE_AT else event.text[: QUOTE_AT - 1] + "…"
    said = Outgoing(
        chat_id=turn.chat_id,
        text=t.gettext(EDIT_TAKEN).format(answer=answer),
        person_id=turn.person.id,
    )
    return [said, *taken]


def not_read(sender: Sender, person: Person | None) -> Outgoing:
    t = translator(language_of(person, sender))
    return Outgoing(
        chat_id=sender.chat_id,
        text=t.gettext(EDIT_NOT_READ).format(change=t.gettext(FIX_LABEL)),
        person_id=person.id if person else None,
    )
