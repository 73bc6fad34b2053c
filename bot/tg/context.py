"""Typed context for handlers instead of string-keyed bot_data."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy.ext.asyncio import AsyncSession
from telegram import Update
from telegram.ext import Application, CallbackContext, ContextTypes, ExtBot

from bot.db.models import Conversation, Person
from bot.dialogue.binding import Turn
from bot.dialogue.runner import open_conversation
from bot.domain.people.identity import linked_person
from bot.messaging.messages import Message
from bot.messaging.outbox import Job, enqueue
from bot.tg.prefetch import Prefetch

if TYPE_CHECKING:
    from bot.app.runtime import Runtime


@dataclass
class UnitOfWork:
    """One update's share of a transaction: handlers read and write through it, the
    processor commits (for a group of updates at once; see bot/tg/processor.py)."""

    session: AsyncSession
    now: datetime
    update_id: int
    failed: BaseException | None = None
    sent: int = 0
    outgoing: list[Message] = field(default_factory=list)
    prefetch: Prefetch | None = None

    async def person(self, telegram_user_id: int) -> Person | None:
        """The person linked to a Telegram user (prefetched for the group, if it was)."""
        if self.prefetch is not None:
            known, person = self.prefetch.take_person(telegram_user_id)
            if known:
                return person
        return await linked_person(self.session, telegram_user_id)

    async def open_conversation(self, person_id: str) -> Conversation | None:
        if self.prefetch is not None:
            known, conversation = self.prefetch.take_conversation(person_id)
            if known:
                return conversation
        return await open_conversation(self.session, person_id)

    def turn(self, conversation: Conversation, person: Person, chat_id: int) -> Turn:
        loaded = self.prefetch.loaded_for(person, conversation) if self.prefetch else {}
        return Turn(self.session, conversation, person, chat_id, self.now, loaded)

    def send(self, messages: Sequence[Message]) -> None:
        """Queue messages; they are written to the outbox with the update's other changes."""
        self.outgoing.extend(messages)
        self.sent += len(messages)

    async def flush(self, *, claimed_by: str | None = None) -> list[Job]:
        """Write the queued messages; the replies claimed for `claimed_by` are returned."""
        jobs = await enqueue(self.session, self.outgoing, now=self.now, claimed_by=claimed_by)
        self.outgoing.clear()
        return jobs


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
