"""What has been done about an alert, as lines of its card: each action, and each note a
facilitator added, typed (its words) or spoken (a line saying so; the card comes with it)."""

from __future__ import annotations

import re
from collections.abc import Mapping

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import AlertAction, Person
from bot.lib.i18n import N_, Translator

NOTE_LINE = N_("→ 📝 Note by {name}, {when}: “{note}”")
VOICE_NOTE = N_("🎤 voice note")
MEDIA_NOTE_LINE = N_("→ 🎤 Voice note by {name}, {when} (sent with the card)")
PHOTO_NOTE = N_("📷 photo")
PHOTO_NOTE_LINE = N_("→ 📷 Photo by {name}, {when} (sent with the card)")
WHEN = "d MMM HH:mm"
SHOWN = 10  # the latest actions; the card stays well within Telegram's 4,096 characters
NOTE_CLIP = 300
# The note flow stores a file without a caption as "[voice]" (bot/flows/engine.py).
_MEDIA_NOTE = re.compile(r"^\[(voice|video_note|audio)\]$")
_PHOTO_NOTE = "[photo]"  # a photo without a caption: the photo is the note


def is_media_note(note: str | None) -> bool:
    return note is not None and _MEDIA_NOTE.match(note) is not None


def note_text(note: str | None, t: Translator) -> str:
    """A note as the board shows it: its words, clipped, or "voice note"."""
    if is_media_note(note):
        return t.gettext(VOICE_NOTE)
    if note == _PHOTO_NOTE:
        return t.gettext(PHOTO_NOTE)
    text = note or ""
    return text if len(text) <= NOTE_CLIP else text[: NOTE_CLIP - 1] + "…"


async def action_lines(
    session: AsyncSession,
    alert_id: int,
    t: Translator,
    tz: str,
    *,
    labels: Mapping[str, str],
    done: str,
) -> list[str]:
    """The latest actions on the alert, oldest first, as the card shows them: `labels` and
    `done` are the card's own words for a button's action (bot/domain/alerts/cards.py)."""
    rows = (
        await session.execute(
            select(AlertAction, Person.name)
            .outerjoin(Person, Person.id == AlertAction.actor_id)
            .where(AlertAction.alert_id == alert_id)
            .order_by(AlertAction.id.desc())
            .limit(SHOWN)
        )
    ).all()
    lines: list[str] = []
    for action, name in reversed(rows):
        when = t.format_datetime(action.at, tz, WHEN)
        who = name or "—"
        if action.action == "note" and is_media_note(action.note):
            lines.append(t.gettext(MEDIA_NOTE_LINE).format(name=who, when=when))
        elif action.action == "note" and action.note == _PHOTO_NOTE:
            lines.append(t.gettext(PHOTO_NOTE_LINE).format(name=who, when=when))
        elif action.action == "note" and action.note:
            lines.append(
                t.gettext(NOTE_LINE).format(name=who, when=when, note=note_text(action.note, t))
            )
        elif action.action in labels:
            label = t.gettext(labels[action.action])
            lines.append(t.gettext(done).format(action=label, name=who, when=when))
    return lines
