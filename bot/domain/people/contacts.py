"""How a person reaches their facilitator, for messages that say "ask your facilitator"."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import Person
from bot.lib.i18n import N_, Translator

ASK_FACILITATOR_NAMED = N_("Your facilitator is {name} ({phone}).")
ASK_FACILITATOR_NAMED_NO_PHONE = N_("Your facilitator is {name}.")


async def facilitator_line(session: AsyncSession, person: Person | None, t: Translator) -> str:
    """One sentence naming the person's facilitator, or '' when none is known."""
    if person is None or person.supervisor_id is None:
        return ""
    supervisor = await session.get(Person, person.supervisor_id)
    if supervisor is None:
        return ""
    if supervisor.phone:
        return t.gettext(ASK_FACILITATOR_NAMED).format(name=supervisor.name, phone=supervisor.phone)
    return t.gettext(ASK_FACILITATOR_NAMED_NO_PHONE).format(name=supervisor.name)
