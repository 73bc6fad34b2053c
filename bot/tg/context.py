"""Typed context for handlers instead of string-keyed bot_data."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy.ext.asyncio import AsyncSession
from telegram import Update
from telegram.ext import Application, CallbackContext, ContextTypes, ExtBot

from bot.delivery.messages import ApiCall, Outgoing
from bot.delivery.outbox import enqueue_many

if TYPE_CHECKING:
    from bot.runtime import Runtime


@dataclass
class UnitOfWork:
    """One update's transaction: handlers read and write through it, the processor commits."""

    session: AsyncSession
    now: datetime
    update_id: int
    failed: BaseException | None = None
    sent: int = 0
    outgoing: list[Outgoing | ApiCall] = field(default_factory=list)

    def send(self, messages: Sequence[Outgoing | ApiCall]) -> None:
        """Queue messages; they are written to the outbox with the update's other changes."""
        self.outgoing.extend(messages)
        self.sent += len(messages)

    async def flush(self) -> None:
        await enqueue_many(self.session, self.outgoing, now=self.now)
        self.outgoing.clear()


@dataclass
class BotData:
    runtime: Runtime | None = None
    units: dict[int, UnitOfWork] = field(default_factory=dict)


class KabarContext(CallbackContext[ExtBot[None], dict[Any, Any], dict[Any, Any], BotData]):
    _unit: UnitOfWork | None = None

    @classmethod
    def from_update(
        cls, update: object, application: Application[Any, Any, Any, Any, Any, Any]
    ) -> KabarContext:
        context: KabarContext = super().from_update(update, application)
        if isinstance(update, Update):
            context._unit = application.bot_data.units.get(update.update_id)
        return context

    @property
    def runtime(self) -> Runtime:
        runtime = self.bot_data.runtime
        if runtime is None:
            raise RuntimeError("runtime is set in post_init")
        return runtime

    @property
    def work(self) -> UnitOfWork:
        """The open transaction of the update being handled."""
        if self._unit is None:
            raise RuntimeError("handlers run only from the inbox processor")
        return self._unit


CONTEXT_TYPES = ContextTypes(context=KabarContext, bot_data=BotData)
