"""Kabar's commands are declared once; the handlers and the menus follow the declaration."""

from __future__ import annotations

from telegram.ext import CommandHandler

from bot.db.models import Role
from bot.domain.people.commands import COMMANDS, Audience, menu
from bot.domain.people.menus import commands_for
from bot.tg.handlers import handlers


def test_every_declared_command_is_answered_and_nothing_else_is() -> None:
    answered = [
        name
        for handler in handlers()
        if isinstance(handler, CommandHandler)
        for name in sorted(handler.commands)
    ]
    declared = [name for command in COMMANDS for name in command.names]
    assert sorted(answered) == sorted(declared)
    assert len(answered) == len(set(answered)), "a command answered by two handlers"


def test_each_role_gets_the_menu_of_its_audience() -> None:
    for role in Role:
        names = [name for name, _description in commands_for(role)]
        assert names == [c.name for c in menu(Audience.of(role))]
    assert [c.name for c in menu(Audience.NEWCOMERS)] == ["start", "bantuan"]
