"""A conversation saved under version 1 of a flow, carried on under version 2 (no I/O)."""

from __future__ import annotations

from typing import Any

import pytest

from bot.flows import engine
from bot.flows.engine import (
    STALE_BUTTON,
    Ask,
    FlowState,
    Limits,
    Output,
    Press,
    Say,
    Summary,
    Text,
)
from bot.flows.model import SKIP, Condition, Flow, FlowDefinitionError, Kind, Option, Step, Upgrade
from bot.flows.upgrade import QUESTIONS_CHANGED, migrate

YES_NO = (Option("yes", "Yes"), Option("no", "No"))
COLOURS = (Option("red", "Red"), Option("blue", "Blue"))

PRODUCED = Step("produced", Kind.CHOICE, "Produced?", options=YES_NO)
AMOUNT = Step("amount", Kind.QUANTITY, "How much?", skip_if=(Condition("produced", "is", "no"),))
COLOUR = Step("colour", Kind.CHOICE, "Colour?", options=COLOURS)
NOTE = Step("note", Kind.TEXT, "A note?", optional=True)
CONFIRM = Step("confirm", Kind.CONFIRM, "Check:")

V1 = Flow("test", 1, (PRODUCED, AMOUNT, COLOUR, NOTE, CONFIRM))
LIMITS = Limits()


def saved(step: str, **answers: Any) -> FlowState:
    return FlowState(step=step, answers=dict(answers), asked=7)


def said(outputs: list[Output]) -> list[str]:
    return [
        f"ask {o.step.id}"
        if isinstance(o, Ask)
        else "summary"
        if isinstance(o, Summary)
        else f"say {o.msgid}"
        if isinstance(o, Say)
        else type(o).__name__
        for o in outputs
    ]


def test_by_default_fitting_answers_are_kept_and_the_first_gap_is_asked() -> None:
    # Version 2: "amount" renamed "produced_kg" (no rule: its answer is lost), a step added.
    v2 = Flow(
        "test",
        2,
        (
            PRODUCED,
            Step("produced_kg", Kind.QUANTITY, "How many kg?"),
            COLOUR,
            Step("size", Kind.CHOICE, "Size?", options=(Option("s", "S"), Option("l", "L"))),
            NOTE,
            CONFIRM,
        ),
    )
    old = saved("note", produced="yes", amount="5", colour="red")
    moved = migrate(v2, old, 1, LIMITS)
    assert moved.state.answers == {"produced": "yes", "colour": "red"}
    assert moved.state.step == "produced_kg"
    assert said(moved.outputs) == [f"say {QUESTIONS_CHANGED}", "ask produced_kg"]
    assert moved.changed == {"amount": None}

    # Answered: the next gap is "size", not "colour" again.
    after = migrate(v2, old, 1, LIMITS, Text("hello"))  # the note's answer, not taken
    assert after.state.step == "produced_kg"
    nxt = engine.handle(v2, after.state, Text("5"), LIMITS)
    assert said(nxt.outputs) == ["ask size"]


def test_a_declared_rule_renames_drops_maps_and_resumes() -> None:
    v2 = Flow(
        "test",
        2,
        (
            PRODUCED,
            Step("produced_kg", Kind.QUANTITY, "How many kg?"),
            Step("colour", Kind.CHOICE, "Colour?", options=(Option("merah", "Merah"),)),
            NOTE,
            CONFIRM,
        ),
        upgrades=(
            Upgrade(
                1,
                renamed={"amount": "produced_kg"},
                dropped=("note",),
                values={"colour": {"red": "merah"}},
                resume_at="colour",
            ),
        ),
    )
    old = saved("confirm", produced="yes", amount="5", colour="red", note="dry")
    moved = migrate(v2, old, 1, LIMITS, Press("~send"))
    assert moved.state.answers == {"produced": "yes", "produced_kg": "5", "colour": "merah"}
    # The Send button of the old summary is not taken: it was for another question.
    assert said(moved.outputs) == [f"say {STALE_BUTTON}", f"say {QUESTIONS_CHANGED}", "ask colour"]
    assert moved.changed == {"amount": None, "note": None, "produced_kg": "5", "colour": "merah"}
    assert not moved.finished


def test_the_same_question_takes_a_typed_answer_but_not_an_old_button() -> None:
    v2 = Flow("test", 2, (*V1.steps[:-1], Step("extra", Kind.TEXT, "More?"), CONFIRM))
    old = saved("amount", produced="yes")
    typed = migrate(v2, old, 1, LIMITS, Text("3"))
    assert typed.state.answers == {"produced": "yes", "amount": "3"}
    assert said(typed.outputs) == ["ask colour"]
    assert typed.changed == {"amount": "3"}

    pressed = migrate(v2, saved("colour", produced="no"), 1, LIMITS, Press("red"))
    assert pressed.state.answers == {"produced": "no"}
    assert said(pressed.outputs) == [f"say {STALE_BUTTON}", "ask colour"]
    assert pressed.state.step == "colour"


def test_answers_that_no_longer_fit_or_apply_are_not_kept() -> None:
    v2 = Flow(
        "test",
        2,
        (
            PRODUCED,
            Step("amount", Kind.MONEY, "How much money?"),  # was a quantity
            Step("colour", Kind.CHOICE, "Colour?", options=(Option("green", "Green"),)),
            Step("note", Kind.TEXT, "A note?", skip_if=(Condition("produced", "is", "yes"),)),
            CONFIRM,
        ),
    )
    old = saved("confirm", produced="yes", amount="5", colour="red", note=None)
    moved = migrate(v2, old, 1, LIMITS)
    assert moved.state.answers == {"produced": "yes"}
    assert moved.state.step == "amount"


def test_all_kept_the_summary_is_shown_again() -> None:
    v2 = Flow("test", 2, V1.steps)
    old = saved("note", produced="no", colour="blue")
    moved = migrate(v2, old, 1, LIMITS, Press(SKIP))
    assert moved.state.step == "note"
    assert said(moved.outputs) == [f"say {STALE_BUTTON}", "ask note"]
    done = migrate(v2, saved("note", produced="no", colour="blue", note=None), 1, LIMITS)
    assert said(done.outputs) == [f"say {QUESTIONS_CHANGED}", "summary"]


@pytest.mark.parametrize(
    ("upgrade", "error"),
    [
        (Upgrade(1, renamed={"amount": "weight"}), "unknown step 'weight'"),
        (Upgrade(1, resume_at="size"), "unknown step 'size'"),
        (Upgrade(1, values={"colour": {"red": "merah"}}), "has no option 'merah'"),
        (Upgrade(1, renamed={"amount": "confirm"}), "takes no answer"),
        (Upgrade(2), "not an earlier version"),
        (Upgrade(1, renamed={"a": "note", "b": "note"}), "two answers renamed to one step"),
        (Upgrade(1, renamed={"a": "note"}, dropped=("a",)), "both renamed and dropped"),
    ],
)
def test_an_upgrade_naming_what_the_flow_lacks_fails_at_declaration(
    upgrade: Upgrade, error: str
) -> None:
    with pytest.raises(FlowDefinitionError, match=error):
        Flow("test", 2, V1.steps, upgrades=(upgrade,))
    with pytest.raises(FlowDefinitionError, match="two upgrades"):
        Flow("test", 3, V1.steps, upgrades=(Upgrade(1), Upgrade(1)))
