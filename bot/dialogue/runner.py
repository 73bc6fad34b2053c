"""Runs flows against the database: load the conversation, let the engine decide, persist,
render.

Every change bumps the conversation's revision in the same transaction as the answer's
effects and the outgoing messages, so a restart resumes at the same question. Starting is
one path for one person (`start`, a reply) or many (`start_many`, a round's first question).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from datetime import datetime
from itertools import islice
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.bulk import BulkWriter
from bot.db.dialect import notify_outbox
from bot.db.models import Conversation, ConversationStatus, Person, Priority
from bot.db.models.base import table_of
from bot.db.person_locks import people_still_here
from bot.db.shape import write_columns
from bot.dialogue import atop, last_text, screen
from bot.dialogue.binding import FlowBinding, Turn
from bot.dialogue.screen import question_message_id
from bot.dialogue.starters import Opening, Starter, first_messages
from bot.flows import engine, upgrade
from bot.flows.engine import (
    Ask,
    Check,
    Chosen,
    CorrectionMenu,
    Event,
    FlowState,
    Keep,
    Reselect,
    Summary,
    Text,
)
from bot.flows.render import RenderContext, render
from bot.lib.i18n import translator
from bot.messaging.messages import Message
from bot.messaging.outbox import enqueue_many, extra_bot_chats

# People started per pair of statements (conversations, then messages). Small batches keep
# few rows alive at once for Python's garbage collector to walk: with 5,000, opening a
# round of 100,000 spent half as long again in collections (1.5 s, not 1.0 s).
BATCH = 1_000


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
        """Start a conversation; its first messages, for the caller to send (none if the
        person was erased meanwhile).

        `context` is what the flow is about (e.g. the alert a note is for), kept with it.
        """
        starter = Starter(person.id, chat_id, person.language, person.cohort_id)
        _, first = await self._start(
            session,
            [starter],
            flow_name=flow_name,
            now=now,
            round_id=round_id,
            priority=priority,
            context=context,
            openings={},
            known=person,
        )
        return list(first)

    async def start_many(
        self,
        session: AsyncSession,
        people: Iterable[Starter],
        *,
        flow_name: str,
        now: datetime,
        round_id: int | None = None,
        priority: int = Priority.REPLY,
        not_before: datetime | None = None,
        context: dict[str, Any] | None = None,
    ) -> list[int]:
        """Start a conversation with each of `people`, as `start` does, and write each one's
        lead and first messages to the outbox; the conversations' ids, in `people`'s order.

        In batches: one COPY (bot/db/bulk.py) of the conversations, one of the messages, a
        batch written while the next is made. `people` is read a
        batch at a time, so a caller can make them as they are needed: a round's hundreds of
        thousands of messages held at once made Python's garbage collector the larger cost.
        On SQLite the transaction must have written already (a round's row): conversation
        ids are counted on from the largest, which only the writer can do safely. On
        PostgreSQL it must hold erasures off from before it read `people`
        (`hold_off_erasures`): they are not locked one by one.
        """
        openings: dict[tuple[int | None, str | None], Opening] = {}
        ids: list[int] = []
        queue = iter(people)
        bots = await extra_bot_chats(session)
        async with BulkWriter(session) as writer:
            while batch := list(islice(queue, BATCH)):
                started, outgoing = await self._start(
                    session,
                    batch,
                    flow_name=flow_name,
                    now=now,
                    round_id=round_id,
                    priority=priority,
                    context=context,
                    openings=openings,
                    writer=writer,
                )
                await enqueue_many(
                    writer, outgoing, now=now, not_before=not_before, round_id=round_id, bots=bots
                )
                ids.extend(started)
        await notify_outbox(session)  # a round opened by `kabar checkin send` goes out at once
        return ids

    async def _start(
        self,
        session: AsyncSession,
        people: Sequence[Starter],
        *,
        flow_name: str,
        now: datetime,
        round_id: int | None,
        priority: int,
        context: dict[str, Any] | None,
        openings: dict[tuple[int | None, str | None], Opening],
        known: Person | None = None,
        writer: BulkWriter | None = None,
    ) -> tuple[list[int], Iterator[Message]]:
        """The one way conversations start: their rows, then each one's lead and first
        messages; the conversations' ids and the messages, in `people`'s order.

        The messages are made as they are read: written one by one to the outbox, each is
        gone before the next is made, and Python's garbage collector never walks them.
        """
        binding = self.bindings[flow_name]
        fields = {
            "round_id": round_id,
            "flow": flow_name,
            "flow_version": binding.flow.version,
            "revision": 1,
            "status": ConversationStatus.OPEN,
            "started_at": now,
            "updated_at": now,
        }
        groups: list[Opening] = []
        for starter in people:
            key = (starter.cohort_id, starter.language)
            if key not in openings:
                if writer is not None:
                    await writer.flush()  # the session is needed here
                person = known or await session.get(Person, starter.person_id)
                if person is None:
                    raise LookupError(f"no person {starter.person_id}")
                # The conversation about to start, for the binding to look at (not stored).
                probe = Conversation(
                    person_id=person.id, state={"context": context or {}}, **fields
                )
                turn = Turn(session, probe, person, starter.chat_id, now)
                openings[key] = await self._opening(turn, binding, fields, context)
            groups.append(openings[key])
        if len({starter.person_id for starter in people}) != len(people):
            raise ValueError("a person appears twice among those to start")
        table = table_of(Conversation)
        if writer is not None:
            # Ids first, then the rows by COPY (bot/db/bulk.py), which returns none. Its
            # people are not locked: the caller holds erasures off (`hold_off_erasures`).
            started = await writer.next_ids(table, len(people))
            await writer.write(
                table,
                fields,
                ("id", "person_id", "step", "state"),
                (
                    (row_id, s.person_id, g.row["step"], g.row["state"])
                    for row_id, s, g in zip(started, people, groups, strict=True)
                ),
                repeated=("state",),
            )
            return started, first_messages(people, groups, started, binding.flow, priority)
        # No key checks the person (0018): lock them as one would; an erased one's
        # conversation is not started (bot/db/person_locks.py).
        here = await people_still_here(session, {s.person_id for s in people})
        if len(here) < len(people):
            kept = [(s, g) for s, g in zip(people, groups, strict=True) if s.person_id in here]
            people, groups = [s for s, _ in kept], [g for _, g in kept]
        rows = [{"person_id": s.person_id, **g.row} for s, g in zip(people, groups, strict=True)]
        if not rows:
            return [], iter(())
        result = await session.execute(insert(table).returning(table.c.person_id, table.c.id), rows)
        # RETURNING promises no order; each person has one new conversation.
        ids: dict[str, int] = {person_id: row_id for person_id, row_id in result}
        started = [ids[starter.person_id] for starter in people]
        return started, first_messages(people, groups, started, binding.flow, priority)

    @staticmethod
    async def _opening(
        turn: Turn, binding: FlowBinding, fields: dict[str, Any], context: dict[str, Any] | None
    ) -> Opening:
        transition = engine.begin(binding.flow, await binding.limits(turn))
        if transition.finished or transition.changed:
            raise ValueError(f"flow {binding.flow.name} must begin with a question")
        state = _saved_state(transition, revision=1, context=context or {})
        if sum(isinstance(o, _QUESTIONS) for o in transition.outputs) == 1:
            state[screen.ONE_COPY] = 1  # its first message is the question's only copy
        row = {**fields, "step": transition.state.step, "state": state}
        t, unit = translator(turn.person.language), await binding.unit(turn)
        return Opening(transition, row, t, unit)

    async def handle(
        self,
        turn: Turn,
        event: Event,
        *,
        pressed_message_id: int | None = None,
        message_id: int | None = None,
    ) -> list[Message]:
        """`message_id`: the person's message a text came in, so that an edit of it can be
        taken instead (bot/dialogue/edits.py)."""
        binding = self.binding(turn.conversation)
        before = last_text.before(turn.conversation)
        state = FlowState.from_json(turn.conversation.step, turn.conversation.state)
        limits = await binding.limits(turn)
        if _saved_under_another_version(turn.conversation, binding):
            # Migrated first; a button drawn for the old version is refused there as stale
            # (the handler's revision check cannot tell: no turn has passed since).
            saved = turn.conversation.flow_version
            transition = upgrade.migrate(binding.flow, state, saved, limits, event)
        else:
            transition = engine.handle(binding.flow, state, event, limits)
        asked = int(turn.conversation.state.get("asked", 0))
        # A typed answer sits below its question: what comes next is a new message.
        apart = isinstance(event, Text)
        if apart and any(isinstance(o, (Chosen, Reselect)) for o in transition.outputs):
            # A typed button: its question changes on screen as a press would change it.
            pressed_message_id = await question_message_id(
                turn.session, turn.chat_id, turn.conversation.id, asked
            )
        elif (
            pressed_message_id is not None
            and any(isinstance(o, Chosen) for o in transition.outputs)
            # Drawn once, the pressed message is the only copy: nothing to read.
            and not screen.drawn_once(turn.conversation.state, asked)
        ):
            # Pressed on an earlier copy of the question (it was shown again after help):
            # the next question in that message would appear above the newer one.
            newest = await question_message_id(
                turn.session, turn.chat_id, turn.conversation.id, asked
            )
            apart = newest is not None and newest != pressed_message_id
        messages = await self._apply(
            turn, binding, transition, pressed=pressed_message_id, apart=apart
        )
        if isinstance(event, Text) and message_id is not None:
            last_text.remember(turn.conversation, message_id, before)
        return messages

    async def again(self, turn: Turn) -> list[Message]:
        """The current question once more (after help, or a message that was not an answer)."""
        binding = self.binding(turn.conversation)
        state = FlowState.from_json(turn.conversation.step, turn.conversation.state)
        if _saved_under_another_version(turn.conversation, binding):
            saved, limits = turn.conversation.flow_version, await binding.limits(turn)
            transition = upgrade.migrate(binding.flow, state, saved, limits)
            return await self._apply(turn, binding, transition)
        outputs = engine.resume(binding.flow, state, await binding.unit(turn))
        messages = list[Message](render(outputs, await self._context(turn, binding)))
        if screen.drawn_again(turn.conversation):  # a press may now come from either copy
            write_columns(turn.conversation, _WRITTEN)
        return messages

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
        apart: bool = False,
    ) -> RenderContext:
        return RenderContext(
            t=translator(turn.person.language),
            flow=binding.flow,
            chat_id=turn.chat_id,
            person_id=turn.person.id,
            conversation_id=turn.conversation.id,
            revision=int(turn.conversation.state.get("asked", 0)),
            unit=await binding.unit(turn),
            pressed_message_id=pressed,
            apart=apart,
        )

    async def _apply(
        self,
        turn: Turn,
        binding: FlowBinding,
        transition: engine.Transition,
        *,
        pressed: int | None = None,
        apart: bool = False,
    ) -> list[Message]:
        conversation = turn.conversation
        before = conversation.state
        conversation.revision += 1
        conversation.step = transition.state.step
        conversation.state = _saved_state(
            transition, conversation.revision, conversation.state.get("context", {})
        )
        conversation.flow_version = binding.flow.version
        conversation.updated_at = turn.now
        kept = [output for output in transition.outputs if isinstance(output, Keep)]
        changed: dict[str, Any] = dict(transition.changed)
        if changed or kept:
            await binding.on_answers(turn, changed, kept)
        ctx = await self._context(turn, binding, pressed, apart)
        drawn = atop.render(transition.outputs, ctx, before, conversation.state)
        screen.note_drawn(before, conversation.state, drawn)
        messages: list[Message] = list(drawn)
        if transition.finished:
            conversation.status = ConversationStatus.COMPLETED
            conversation.finished_at = turn.now
            messages.extend(await binding.on_finish(turn))
        write_columns(conversation, _WRITTEN)
        return messages


# What draws a question: its buttons carry the revision it is asked at.
_QUESTIONS = (Ask, Summary, CorrectionMenu, Check)


def _saved_under_another_version(conversation: Conversation, binding: FlowBinding) -> bool:
    return conversation.flow_version != binding.flow.version


def _saved_state(
    transition: engine.Transition, revision: int, context: dict[str, Any]
) -> dict[str, Any]:
    """A conversation's state after `transition`, at `revision`, as it is stored.

    A new question's buttons carry the revision it was asked at: presses of older ones are
    stale.
    """
    state = transition.state
    if any(isinstance(o, _QUESTIONS) for o in transition.outputs):
        state.asked = revision
    return {**state.to_json(), "context": context}
