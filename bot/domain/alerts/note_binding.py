"""The alert-note flow's binding: the note becomes an action on the alert."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from bot.db.models import Alert, AlertAction, Attachment
from bot.dialogue.binding import Turn
from bot.domain.alerts.cards import Recipient, audit_action, card_edited, tell_assignee
from bot.flows.engine import Keep, Limits
from bot.lib.i18n import N_, translator
from bot.messaging.messages import Message, Outgoing
from conversations.alert_note import ALERT_NOTE

NOTE_SAVED = N_("Note saved.")
NOTE_CANCELLED = N_("Note cancelled: nothing was saved.")


class AlertNoteBinding:
    flow = ALERT_NOTE

    @staticmethod
    def _alert_id(turn: Turn) -> int:
        return int(turn.conversation.state.get("context", {}).get("alert_id", 0))

    async def unit(self, turn: Turn) -> str:
        return ""

    async def limits(self, turn: Turn) -> Limits:
        t = translator(turn.person.language)
        return Limits(locale=t.locale, translate=t.gettext)

    async def on_answers(self, turn: Turn, changed: dict[str, Any], kept: Sequence[Keep]) -> None:
        alert = await turn.session.get(Alert, self._alert_id(turn))
        if alert is None or "note" not in changed:
            return
        turn.session.add(
            AlertAction(
                alert_id=alert.id,
                actor_id=turn.person.id,
                action="note",
                note=changed["note"],
                at=turn.now,
            )
        )
        audit_action(turn.session, turn.person.id, alert, "note", turn.now)
        for keep in kept:  # a voice note is kept as an attachment of the alert
            turn.session.add(
                Attachment(
                    person_id=turn.person.id,
                    alert_id=alert.id,
                    kind=keep.media.kind,
                    purpose="alert_note",
                    telegram_file_id=keep.media.file_id,
                    telegram_file_unique_id=keep.media.unique_id,
                    size_bytes=keep.media.size,
                    created_at=turn.now,
                )
            )

    async def on_finish(self, turn: Turn) -> Sequence[Message]:
        t = translator(turn.person.language)
        saved = Outgoing(chat_id=turn.chat_id, text=t.gettext(NOTE_SAVED), person_id=turn.person.id)
        alert = await turn.session.get(Alert, self._alert_id(turn))
        if alert is None:
            return [saved]
        messages: list[Message] = [saved]
        card_id = turn.conversation.state.get("context", {}).get("card")
        if isinstance(card_id, int):
            # The note on the card it was added from, after "Note saved".
            recipient = Recipient(turn.person, turn.chat_id)
            messages.append(await card_edited(turn.session, alert, recipient, card_id))
        return [*messages, *await tell_assignee(turn.session, alert, turn.person, "note")]

    async def on_cancel(self, turn: Turn) -> Sequence[Message]:
        t = translator(turn.person.language)
        text = t.gettext(NOTE_CANCELLED)
        return [Outgoing(chat_id=turn.chat_id, text=text, person_id=turn.person.id)]

    async def on_restart(self, turn: Turn) -> None:
        return None
