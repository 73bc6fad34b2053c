"""What a handler works with: the update's unit of work and a typed context carrying it.

The processor makes a unit per update and hands it to the handlers with the update
(bot/tg/router.py): nothing is kept in PTB's bot_data, and since the router, not PTB, makes
the context, the Application needs no ContextTypes.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy.ext.asyncio import AsyncSession
from telegram.ext import Application, CallbackContext, ExtBot

from bot.db.models import Conversation, Person
from bot.dialogue.binding import Turn
from bot.dialogue.runner import open_conversation
from bot.domain.people.identity import linked_person
from bot.messaging.inbound import Sender
from bot.messaging.messages import Message
from bot.messaging.outbox import Job, enqueue
from bot.tg.prefetch import Prefetch

if TYPE_CHECKING:
    from bot.app.runtime import Runtime


@dataclass
class UnitOfWork:
    """One update's share of a transaction: handlers read and write through it, the
    processor commits (for a group of updates at once; see bot/tg/processor.py).

    It is the one way to the sender's person and to their conversation's turn, so that
    what the group's prefetch loaded is used and nothing is looked up twice.
    """

    session: AsyncSession
    now: datetime
    update_id: int
    sender: Sender | None = None  # None: nobody a person could be (a channel post, a bot)
    sent: int = 0
    outgoing: list[Message] = field(default_factory=list)
    prefetch: Prefetch | None = None
    _person: Person | None = field(default=None, init=False, repr=False)
    _person_read: bool = field(default=False, init=False, repr=False)

    async def person(self) -> Person | None:
        """The person the sender is linked to (None: not registered), read once per update,
        before the handler changed anything: a registration by this update does not show."""
        if not self._person_read:
            self._person = await self._linked_person()
            self._person_read = True
        return self._person

    async def turn(self, conversation: Conversation | None = None) -> Turn | None:
        """A turn of the sender's person in `conversation` (a pressed button's), by default
        in their open one as it is now; None when not registered or nothing is open."""
        person = await self.person()
        if person is None or self.sender is None:
            return None
        if conversation is None:
            conversation = await self._open_conversation(person.id)
            if conversation is None:
                return None
        loaded = self.prefetch.loaded_for(person, conversation) if self.prefetch else {}
        return Turn(self.session, conversation, person, self.sender.chat_id, self.now, loaded)

    def send(self, messages: Sequence[Message]) -> None:
        """Queue messages; they are written to the outbox with the update's other changes."""
        self.outgoing.extend(messages)
        self.sent += len(messages)

    def via(self) -> dict[int, int | None]:
        """The sender's chat is answered from the bot it wrote to."""
        return {} if self.sender is None else {self.sender.chat_id: self.sender.bot_id}

    async def flush(self, *, claimed_by: str | None = None) -> list[Job]:
        """Write the queued messages; the replies claimed for `claimed_by` are returned."""
        jobs = await enqueue(
            self.session, self.outgoing, now=self.now, claimed_by=claimed_by, via=self.via()
        )
        self.outgoing.clear()
        return jobs

    async def _linked_person(self) -> Person | None:
        if self.sender is None:
            return None
        user_id = self.sender.telegram_user_id
        if self.prefetch is not None:
            known, person = self.prefetch.take_person(user_id)
            if known:
                return person
        return await linked_person(self.session, user_id)

    async def _open_conversation(self, person_id: str) -> Conversation | None:
        """The prefetched one the first time; the database's after (it may have changed)."""
        if self.prefetch is not None:
            known, conversation = self.prefetch.take_conversation(person_id)
            if known:
                return conversation
        return await open_conversation(self.session, person_id)


class KabarContext(CallbackContext[ExtBot[None], dict[Any, Any], dict[Any, Any], dict[Any, Any]]):
    """What a handler gets besides the update: its unit of work and the process's runtime,
    as typed attributes (not string keys of bot_data), and what PTB's handler adds
    (`args` of a command)."""

    def __init__(
        self,
        application: Application[Any, Any, Any, Any, Any, Any],
        work: UnitOfWork,
        runtime: Runtime,
    ) -> None:
        super().__init__(application)
        self.work = work
        self.runtime = runtime
