"""The command menu each role sees in Telegram, set for that one chat."""

from __future__ import annotations

from bot.db.models import Role
from bot.lib.i18n import N_, translator
from bot.messaging.messages import CommandMenu

PARTICIPANT_COMMANDS: tuple[tuple[str, str], ...] = (
    ("bantuan", N_("help")),
    ("dataku", N_("what Kabar knows about me")),
    ("berhenti", N_("stop messages")),
    ("mulai", N_("receive messages again")),
    ("batal", N_("cancel the check-in")),
    ("ulang", N_("start the check-in again")),
)
# Facilitators, coordinators and staff: their families and alerts first, then their own data.
STAFF_COMMANDS: tuple[tuple[str, str], ...] = (
    ("peserta", N_("my families and their status")),
    ("peringatan", N_("open alerts for me")),
    ("bantuan", N_("help")),
    ("dataku", N_("what Kabar knows about me")),
    ("berhenti", N_("stop messages")),
    ("mulai", N_("receive messages again")),
)


def commands_for(role: Role) -> tuple[tuple[str, str], ...]:
    return PARTICIPANT_COMMANDS if role is Role.PARTICIPANT else STAFF_COMMANDS


def menu_call(chat_id: int, role: Role, language: str | None, person_id: str) -> CommandMenu:
    t = translator(language)
    return CommandMenu(
        chat_id=chat_id,
        commands=tuple((name, t.gettext(text)) for name, text in commands_for(role)),
        language=t.locale,
        person_id=person_id,
    )
