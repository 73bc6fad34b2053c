"""/bantuan for facilitators, coordinators and staff names every command of their menu:
/laporan and /stok for all of them, /siaran for who may send one."""

from __future__ import annotations

import pytest

from bot.db.models import Person, Role
from bot.domain.people.commands import Audience, menu
from bot.domain.people.greeting import help_text
from bot.messaging.inbound import Sender


@pytest.mark.parametrize("role", [Role.FACILITATOR, Role.COORDINATOR, Role.STAFF])
@pytest.mark.parametrize("language", ["id", "en"])
def test_help_lists_every_command_of_the_roles_menu(role: Role, language: str) -> None:
    person = Person(id="PDP-01", role=role, name="Wagiyem", language=language)
    [reply] = help_text(Sender(telegram_user_id=1, chat_id=1), person)
    for command in menu(Audience.of(role)):
        assert f"\n/{command.name} – " in reply.text, command.name
    # The one detail a menu line cannot say.
    assert "/peserta" in reply.text.split("\n\n")[0]
    assert ("/siaran" in reply.text) is (role is not Role.FACILITATOR)


def test_a_facilitator_reads_laporan_and_stok_in_indonesian() -> None:
    person = Person(id="PDP-01", role=Role.FACILITATOR, name="Wagiyem", language="id")
    [reply] = help_text(Sender(telegram_user_id=1, chat_id=1), person)
    assert "/laporan – " in reply.text and "/stok – " in reply.text
    assert "Kabar untuk" in reply.text and "Commands" not in reply.text
