"""What a flow's answers mean to the rest of Kabar: one binding per flow."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import Conversation, Person
from bot.flows.engine import Keep, Limits
from bot.flows.model import Flow
from bot.messaging.messages import Message


@dataclass(frozen=True, slots=True)
class Turn:
    """Everything a binding may need about the current turn."""

    session: AsyncSession
    conversation: Conversation
    person: Person
    chat_id: int
    now: datetime
    # Rows a binding loaded during this turn (the cohort, the record), so each is read once.
    loaded: dict[str, Any] = field(default_factory=dict, compare=False)


class FlowBinding(Protocol):
    flow: Flow

    # Limits and unit depend on the person's cohort and language only: starting many
    # conversations asks once for each pair (FlowRunner.start_many).
    async def limits(self, turn: Turn) -> Limits: ...

    async def unit(self, turn: Turn) -> str: ...

    async def on_answers(
        self, turn: Turn, changed: dict[str, Any], kept: Sequence[Keep]
    ) -> None: ...

    async def on_finish(self, turn: Turn) -> Sequence[Message]: ...

    async def on_cancel(self, turn: Turn) -> Sequence[Message]: ...

    async def on_restart(self, turn: Turn) -> None: ...
