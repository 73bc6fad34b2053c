"""Runs a flow: (state, event) -> (state, outputs). No I/O, no clock, no database.

Answers are stored as JSON-friendly values: option values, lists of them, numbers as
strings of Decimals, texts, file ids. The events it takes (events.py), the outputs it gives
(outputs.py) and the state it moves (progress.py) are importable from here too.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from bot.flows import checks
from bot.flows.events import Event, Media, Press, Text, Unsupported
from bot.flows.limits import Limits
from bot.flows.matching import match
from bot.flows.model import (
    BACK,
    DONE,
    DONE_LABEL,
    FIX,
    NONE,
    SEND,
    SEND_LABEL,
    SKIP,
    Flow,
    Kind,
    Step,
)
from bot.flows.outputs import (
    Ask,
    Check,
    Chosen,
    CorrectionMenu,
    Keep,
    Output,
    Reselect,
    Say,
    Summary,
)
from bot.flows.progress import FlowState, Transition
from bot.flows.typed import confirm_buttons, everything, skip_button, step_buttons
from bot.lib.i18n import N_
from bot.lib.parsing.amounts import Parsed, parse_money, parse_quantity

# Callers import the events and outputs from here, with the engine that takes and gives them.
__all__ = [
    "Ask",
    "Check",
    "Chosen",
    "CorrectionMenu",
    "Event",
    "FlowState",
    "Keep",
    "Limits",
    "Media",
    "Output",
    "Press",
    "Reselect",
    "Say",
    "Summary",
    "Text",
    "Transition",
    "Unsupported",
    "begin",
    "handle",
    "resume",
]


# --- messages the engine itself says (msgids) --------------------------------------------

TYPE_A_BUTTON = N_(
    "Please tap one of the buttons below, or type what it says, for example “{example}”."
)
TAP_OR_TYPE_THEN_DONE = N_(
    "Tap or type every answer that fits, for example “{example}”, then “{done}”. If none "
    "fits: “{none}”."
)
NONE_AFTER_CHOICE = N_(
    "You have chosen: {chosen}. Tap “{done}” to go on, or tap a chosen answer again to remove it."
)
SEND_A_PHOTO = N_("Please send a photo, or tap “Skip”.")
NOT_TEXT = N_("I cannot use that here. Please type your answer, or send a voice note.")
ONLY_TEXT = N_("I cannot use that here. Please type your answer.")
STALE_BUTTON = N_("That button is from an earlier question.")
NUMBER_EMPTY = N_("Please type a number.")
NUMBER_NOT_UNDERSTOOD = N_("I did not understand that number.")
NUMBER_NEGATIVE = N_("The number cannot be negative.")
NUMBER_TOO_LARGE = N_("That number seems too large.")
NUMBER_AMBIGUOUS = N_("I am not sure which number you mean: {first} or {second}?")
NUMBER_AMBIGUOUS_PLAIN = N_("Please type just one number.")
NUMBER_WHOLE_RUPIAH = N_("A rupiah amount has no fraction: add rb or jt, or type the whole amount.")
NUMBER_DID_YOU_MEAN = N_("Did you mean {value}? If so, please type {value}.")
NUMBER_WRONG_UNIT = N_("Please answer in {unit}.")


# --- the engine --------------------------------------------------------------------------


def begin(flow: Flow, limits: Limits, answers: Mapping[str, Any] | None = None) -> Transition:
    state = FlowState(step=None, answers=dict(answers or {}))
    return _advance(flow, state, after=None, limits=limits, transition=Transition(state))


def resume(flow: Flow, state: FlowState, unit: str = "kg") -> list[Output]:
    """What to show to pick up where the person left off (e.g. after /bantuan)."""
    if state.step is None:
        return []
    step = flow.step(state.step)
    if step.kind is Kind.CONFIRM:
        return [Summary(step, dict(state.answers))]
    if state.checking is not None:
        return [checks.question(step, state.checking, state.answers, unit)]
    return [Ask(step, tuple(state.selected))]


def handle(flow: Flow, state: FlowState, event: Event, limits: Limits) -> Transition:
    if state.step is None or state.step not in flow.index:
        # Finished, or the flow changed under an open conversation: start over, keeping answers.
        return _advance(flow, state, after=None, limits=limits, transition=Transition(state))
    step = flow.step(state.step)
    transition = Transition(state)
    t = limits.translate
    if step.kind is Kind.CONFIRM:
        return _on_confirm(flow, state, step, event, limits, transition)
    if isinstance(event, Press) and event.value.startswith(FIX):
        # A correction button pressed from the menu while a question is open.
        return _on_confirm(flow, state, flow.steps[-1], event, limits, transition)
    if state.checking is not None:
        return _on_checking(flow, state, step, event, limits, transition)
    if isinstance(event, Text) and step.optional and match(event.text, [skip_button(t)]):
        event = Press(SKIP)  # typed "lewati": the Skip button
    if isinstance(event, Press) and event.value == SKIP and step.optional:
        transition.outputs.append(Chosen(step, None))
        return _answer(flow, state, step, None, limits, transition)
    if step.kind is Kind.CHOICE:
        return _on_choice(flow, state, step, event, limits, transition)
    if step.kind is Kind.MULTI:
        return _on_multi(flow, state, step, event, limits, transition)
    if step.kind in (Kind.QUANTITY, Kind.MONEY):
        return _on_number(flow, state, step, event, limits, transition)
    if step.kind is Kind.TEXT:
        return _on_text(flow, state, step, event, limits, transition)
    return _on_photo(flow, state, step, event, limits, transition)


def _reask(step: Step, transition: Transition, msgid: str, **params: Any) -> Transition:
    transition.outputs.append(Say(msgid, params))
    if step.hint:
        transition.outputs.append(Say(step.hint, {}))
    transition.outputs.append(Ask(step, tuple(transition.state.selected)))
    return transition


def _match_option(step: Step, text: str, limits: Limits) -> str | None:
    return match(text, step_buttons(step, limits.translate))


def _on_choice(
    flow: Flow, state: FlowState, step: Step, event: Event, limits: Limits, transition: Transition
) -> Transition:
    value: str | None = None
    if isinstance(event, Press):
        value = event.value if event.value in {o.value for o in step.options} else None
        if value is None:
            return _reask(step, transition, STALE_BUTTON)
        transition.outputs.append(Chosen(step, value))
    elif isinstance(event, Text):
        value = _match_option(step, event.text, limits)
        if value is not None:
            transition.outputs.append(Chosen(step, value))  # shown as a press shows it
    if value is None:
        example = limits.translate(step.options[0].label)
        return _reask(step, transition, TYPE_A_BUTTON, example=example)
    return _answer(flow, state, step, value, limits, transition)


def _on_multi(
    flow: Flow, state: FlowState, step: Step, event: Event, limits: Limits, transition: Transition
) -> Transition:
    values = [o.value for o in step.options]
    if isinstance(event, Text):
        matched = _match_option(step, event.text, limits)
        t = limits.translate
        if matched is None:
            return _refuse_multi(step, limits, transition)
        if matched == NONE and state.selected:
            # "No problems" after choosing some: the button is not shown; say what is.
            labels_ = {o.value: t(o.label) for o in step.options}
            named = ", ".join(labels_[v] for v in state.selected if v in labels_)
            return _reask(step, transition, NONE_AFTER_CHOICE, chosen=named, done=t(DONE_LABEL))
        if matched == DONE and not state.selected and step.none_label:
            # "Done" with nothing chosen: not on screen either; the none button is.
            return _refuse_multi(step, limits, transition)
        event = Press(matched)
    if not isinstance(event, Press):
        return _refuse_multi(step, limits, transition)
    if event.value == NONE:
        state.selected = []
        transition.outputs.append(Chosen(step, []))
        return _answer(flow, state, step, [], limits, transition)
    if event.value == DONE:
        chosen = [v for v in values if v in state.selected]
        state.selected = []
        transition.outputs.append(Chosen(step, chosen))
        return _answer(flow, state, step, chosen, limits, transition)
    if event.value not in values:
        return _reask(step, transition, STALE_BUTTON)
    if event.value in state.selected:
        state.selected.remove(event.value)
    else:
        state.selected.append(event.value)
    transition.outputs.append(Reselect(step, tuple(state.selected)))
    return transition


def _refuse_multi(step: Step, limits: Limits, transition: Transition) -> Transition:
    t = limits.translate
    example, done = t(step.options[0].label), t(DONE_LABEL)
    none = t(step.none_label) if step.none_label else done
    return _reask(step, transition, TAP_OR_TYPE_THEN_DONE, example=example, done=done, none=none)


def _on_number(
    flow: Flow, state: FlowState, step: Step, event: Event, limits: Limits, transition: Transition
) -> Transition:
    if not isinstance(event, Text):
        return _reask(step, transition, NUMBER_EMPTY)
    if step.kind is Kind.QUANTITY:
        typed = everything(step, event.text, state.answers)  # "semua": all that was made
        result = parse_quantity(
            typed, unit=limits.unit, ceiling=limits.max_quantity, locale=limits.locale
        )
    else:
        result = parse_money(event.text, ceiling=limits.max_revenue_idr, locale=limits.locale)
    if isinstance(result, Parsed):
        value: Any = str(result.value) if step.kind is Kind.QUANTITY else int(result.value)
        pending = None
        if state.confirmed.get(step.id) != value:
            pending = checks.doubt(step, value, state.answers, limits)
        if pending is not None:
            state.checking = pending
            transition.outputs.append(checks.question(step, pending, state.answers, limits.unit))
            return transition
        return _answer(flow, state, step, value, limits, transition)
    error = result.error.value
    # Candidates stay Decimals: the renderer writes them the way the reader types numbers.
    if error == "ambiguous" and len(result.candidates) >= 2:
        first, second = result.candidates[:2]
        return _reask(step, transition, NUMBER_AMBIGUOUS, first=first, second=second)
    if error == "ambiguous" and len(result.candidates) == 1:
        return _reask(step, transition, NUMBER_DID_YOU_MEAN, value=result.candidates[0])
    if error == "ambiguous" and step.kind is Kind.MONEY:
        # "1,5" or "setengah" rupiah: one number, but a fraction of a rupiah (none to offer).
        return _reask(step, transition, NUMBER_WHOLE_RUPIAH, unit=limits.unit)
    messages = {
        "empty": NUMBER_EMPTY,
        "not_a_number": NUMBER_NOT_UNDERSTOOD,
        "negative": NUMBER_NEGATIVE,
        "too_large": NUMBER_TOO_LARGE,
        "ambiguous": NUMBER_AMBIGUOUS_PLAIN,
        "wrong_unit": NUMBER_WRONG_UNIT,
    }
    return _reask(step, transition, messages.get(error, NUMBER_NOT_UNDERSTOOD), unit=limits.unit)


def _on_checking(
    flow: Flow, state: FlowState, step: Step, event: Event, limits: Limits, transition: Transition
) -> Transition:
    """The answer to "Rp7 — did you mean Rp7.000?": as typed, corrected, or typed anew."""
    pending = state.checking or {}
    reply = checks.reading(event, pending, limits)
    if reply in (checks.KEEP, checks.USE):
        value = pending["value"] if reply == checks.KEEP else pending["suggested"]
        state.checking = None
        state.confirmed[step.id] = value
        transition.outputs.append(Chosen(step, value))
        return _answer(flow, state, step, value, limits, transition)
    if reply == checks.AGAIN:
        state.checking = None
        transition.outputs.append(Ask(step))
        return transition
    if isinstance(event, Text):
        # A new number: checked as any answer; the same one again means it is right.
        state.checking = None
        state.confirmed[step.id] = pending.get("value")
        return _on_number(flow, state, step, event, limits, transition)
    transition.outputs.append(checks.question(step, pending, state.answers, limits.unit))
    return transition


def _on_text(
    flow: Flow, state: FlowState, step: Step, event: Event, limits: Limits, transition: Transition
) -> Transition:
    if isinstance(event, Text) and event.text.strip():
        return _answer(flow, state, step, event.text.strip()[:2000], limits, transition)
    if isinstance(event, Media) and step.accepts_media:
        transition.outputs.append(Keep(step, event))
        answer = event.caption.strip() if event.caption else f"[{event.kind}]"
        return _answer(flow, state, step, answer, limits, transition)
    return _reask(step, transition, NOT_TEXT if step.accepts_media else ONLY_TEXT)


def _on_photo(
    flow: Flow, state: FlowState, step: Step, event: Event, limits: Limits, transition: Transition
) -> Transition:
    if isinstance(event, Media) and event.kind == "photo":
        transition.outputs.append(Keep(step, event))
        return _answer(flow, state, step, event.file_id, limits, transition)
    return _reask(step, transition, SEND_A_PHOTO)


def _on_confirm(
    flow: Flow, state: FlowState, step: Step, event: Event, limits: Limits, transition: Transition
) -> Transition:
    if isinstance(event, Press) and event.value == SEND:
        transition.outputs.append(Chosen(step, SEND))
        state.step = None
        state.correcting = False
        transition.finished = True
        return transition
    if isinstance(event, Press) and event.value == FIX:
        transition.outputs.append(CorrectionMenu(_correctable(flow, state)))
        return transition
    if isinstance(event, Press) and event.value == BACK:
        transition.outputs.append(Summary(step, dict(state.answers)))
        return transition
    if isinstance(event, Press) and event.value.startswith(FIX + ":"):
        target = event.value.removeprefix(FIX + ":")
        if target not in {s.id for s in _correctable(flow, state)}:
            return _reask_summary(step, state, transition, STALE_BUTTON)
        state.step = target
        state.selected = (
            list(state.answers.get(target) or []) if flow.step(target).kind is Kind.MULTI else []
        )
        state.correcting = True
        transition.outputs.append(Ask(flow.step(target), tuple(state.selected)))
        return transition
    if isinstance(event, Text):
        typed = match(event.text, confirm_buttons(_correctable(flow, state), limits.translate))
        if typed is not None:
            return _on_confirm(flow, state, step, Press(typed), limits, transition)
    example = limits.translate(SEND_LABEL)
    return _reask_summary(step, state, transition, TYPE_A_BUTTON, example=example)


def _reask_summary(
    step: Step, state: FlowState, transition: Transition, msgid: str, **params: Any
) -> Transition:
    transition.outputs.append(Say(msgid, params))
    transition.outputs.append(Summary(step, dict(state.answers)))
    return transition


def _correctable(flow: Flow, state: FlowState) -> tuple[Step, ...]:
    return tuple(
        s
        for s in flow.steps
        if s.kind is not Kind.CONFIRM and s.id in state.answers and not s.skipped(state.answers)
    )


def _answer(
    flow: Flow, state: FlowState, step: Step, value: Any, limits: Limits, transition: Transition
) -> Transition:
    state.answers[step.id] = value
    transition.changed[step.id] = value
    # Answers to questions that no longer apply are cleared: no record contradicts itself.
    for later in flow.steps[flow.index[step.id] + 1 :]:
        if later.id in state.answers and later.skipped(state.answers, limits.stock):
            del state.answers[later.id]
            transition.changed[later.id] = None
    return _advance(flow, state, after=step.id, limits=limits, transition=transition)


def _advance(
    flow: Flow, state: FlowState, *, after: str | None, limits: Limits, transition: Transition
) -> Transition:
    """Go to the next question that applies and is not answered yet, else the summary."""
    start = 0 if after is None else flow.index[after] + 1
    for step in flow.steps[start:]:
        if step.skipped(state.answers, limits.stock):
            continue
        if step.kind is Kind.CONFIRM:
            state.step = step.id
            state.correcting = False
            transition.outputs.append(Summary(step, dict(state.answers)))
            return transition
        if step.id in state.answers and (state.correcting or after is None):
            continue
        state.step = step.id
        state.selected = []
        transition.outputs.append(Ask(step))
        return transition
    # A flow without a confirmation step ends after its last question.
    state.step = None
    state.correcting = False
    transition.finished = True
    return transition
