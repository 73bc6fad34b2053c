"""What a person is told when their update is given up on, or set aside unread.

A handler's failure is not handled here: it propagates to the processor, which rolls the
update back and tries again (bot/tg/router.py says why); after the last attempt, the
processor sends this.
"""

from __future__ import annotations

from bot.domain.people.identity import language_of
from bot.lib.i18n import translator
from bot.messaging.messages import Outgoing
from bot.tg.context import UnitOfWork
from conversations import welcome


async def apology(unit: UnitOfWork) -> Outgoing | None:
    """A short 'sorry, try again' in the sender's language; nothing for non-private chats."""
    sender = unit.sender
    if sender is None or sender.chat_id < 0:
        return None
    t = translator(language_of(await unit.person(), sender))
    return Outgoing(chat_id=sender.chat_id, text=t.gettext(welcome.SOMETHING_WENT_WRONG))


async def unreadable(unit: UnitOfWork) -> Outgoing | None:
    """'Your message could not be read', for an update set aside; nothing for non-private
    chats."""
    sender = unit.sender
    if sender is None or sender.chat_id < 0:
        return None
    t = translator(language_of(await unit.person(), sender))
    return Outgoing(chat_id=sender.chat_id, text=t.gettext(welcome.MESSAGE_NOT_READ))
