"""Hands an update to the first of Kabar's handlers that matches it, with its unit of work.

Why Kabar's own router rather than PTB's Application.process_update: PTB builds the
handler's context itself, so the update's unit of work could only reach the handler around
it, through bot_data (as before) or a context variable, and a handler's failure would go
to PTB's error handler, which would have to report it back the same way. Here the context
is made with the unit as an argument, and what a handler raises propagates to the
processor, which rolls the update's transaction back and, when it gives up, apologises
(bot/tg/processor.py, bot/tg/handlers/failures.py): the one error path. PTB's handlers
still decide whether they match (`check_update`) and fill the context (`args`); what
process_update adds besides, Kabar does not use (handler groups, non-blocking handlers,
persistence, user_data and chat_data).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from telegram import Update
from telegram.ext import Application, BaseHandler

from bot.tg.context import KabarContext, UnitOfWork

if TYPE_CHECKING:
    from bot.app.runtime import Runtime

Handler = BaseHandler[Update, KabarContext, None]


class Router:
    def __init__(
        self,
        application: Application[Any, Any, Any, Any, Any, Any],
        runtime: Runtime,
        handlers: Sequence[Handler],
    ) -> None:
        self.application = application
        self.runtime = runtime
        self.handlers = tuple(handlers)

    async def dispatch(self, update: Update, unit: UnitOfWork) -> bool:
        """Run the first matching handler inside `unit`; False when none matches."""
        for handler in self.handlers:
            check = handler.check_update(update)
            if check is None or check is False:
                continue
            context = KabarContext(self.application, unit, self.runtime)
            await handler.handle_update(update, self.application, check, context)
            return True
        return False
