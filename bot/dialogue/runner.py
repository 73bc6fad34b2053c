"""Runs flows against the database: load the session, let the engine decide, persist, render.

Every change bumps the session's revision in the same transaction as the answer's effects
and the outgoing messages, so a restart resumes at the same question.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import Conversation, ConversationStatus, Person, Priority
from bot.db.shape import write_columns
from bot.dialogue.binding import FlowBinding, Turn
from bot.flows import engine, upgrade
from bot.flows.engine import Ask, CorrectionMenu, Event, FlowState, Keep, Summary
from bot.flows.render import RenderContext, render
from bot.lib.i18n import translator
from bot.messaging.messages import ApiCall, Outgoing

Message = Outgoing | ApiCall


async def open_conversation(session: AsyncSession, person_id: str) -> Conversation | None:
    """The person's current conversation: the newest open one."""
    result = await session.execute(
        select(Conversation)
        .where(
            Conversation.person_id == person_id,
            Conversation.status == ConversationStatus.OPEN,
        )
        .order_by(Conversation.id.desc())
        .limit(1)
    )
    return result.scalar_one_or_none()


# Written by every turn whatever changed: a group's conversations then take one UPDATE
# statement (an executemany), not one per set of changed columns (see bot/tg/processor.py).
_WRITTEN = ("step", "state", "revision", "flow_version", "status", "updated_at", "finished_at")


class FlowRunner:
    def __init__(self, bindings: Sequence[FlowBinding]) -> None:
        self.bindings = {binding.flow.name: binding for binding in bindings}

    def binding(self, conversation: Conversation) -> FlowBinding:
        return self.bindings[conversation.flow]

    async def start(
        self,
        session: AsyncSession,
        *,
        person: Person,
        chat_id: int,
        flow_name: str,
        now: datetime,
        round_id: int | None = None,
        priority: int = Priority.REPLY,
        context: dict[str, Any] | None = None,
    ) -> list[Message]:
        """`context` is what the flow is about (e.g. the alert a note is for), kept with it."""
        binding = self.bindings[flow_name]
        conversation = Conversation(
            person_id=person.id,
            round_id=round_id,
            flow=flow_name,
            flow_version=binding.flow.version,
            step=None,
            state={"context": context or {}},
            revision=0,
            status=ConversationStatus.OPEN,
            started_at=now,
            updated_at=now,
        )
        session.add(conversation)
        await session.flush()
        turn = Turn(session, conversation, person, chat_id, now)
        transition = engine.begin(binding.flow, await binding.limits(turn))
        return await self._apply(turn, binding, transition, priority=priority)

    async def handle(
        self, turn: Turn, event: Event, *, pressed_message_id: int | None = None
    ) -> list[Message]:
        binding = self.binding(turn.conversation)
        state = FlowState.from_json(turn.conversation.step, turn.conversation.state)
        limits = await binding.limits(turn)
        if _saved_under_another_version(turn.conversation, binding):
            # Migrated first; a button drawn for the old version is refused there as stale
            # (the handler's revision check cannot tell: no turn has passed since).
            saved = turn.conversation.flow_version
            transition = upgrade.migrate(binding.flow, state, saved, limits, event)
        else:
            transition = engine.handle(binding.flow, state, event, limits)
        return await self._apply(turn, binding, transition, pressed=pressed_message_id)

    async def again(self, turn: Turn) -> list[Message]:
        """The current question once more (after help, or a message that was not an answer)."""
        binding = self.binding(turn.conversation)
        state = FlowState.from_json(turn.conversation.step, turn.conversation.state)
        if _saved_under_another_version(turn.conversation, binding):
            saved, limits = turn.conversation.flow_version, await binding.limits(turn)
            transition = upgrade.migrate(binding.flow, state, saved, limits)
            return await self._apply(turn, binding, transition)
        outputs = engine.resume(binding.flow, state)
        return list[Message](render(outputs, await self._context(turn, binding)))

    async def cancel(self, turn: Turn) -> list[Message]:
        conversation = turn.conversation
        conversation.status = ConversationStatus.CANCELLED
        conversation.finished_at = turn.now
        conversation.updated_at = turn.now
        conversation.revision += 1
        return list(await self.binding(conversation).on_cancel(turn))

    async def restart(self, turn: Turn) -> list[Message]:
        """From the first question, under the flow's current version, answers cleared."""
        binding = self.binding(turn.conversation)
        await binding.on_restart(turn)
        transition = engine.begin(binding.flow, await binding.limits(turn))
        return await self._apply(turn, binding, transition)

    async def _context(
        self,
        turn: Turn,
        binding: FlowBinding,
        pressed: int | None = None,
        priority: int = Priority.REPLY,
    ) -> RenderContext:
        return RenderContext(
            t=translator(turn.person.language),
            flow=binding.flow,
            chat_id=turn.chat_id,
            person_id=turn.person.id,
            conversation_id=turn.conversation.id,
            revision=int(turn.conversation.state.get("asked", 0)),
            unit=await binding.unit(turn),
            priority=priority,
            pressed_message_id=pressed,
        )

    async def _apply(
        self,
        turn: Turn,
        binding: FlowBinding,
        transition: engine.Transition,
        *,
        pressed: int | None = None,
        priority: int = Priority.REPLY,
    ) -> list[Message]:
        conversation, state = turn.conversation, transition.state
        conversation.revision += 1
        if any(isinstance(o, (Ask, Summary, CorrectionMenu)) for o in transition.outputs):
            state.asked = conversation.revision
        conversation.step = state.step
        conversation.state = {**state.to_json(), "context": conversation.state.get("context", {})}
        conversation.flow_version = binding.flow.version
        conversation.updated_at = turn.now
        kept = [output for output in transition.outputs if isinstance(output, Keep)]
        changed: dict[str, Any] = dict(transition.changed)
        if changed or kept:
            await binding.on_answers(turn, changed, kept)
        messages: list[Message] = list(
            render(transition.outputs, await self._context(turn, binding, pressed, priority))
        )
        if transition.finished:
            conversation.status = ConversationStatus.COMPLETED
            conversation.finished_at = turn.now
            messages.extend(await binding.on_finish(turn))
        write_columns(conversation, _WRITTEN)
        return messages


def _saved_under_another_version(conversation: Conversation, binding: FlowBinding) -> bool:
    return conversation.flow_version != binding.flow.version
