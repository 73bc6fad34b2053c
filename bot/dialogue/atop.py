"""Which answer heads the message showing a conversation's question ("✓ Produced: No" above
it, bot/flows/render.py), so that ticking a multiple choice, which redraws that message,
keeps it there.

Kept in the conversation's state as the message and the step, not the text: the answer is
drawn again from the answers, in the reader's language, and no text is stored twice.
"""

from __future__ import annotations

from collections.abc import Mapping, MutableMapping, Sequence
from typing import Any

from bot.flows.engine import Chosen, Output
from bot.flows.model import Flow
from bot.flows.render import Draft, RenderContext, address, draft
from bot.messaging.messages import Edit, Outgoing

KEY = "atop"


def render(
    outputs: Sequence[Output],
    ctx: RenderContext,
    before: Mapping[str, Any],
    after: MutableMapping[str, Any],
) -> list[Outgoing | Edit]:
    """`outputs` drawn for a turn from state `before` to `after`, the answer atop the pressed
    message kept above a redrawn question, and noted in `after` for the next turn."""
    ctx.atop = shown(before, ctx.flow, ctx.pressed_message_id)
    drafts = draft(outputs, ctx)
    note(before, after, drafts, ctx.pressed_message_id)
    return address(drafts, ctx)


def shown(state: Mapping[str, Any], flow: Flow, pressed: int | None) -> Chosen | None:
    """The answer atop message `pressed` in a conversation's `state`, if it shows one."""
    atop = state.get(KEY)
    if pressed is None or not isinstance(atop, dict) or atop.get("message_id") != pressed:
        return None
    step_id, answers = atop.get("step"), state.get("answers", {})
    if step_id not in flow.index or step_id not in answers:
        return None
    return Chosen(flow.step(step_id), answers[step_id])


def note(
    before: Mapping[str, Any],
    after: MutableMapping[str, Any],
    drafts: Sequence[Draft],
    pressed: int | None,
) -> None:
    """Record in `after` (a conversation's new state) the answer atop its question's message,
    given the state `before` the turn and the `drafts` it drew in message `pressed`."""
    if after.get("asked", 0) == before.get("asked", 0):
        # The same question, redrawn in place or not: its message is as it was.
        if KEY in before:
            after[KEY] = before[KEY]
        return
    step_id = next((drafted.atop for drafted in drafts if drafted.atop), None)
    if step_id is not None and pressed is not None:
        after[KEY] = {"message_id": pressed, "step": step_id}
