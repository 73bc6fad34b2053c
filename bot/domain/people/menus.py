"""The command menu each role sees in Telegram, set for that one chat, drawn from the
commands declared in bot/domain/people/commands.py."""

from __future__ import annotations

from bot.db.models import Role
from bot.domain.people.commands import Audience, menu
from bot.lib.i18n import translator
from bot.messaging.messages import CommandMenu


def commands_for(role: Role) -> tuple[tuple[str, str], ...]:
    """(name, description msgid) of the commands a role's menu lists."""
    return tuple((c.name, c.description) for c in menu(Audience.of(role)))


def menu_call(chat_id: int, role: Role, language: str | None, person_id: str) -> CommandMenu:
    t = translator(language)
    return CommandMenu(
        chat_id=chat_id,
        commands=tuple((name, t.gettext(text)) for name, text in commands_for(role)),
        language=t.locale,
        person_id=person_id,
    )
