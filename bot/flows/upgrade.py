"""A conversation saved under an earlier version of its flow, carried on under the current one.

No I/O: bot/dialogue/runner.py calls `migrate` at the first turn after the version changed
and persists the result, with the new version, like any other transition. The rules are
declared beside each flow (`Flow.upgrades`, see `Upgrade` in bot/flows/model.py).
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from bot.flows import engine
from bot.flows.engine import (
    STALE_BUTTON,
    Ask,
    CorrectionMenu,
    Event,
    FlowState,
    Limits,
    Press,
    Say,
    Summary,
    Transition,
)
from bot.flows.model import Flow, Kind, Step, Upgrade
from bot.lib.i18n import N_

QUESTIONS_CHANGED = N_("The questions have changed a little; your answers so far are kept.")


def migrate(
    flow: Flow, state: FlowState, from_version: int, limits: Limits, event: Event | None = None
) -> Transition:
    """The state under the flow's version, the answers that changed, and what to say.

    `event` is the turn's answer, if any: it is taken when the person is still asked the
    question they were answering. A button is never taken: it was drawn for the old
    version, so it is stale, and the person is asked again with the new buttons.
    """
    rule = flow.upgrade_from(from_version)
    answers = kept_answers(flow, rule, state.answers, limits.stock)
    new = FlowState(step=None, answers=answers, asked=state.asked)
    _go_on(flow, rule, new, limits)
    seen = rule.renamed.get(state.step, state.step) if state.step else None
    same = new.step is not None and new.step == seen and state.step not in rule.dropped
    step = flow.step(new.step) if same and new.step is not None else None
    if step is not None and step.kind is Kind.MULTI and not new.selected:
        # A selection under way on the same question is kept, as far as it still fits.
        selected = _mapped(rule.values.get(step.id, {}), state.selected)
        new.selected = _fitting(step, selected)
    transition = Transition(new, outputs=list(engine.resume(flow, new)), finished=new.step is None)
    transition.changed = _changes(state.answers, answers)
    if event is not None and same and not isinstance(event, Press):
        answered = engine.handle(flow, new, event, limits)
        answered.changed = {**transition.changed, **answered.changed}
        if not answered.finished and not _asks(answered):
            # Whatever is on screen was drawn for the old version: draw the question anew.
            answered.outputs.extend(engine.resume(flow, answered.state))
        return answered
    notes = [Say(STALE_BUTTON)] if isinstance(event, Press) else []
    if not same:
        notes.append(Say(QUESTIONS_CHANGED))
    transition.outputs[:0] = notes
    return transition


def kept_answers(
    flow: Flow, rule: Upgrade, answers: Mapping[str, Any], stock: Decimal | None = None
) -> dict[str, Any]:
    """The old answers under the new step ids: those that still fit and still apply."""
    moved: dict[str, Any] = {}
    # Answers kept under their own id first, so an answer renamed onto that id wins.
    for old_id in sorted(answers, key=lambda key: key in rule.renamed):
        if old_id in rule.dropped:
            continue
        new_id = rule.renamed.get(old_id, old_id)
        value = _mapped(rule.values.get(new_id, {}), answers[old_id])
        if new_id in flow.index and fits(flow.step(new_id), value):
            moved[new_id] = value
    kept: dict[str, Any] = {}
    for step in flow.steps:  # conditions name earlier steps only: `kept` holds those by now
        if step.id in moved and not step.skipped(kept, stock):
            kept[step.id] = moved[step.id]
    return kept


def fits(step: Step, value: Any) -> bool:
    """Whether `value` could be the step's answer, as the engine stores answers."""
    if value is None:
        return step.optional  # skipped
    options = {option.value for option in step.options}
    if step.kind is Kind.CHOICE:
        return isinstance(value, str) and value in options
    if step.kind is Kind.MULTI:
        return isinstance(value, list) and all(v in options for v in value)
    if step.kind is Kind.QUANTITY:
        return isinstance(value, str) and _non_negative(value)
    if step.kind is Kind.MONEY:
        return type(value) is int and value >= 0
    if step.kind in (Kind.TEXT, Kind.PHOTO):
        return isinstance(value, str) and bool(value)
    return False  # the confirmation is not an answer


def _go_on(flow: Flow, rule: Upgrade, state: FlowState, limits: Limits) -> None:
    """At the first step not yet answered, or `resume_at` if it comes first; the summary
    when all is answered, the end (no step) for a flow without one."""
    for step in flow.steps:
        if step.skipped(state.answers, limits.stock):
            continue
        if step.id in state.answers and step.id != rule.resume_at:
            continue
        state.step = step.id
        if step.kind is not Kind.CONFIRM:
            # From gap to gap, as after a correction: kept answers are not asked again.
            state.correcting = True
            if step.kind is Kind.MULTI:
                state.selected = list(state.answers.get(step.id) or [])
        return
    state.step = None


def _changes(old: Mapping[str, Any], new: Mapping[str, Any]) -> dict[str, Any]:
    """Answers set or cleared (None), for the flow's binding; cleared ones first."""
    changed: dict[str, Any] = {key: None for key in old if key not in new}
    changed.update(
        {key: value for key, value in new.items() if key not in old or old[key] != value}
    )
    return changed


def _mapped(values: Mapping[str, str], answer: Any) -> Any:
    if isinstance(answer, str):
        return values.get(answer, answer)
    if isinstance(answer, list):
        return [values.get(v, v) if isinstance(v, str) else v for v in answer]
    return answer


def _fitting(step: Step, selected: list[str]) -> list[str]:
    options = {option.value for option in step.options}
    return [value for value in selected if value in options]


def _non_negative(text: str) -> bool:
    try:
        return Decimal(text) >= 0
    except InvalidOperation:
        return False


def _asks(transition: Transition) -> bool:
    return any(isinstance(o, (Ask, Summary, CorrectionMenu)) for o in transition.outputs)
