"""Turns engine outputs into messages in the reader's language, with callback buttons.

Button data is `f:<conversation>:<revision>:<value>`: the revision makes a button from an
earlier question stale, the conversation id lets a forged press be told apart from a stale
one.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from bot.db.models import Priority
from bot.flows.engine import (
    Ask,
    Check,
    Chosen,
    CorrectionMenu,
    Output,
    Reselect,
    Say,
    Summary,
)
from bot.flows.model import (
    BACK,
    BACK_LABEL,
    DONE,
    DONE_LABEL,
    FIX,
    FIX_LABEL,
    NONE,
    SEND,
    SEND_LABEL,
    SKIP,
    SKIP_LABEL,
    Flow,
    Kind,
    Step,
)
from bot.flows.outputs import Rupiah
from bot.lib.i18n import N_, Translator
from bot.messaging.messages import Button, Buttons, Edit, Outgoing

WHICH_TO_CHANGE = N_("Which answer do you want to change?")
NOT_ANSWERED = N_("—")
PHOTO_RECEIVED = N_("photo received")
VOICE_RECEIVED = N_("voice note")

CALLBACK_PREFIX = "f"


def callback_data(conversation_id: int, revision: int, value: str) -> str:
    return f"{CALLBACK_PREFIX}:{conversation_id}:{revision}:{value}"


# Not frozen: one is made per person when a round opens, and a frozen dataclass takes about
# three times as long to make.
@dataclass(slots=True)
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
    # What comes next goes in a new message, not in the pressed one: the button was typed
    # (the person's text sits below its question), or pressed on an older copy of it.
    apart: bool = False
    # The answer shown atop the pressed message, above its question (bot/dialogue/atop.py):
    # a tick of a multiple choice redraws the question under it, as it was.
    atop: Chosen | None = None

    def data(self, value: str) -> str:
        return callback_data(self.conversation_id, self.revision, value)

    def edit(self, message_id: int, text: str, buttons: Buttons = ()) -> Edit:
        """Change the message whose button was pressed."""
        return Edit(
            chat_id=self.chat_id,
            message_id=message_id,
            text=text,
            buttons=buttons,
            person_id=self.person_id,
            priority=self.priority,
        )

    def message(self, text: str, buttons: Buttons = ()) -> Outgoing:
        return Outgoing(
            self.chat_id, text, buttons, person_id=self.person_id, priority=self.priority
        )


# A button as the flow sees it: its label and the value a press gives the engine.
Choice = tuple[str, str]
Choices = tuple[tuple[Choice, ...], ...]


@dataclass(frozen=True, slots=True)
class Draft:
    """A message in the reader's words, before it is addressed to one conversation.

    `edit` replaces the message whose button was pressed; `atop` is the step whose answer
    heads it, above the question.
    """

    text: str
    choices: Choices = ()
    edit: bool = False
    atop: str | None = None


def render(outputs: Sequence[Output], ctx: RenderContext) -> list[Outgoing | Edit]:
    return address(draft(outputs, ctx), ctx)


def address(drafts: Sequence[Draft], ctx: RenderContext) -> list[Outgoing | Edit]:
    """The messages of `drafts` for ctx's chat, their buttons for ctx's conversation.

    Drafts depend on the language, not on the conversation: many people starting the same
    flow share them (bot/dialogue/runner.py, `start_many`).
    """
    messages: list[Outgoing | Edit] = []
    data = ctx.data
    for drafted in drafts:
        # Lists, not generators: this runs for each person when a round opens.
        rows = [
            tuple([Button(label, data(value)) for label, value in row]) for row in drafted.choices
        ]
        buttons = tuple(rows)
        if drafted.edit and ctx.pressed_message_id is not None:
            messages.append(ctx.edit(ctx.pressed_message_id, drafted.text, buttons))
        else:
            messages.append(ctx.message(drafted.text, buttons))
    return messages


def draft(outputs: Sequence[Output], ctx: RenderContext) -> list[Draft]:
    """Short notes ("that is not a number", an example) go in one message with the question
    they lead to: fewer messages on a cheap phone, and the question stays last.

    A pressed button's question becomes what comes next, in place: the answer taken in one
    short line above the next question (or the summary, which lists it anyway). One call a
    press, where an edit and a new message were two, and the chat stays short on a small
    phone; a question with nothing after it shows its answer below it.
    """
    drafts: list[Draft] = []
    notes: list[str] = []
    taken: list[tuple[Step, str]] = []  # the pressed question and its answer, to show

    def with_notes(text: str) -> str:
        if not notes:
            return text
        joined = "\n".join(notes) + "\n\n" + text
        notes.clear()
        return joined

    def add(text: str, choices: Choices = (), *, recap: bool = True) -> None:
        if not taken:
            drafts.append(Draft(with_notes(text), choices))
            return
        step, answer = taken.pop()
        if not recap:
            drafts.append(Draft(with_notes(text), choices, edit=True))
            return
        drafts.append(
            Draft(_above(step, answer, with_notes(text), ctx), choices, edit=True, atop=step.id)
        )

    pressed = ctx.pressed_message_id is not None
    for output in outputs:
        if isinstance(output, Say):
            notes.append(ctx.t.gettext(output.msgid).format(**_localized(output.params, ctx)))
        elif isinstance(output, Ask):
            add(question(output.step, ctx), _choices(output, ctx))
        elif isinstance(output, Summary):
            add(summary(output.step, output.answers, ctx), _confirm(ctx), recap=False)
        elif isinstance(output, CorrectionMenu):
            rows = tuple(
                ((ctx.t.gettext(step.label), f"{FIX}:{step.id}"),) for step in output.steps
            )
            rows += (((ctx.t.gettext(BACK_LABEL), BACK),),)
            add(ctx.t.gettext(WHICH_TO_CHANGE), rows)
        elif isinstance(output, Chosen) and pressed and output.step.kind is not Kind.CONFIRM:
            answer = _chosen(output.step, output.value, ctx)
            if ctx.apart:
                drafts.append(Draft(_with_answer(output.step, answer, ctx), edit=True))
            else:
                taken.append((output.step, answer))
        elif isinstance(output, Check):
            params = _localized(output.params, ctx)
            text = ctx.t.gettext(output.msgid).format(**params)
            rows = tuple(
                ((ctx.t.gettext(label).format(**params), value),) for label, value in output.choices
            )
            add(text, rows)
        elif isinstance(output, Reselect):
            # Typed, with the question's message not known: the question anew, as it stands.
            choices = _choices(Ask(output.step, output.selected), ctx)
            text, atop = question(output.step, ctx), ctx.atop
            if pressed and atop is not None:  # the earlier answer stays above it
                text = _above(atop.step, _chosen(atop.step, atop.value, ctx), text, ctx)
            drafts.append(Draft(text, choices, edit=pressed))
        # Keep: stored by the caller; nothing to say.
    for step, answer in taken:  # nothing came next: the answer below its question
        drafts.append(Draft(_with_answer(step, answer, ctx), edit=True))
    if notes:
        drafts.append(Draft("\n".join(notes)))
    return drafts


def _chosen(step: Step, value: Any, ctx: RenderContext) -> str:
    """The answer under its question, as chosen: a skipped question reads as the Skip
    button, as a typed or pressed button reads as its label (not "—", as if unanswered)."""
    if value is None and step.optional:
        return ctx.t.gettext(SKIP_LABEL)
    return display(step, value, ctx)


def answered(step: Step, answer: str, ctx: RenderContext) -> str:
    """A question answered, in one short line: its label and the answer."""
    if not step.label:
        return _with_answer(step, answer, ctx)
    return "✓ " + ctx.t.gettext(step.label) + ": " + answer


def _above(step: Step, answer: str, text: str, ctx: RenderContext) -> str:
    """`text` (what comes next) under the line of the question answered before it: the one
    place that line is put atop a message, so a redrawn question shows it unchanged."""
    return answered(step, answer, ctx) + "\n\n" + text


def _with_answer(step: Step, answer: str, ctx: RenderContext) -> str:
    return question(step, ctx) + "\n→ " + answer


def _localized(params: Mapping[str, Any], ctx: RenderContext) -> dict[str, Any]:
    """Numbers written as the reader writes them (1,5 and 1.500 in Indonesian), so a
    suggested number can be typed back as shown."""
    return {key: _written(value, ctx) for key, value in params.items()}


def _written(value: Any, ctx: RenderContext) -> Any:
    if isinstance(value, Decimal):
        return ctx.t.format_number(value)
    if isinstance(value, Rupiah):
        return ctx.t.format_money(value.amount)
    return value


def question(step: Step, ctx: RenderContext) -> str:
    return ctx.t.gettext(step.prompt).format(unit=ctx.unit)


def _choices(ask: Ask, ctx: RenderContext) -> Choices:
    step, t = ask.step, ctx.t
    rows: list[tuple[Choice, ...]] = []
    if step.kind is Kind.CHOICE:
        options = tuple((t.gettext(o.label), o.value) for o in step.options)
        short = len(options) <= 2 and all(len(label) <= 16 for label, _ in options)
        rows.extend([options] if short else [(option,) for option in options])
    elif step.kind is Kind.MULTI:
        for option in step.options:
            mark = "✅ " if option.value in ask.selected else ""
            rows.append(((mark + t.gettext(option.label), option.value),))
        last = (t.gettext(DONE_LABEL), DONE)
        if step.none_label and not ask.selected:
            last = (t.gettext(step.none_label), NONE)
        rows.append((last,))
    if step.optional:
        rows.append(((t.gettext(SKIP_LABEL), SKIP),))
    return tuple(rows)


def _confirm(ctx: RenderContext) -> Choices:
    t = ctx.t
    return (((t.gettext(SEND_LABEL), SEND),), ((t.gettext(FIX_LABEL), FIX),))


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
