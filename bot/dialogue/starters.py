"""Who a flow starts with, and what they are told first: the pieces `FlowRunner` uses to
start one conversation or a round's thousands (bot/dialogue/runner.py)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple

from bot.flows import engine
from bot.flows.model import Flow
from bot.flows.render import Draft, RenderContext, address, draft
from bot.lib.i18n import Translator
from bot.messaging.messages import Message, lead_into


class Starter(NamedTuple):
    """Someone to start a conversation with, and what to tell them before it begins.

    A tuple: a round makes one per family.
    """

    person_id: str
    chat_id: int
    language: str | None
    # With the language, what a binding's limits and unit depend on (see `Opening`).
    cohort_id: int | None = None
    lead: tuple[Message, ...] = ()


@dataclass(slots=True)
class Opening:
    """How a flow begins for people of one cohort and language: worked out once for all."""

    transition: engine.Transition
    # The conversation row's columns but its person.
    row: dict[str, Any]
    t: Translator
    unit: str
    # The first messages in the group's words, drafted with its first conversation.
    drafts: list[Draft] | None = None


def first_messages(
    people: Sequence[Starter],
    groups: Sequence[Opening],
    conversation_ids: Sequence[int],
    flow: Flow,
    priority: int,
) -> Iterator[Message]:
    """Each person's lead, as the first lines of their conversation's first message."""
    for starter, opening, conversation_id in zip(people, groups, conversation_ids, strict=True):
        ctx = RenderContext(
            opening.t,
            flow,
            starter.chat_id,
            starter.person_id,
            conversation_id,
            opening.row["state"]["asked"],
            opening.unit,
            priority,
        )
        if opening.drafts is None:
            opening.drafts = draft(opening.transition.outputs, ctx)
        yield from lead_into(starter.lead, address(opening.drafts, ctx))
