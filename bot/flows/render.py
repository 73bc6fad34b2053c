"""Turns engine outputs into messages in the reader's language, with callback buttons.

Button data is `f:<session>:<revision>:<value>`: the revision makes a button from an earlier
question stale, the session id lets a forged press be told apart from a stale one.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from bot.db.models import Priority
from bot.flows.engine import Ask, Chosen, CorrectionMenu, Output, Reselect, Say, Summary
from bot.flows.model import BACK, DONE, FIX, NONE, SEND, SKIP, Flow, Kind, Step
from bot.lib.i18n import N_, Translator
from bot.messaging.messages import Button, Outgoing

SKIP_LABEL = N_("Skip")
DONE_LABEL = N_("Done")
SEND_LABEL = N_("✅ Send")
FIX_LABEL = N_("✏️ Change an answer")
BACK_LABEL = N_("Back")
WHICH_TO_CHANGE = N_("Which answer do you want to change?")
NOT_ANSWERED = N_("—")
PHOTO_RECEIVED = N_("photo received")
VOICE_RECEIVED = N_("voice note")

CALLBACK_PREFIX = "f"


@dataclass(frozen=True, slots=True)
class Callback:
    conversation_id: int
    revision: int
    value: str


def callback_data(conversation_id: int, revision: int, value: str) -> str:
    return f"{CALLBACK_PREFIX}:{conversation_id}:{revision}:{value}"


def parse_callback(data: str | None) -> Callback | None:
    """None for anything that is not a well-formed flow button (forged or foreign)."""
    if not data:
        return None
    parts = data.split(":", 3)
    if len(parts) != 4 or parts[0] != CALLBACK_PREFIX:
        return None
    _, conversation_id, revision, value = parts
    if not (conversation_id.isdigit() and revision.isdigit()) or not value:
        return None
    return Callback(int(conversation_id), int(revision), value)


@dataclass(frozen=True, slots=True)
class RenderContext:
    t: Translator
    flow: Flow
    chat_id: int
    person_id: str
    conversation_id: int
    revision: int
    unit: str = "kg"
    priority: int = Priority.REPLY
    # The bot message whose button was pressed, to edit in place.
    pressed_message_id: int | None = None

    def data(self, value: str) -> str:
        return callback_data(self.conversation_id, self.revision, value)

    def edit(self, text: str, buttons: tuple[tuple[Button, ...], ...] = ()) -> Outgoing:
        """Change the message whose button was pressed."""
        return Outgoing(
            chat_id=self.chat_id,
            text=text,
            buttons=buttons,
            person_id=self.person_id,
            priority=self.priority,
            edit_message_id=self.pressed_message_id,
        )

    def message(self, text: str, buttons: tuple[tuple[Button, ...], ...] = ()) -> Outgoing:
        return Outgoing(
            chat_id=self.chat_id,
            text=text,
            buttons=buttons,
            person_id=self.person_id,
            priority=self.priority,
        )


def render(outputs: Sequence[Output], ctx: RenderContext) -> list[Outgoing]:
    """Short notes ("that is not a number", an example) go in one message with the question
    they lead to: fewer messages on a cheap phone, and the question stays last."""
    messages: list[Outgoing] = []
    notes: list[str] = []

    def with_notes(text: str) -> str:
        if not notes:
            return text
        joined = "\n".join(notes) + "\n\n" + text
        notes.clear()
        return joined

    for output in outputs:
        if isinstance(output, Say):
            notes.append(ctx.t.gettext(output.msgid).format(**_localized(output.params, ctx)))
        elif isinstance(output, Ask):
            text = with_notes(question(output.step, ctx))
            messages.append(ctx.message(text, _buttons(output, ctx)))
        elif isinstance(output, Summary):
            text = with_notes(summary(output.step, output.answers, ctx))
            messages.append(ctx.message(text, _confirm(ctx)))
        elif isinstance(output, CorrectionMenu):
            rows = tuple(
                (Button(ctx.t.gettext(step.label), ctx.data(f"{FIX}:{step.id}")),)
                for step in output.steps
            )
            rows += ((Button(ctx.t.gettext(BACK_LABEL), ctx.data(BACK)),),)
            messages.append(ctx.message(with_notes(ctx.t.gettext(WHICH_TO_CHANGE)), rows))
        elif (
            isinstance(output, Chosen)
            and ctx.pressed_message_id is not None
            and output.step.kind is not Kind.CONFIRM
        ):
            answer = display(output.step, output.value, ctx)
            messages.append(ctx.edit(question(output.step, ctx) + "\n→ " + answer))
        elif isinstance(output, Reselect) and ctx.pressed_message_id is not None:
            buttons = _buttons(Ask(output.step, output.selected), ctx)
            messages.append(ctx.edit(question(output.step, ctx), buttons))
        # Keep: stored by the caller; nothing to say.
    if notes:
        messages.append(ctx.message("\n".join(notes)))
    return messages


def _localized(params: Mapping[str, Any], ctx: RenderContext) -> dict[str, Any]:
    """Numbers written as the reader writes them (1,5 and 1.500 in Indonesian), so a
    suggested number can be typed back as shown."""
    return {
        key: ctx.t.format_number(value) if isinstance(value, Decimal) else value
        for key, value in params.items()
    }


def question(step: Step, ctx: RenderContext) -> str:
    return ctx.t.gettext(step.prompt).format(unit=ctx.unit)


def _buttons(ask: Ask, ctx: RenderContext) -> tuple[tuple[Button, ...], ...]:
    step, t = ask.step, ctx.t
    rows: list[tuple[Button, ...]] = []
    if step.kind is Kind.CHOICE:
        buttons = tuple(Button(t.gettext(o.label), ctx.data(o.value)) for o in step.options)
        short = len(buttons) <= 2 and all(len(b.text) <= 16 for b in buttons)
        rows.extend([buttons] if short else [(b,) for b in buttons])
    elif step.kind is Kind.MULTI:
        for option in step.options:
            mark = "✅ " if option.value in ask.selected else ""
            rows.append((Button(mark + t.gettext(option.label), ctx.data(option.value)),))
        last = [Button(t.gettext(DONE_LABEL), ctx.data(DONE))]
        if step.none_label and not ask.selected:
            last = [Button(t.gettext(step.none_label), ctx.data(NONE))]
        rows.append(tuple(last))
    if step.optional:
        rows.append((Button(t.gettext(SKIP_LABEL), ctx.data(SKIP)),))
    return tuple(rows)


def _confirm(ctx: RenderContext) -> tuple[tuple[Button, ...], ...]:
    t = ctx.t
    return (
        (Button(t.gettext(SEND_LABEL), ctx.data(SEND)),),
        (Button(t.gettext(FIX_LABEL), ctx.data(FIX)),),
    )


def summary(step: Step, answers: Mapping[str, Any], ctx: RenderContext) -> str:
    lines = [ctx.t.gettext(step.prompt)]
    for asked in ctx.flow.steps:
        if asked.kind is Kind.CONFIRM or asked.id not in answers or asked.skipped(answers):
            continue
        label = ctx.t.gettext(asked.label) if asked.label else asked.id
        lines.append("• " + label + ": " + display(asked, answers[asked.id], ctx))
    return "\n".join(lines)


def display(step: Step, value: Any, ctx: RenderContext) -> str:
    t = ctx.t
    if value is None:
        return t.gettext(NOT_ANSWERED)
    if step.kind is Kind.CHOICE:
        labels = {o.value: o.label for o in step.options}
        return t.gettext(labels.get(str(value), str(value)))
    if step.kind is Kind.MULTI:
        labels = {o.value: o.label for o in step.options}
        if not value:
            return t.gettext(step.none_label) if step.none_label else t.gettext(NOT_ANSWERED)
        return ", ".join(t.gettext(labels.get(v, v)) for v in value)
    if step.kind is Kind.QUANTITY:
        return t.format_number(Decimal(str(value))) + " " + ctx.unit
    if step.kind is Kind.MONEY:
        return t.format_money(int(value))
    if step.kind is Kind.PHOTO:
        return t.gettext(PHOTO_RECEIVED)
    text = str(value)
    if text == "[voice]":
        return t.gettext(VOICE_RECEIVED)
    return text if len(text) <= 200 else text[:199] + "…"
