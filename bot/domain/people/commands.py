"""Kabar's commands in Telegram, declared once: name, what menus say it does, who it is for.

The Telegram edge registers a handler per command (bot/tg/handlers/__init__.py) and
publishes the menu of people not yet registered (bot/tg/application.py); each registered
person gets their role's menu (bot/domain/people/menus.py). All three read this list, in
its order.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from bot.db.models import Role
from bot.lib.i18n import N_


class Audience(StrEnum):
    NEWCOMERS = "newcomers"  # not registered yet: the bot's default menu is theirs
    FAMILIES = "families"
    FACILITATORS = "facilitators"
    COORDINATORS = "coordinators"
    STAFF = "staff"
    PARTNERS = "partners"  # buying partners (mitra): the pickup list, no family's data

    @classmethod
    def of(cls, role: Role) -> Audience:
        return _BY_ROLE[role]


_BY_ROLE = {
    Role.PARTICIPANT: Audience.FAMILIES,
    Role.FACILITATOR: Audience.FACILITATORS,
    Role.COORDINATOR: Audience.COORDINATORS,
    Role.STAFF: Audience.STAFF,
    Role.PARTNER: Audience.PARTNERS,
}
FAMILIES = frozenset({Audience.FAMILIES})
FACILITATOR_SIDE = frozenset({Audience.FACILITATORS, Audience.COORDINATORS, Audience.STAFF})
PARTNERS = frozenset({Audience.PARTNERS})
REGISTERED = FAMILIES | FACILITATOR_SIDE | PARTNERS
EVERYONE = REGISTERED | {Audience.NEWCOMERS}


@dataclass(frozen=True, slots=True)
class Command:
    name: str
    description: str  # a msgid: what the menu says it does
    users: frozenset[Audience]  # who it is for: their menus list it
    aliases: tuple[str, ...] = ()  # other names it answers to, in no menu
    listed: bool = True  # False: answered, but in no menu

    @property
    def names(self) -> tuple[str, ...]:
        return (self.name, *self.aliases)


# In menu order. Anyone may send any of them: a handler answers who it is not for (a
# family sending /peserta is told it is for facilitators, a registered person's /start
# greets them back).
COMMANDS: tuple[Command, ...] = (
    Command("start", N_("start again"), frozenset({Audience.NEWCOMERS})),
    Command("peserta", N_("my families and their status"), FACILITATOR_SIDE),
    Command("peringatan", N_("open alerts for me"), FACILITATOR_SIDE),
    Command("laporan", N_("programme figures and chart"), FACILITATOR_SIDE),
    Command("stok", N_("stock ready for pickup"), FACILITATOR_SIDE | PARTNERS),
    Command(
        "siaran",
        N_("send a broadcast"),
        frozenset({Audience.COORDINATORS, Audience.STAFF}),
    ),
    Command("bantuan", N_("help"), EVERYONE, aliases=("help",)),
    Command("dataku", N_("what Kabar knows about me"), REGISTERED),
    Command("berhenti", N_("stop messages"), REGISTERED),
    Command("mulai", N_("receive messages again"), REGISTERED),
    Command("batal", N_("cancel the check-in"), FAMILIES),
    Command("ulang", N_("start the check-in again"), FAMILIES),
    Command("tolong", N_("ask my facilitator for help"), FAMILIES),
)


def menu(audience: Audience) -> tuple[Command, ...]:
    """The commands an audience's menu lists, in order."""
    return tuple(c for c in COMMANDS if c.listed and audience in c.users)
