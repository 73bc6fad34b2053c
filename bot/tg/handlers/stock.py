"""/stok: the pickup list. Facilitators, coordinators and staff see the stock their
families offer, with the families; a buying partner (mitra) only quantities per village."""

from __future__ import annotations

from telegram import Update

from bot.db.models import Person, Role
from bot.domain.facilitators.scope import is_facilitator_side
from bot.domain.stock.pickup import pickup_list
from bot.domain.stock.text import pickup_texts
from bot.lib.i18n import N_
from bot.messaging.messages import Outgoing
from bot.tg.context import KabarContext
from bot.tg.handlers.origin import registered_as

NOT_FOR_YOU = N_(
    "Sorry, /stok is for facilitators (pendamping), staff and buying partners. "
    "Send /bantuan to see what you can do."
)


def _may_see_stock(person: Person) -> bool:
    return person.role is Role.PARTNER or is_facilitator_side(person)


async def on_stock(update: Update, context: KabarContext) -> None:
    work = context.work
    found = await registered_as(work, _may_see_stock, NOT_FOR_YOU)
    if found is None:
        return
    sender, person, t = found
    partner = person.role is Role.PARTNER
    lots = await pickup_list(work.session, person)
    work.send(
        [
            Outgoing(chat_id=sender.chat_id, text=text, person_id=person.id)
            for text in pickup_texts(t, lots, partner=partner)
        ]
    )
