"""Doubtful answers are asked about once: the engine's side, with the history supplied."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal
from typing import Any

import pytest

from bot.flows import checks, engine
from bot.flows.engine import Ask, Check, FlowState, Limits, Press, Text, Transition
from bot.flows.outputs import Rupiah
from conversations.checkin import CHECKIN

LIMITS = Limits(unit="kg", max_quantity=Decimal(1000), locale="id")
SOLD = {"produced": "yes", "quantity_produced": "10", "quantity_sold": "4"}


def at(step: str, **answers: Any) -> FlowState:
    return FlowState(step=step, answers=dict(answers))


def check_of(transition: Transition) -> Check | None:
    return next((o for o in transition.outputs if isinstance(o, Check)), None)


def test_seven_rupiah_is_asked_about_with_the_thousands_offered() -> None:
    doubt = engine.handle(CHECKIN, at("revenue_idr", **SOLD), Text("tujuh"), LIMITS)
    check = check_of(doubt)
    assert check is not None and check.msgid == checks.AMOUNT_MEANT
    assert check.params == {"typed": Rupiah(7), "suggested": Rupiah(7000)}
    assert [value for _, value in check.choices] == [checks.KEEP, checks.USE, checks.AGAIN]
    assert doubt.changed == {} and doubt.state.step == "revenue_idr"
    used = engine.handle(CHECKIN, doubt.state, Press(checks.USE), LIMITS)
    assert used.changed == {"revenue_idr": 7000}
    assert used.state.confirmed == {"revenue_idr": 7000} and used.state.checking is None


def test_kept_as_typed_and_not_asked_again_after_a_correction() -> None:
    doubt = engine.handle(CHECKIN, at("revenue_idr", **SOLD), Text("50"), LIMITS)
    kept = engine.handle(CHECKIN, doubt.state, Text("iya"), LIMITS)
    assert kept.changed == {"revenue_idr": 50}
    # Corrected later to the same amount: the confirmation stands.
    state = kept.state
    state.step, state.correcting = "revenue_idr", True
    again = engine.handle(CHECKIN, state, Text("50"), LIMITS)
    assert check_of(again) is None and again.changed == {"revenue_idr": 50}


def test_typing_again_asks_the_question_again_and_a_new_number_is_checked_anew() -> None:
    doubt = engine.handle(CHECKIN, at("revenue_idr", **SOLD), Text("7"), LIMITS)
    again = engine.handle(CHECKIN, doubt.state, Press(checks.AGAIN), LIMITS)
    assert again.outputs == [Ask(CHECKIN.step("revenue_idr"))] and again.changed == {}
    doubt = engine.handle(CHECKIN, at("revenue_idr", **SOLD), Text("7"), LIMITS)
    typed = engine.handle(CHECKIN, doubt.state, Text("70.000"), LIMITS)
    assert typed.changed == {"revenue_idr": 70_000}
    # The same doubtful number typed twice means it is right.
    doubt = engine.handle(CHECKIN, at("revenue_idr", **SOLD), Text("7"), LIMITS)
    same = engine.handle(CHECKIN, doubt.state, Text("7"), LIMITS)
    assert same.changed == {"revenue_idr": 7}


@pytest.mark.parametrize(
    ("usual", "price", "typed", "asked"),
    [
        (50_000, None, "60rb", False),
        (50_000, None, "2 juta", True),  # more than 20 times the family's median
        (50_000, None, "2000", True),  # under a twentieth of it
        (None, Decimal(10_000), "40rb", False),  # 4 kg at the cohort's Rp10.000 per kg
        (None, Decimal(10_000), "4 juta", True),
        (None, None, "4 juta", False),  # nothing known: only the floor applies
    ],
)
def test_far_from_the_usual(
    usual: int | None, price: Decimal | None, typed: str, asked: bool
) -> None:
    limits = replace(LIMITS, usual_amount=usual, usual_price=price)
    transition = engine.handle(CHECKIN, at("revenue_idr", **SOLD), Text(typed), limits)
    assert (check_of(transition) is not None) is asked


def test_selling_more_than_was_produced_asks_about_earlier_stock() -> None:
    answers = {"produced": "yes", "quantity_produced": "10"}
    doubt = engine.handle(CHECKIN, at("quantity_sold", **answers), Text("12"), LIMITS)
    check = check_of(doubt)
    assert check is not None and check.msgid == checks.SOLD_MORE
    assert check.params["sold"] == Decimal(12) and check.params["produced"] == Decimal(10)
    stock = engine.handle(CHECKIN, doubt.state, Press(checks.KEEP), LIMITS)
    assert stock.changed == {"quantity_sold": "12"} and asked_step(stock) == "revenue_idr"
    fewer = engine.handle(CHECKIN, at("quantity_sold", **answers), Text("8"), LIMITS)
    assert check_of(fewer) is None


def test_the_pending_question_survives_a_restart_and_is_shown_again() -> None:
    doubt = engine.handle(CHECKIN, at("revenue_idr", **SOLD), Text("7"), LIMITS)
    saved = FlowState.from_json(doubt.state.step, doubt.state.to_json())
    assert saved.checking == doubt.state.checking
    shown = engine.resume(CHECKIN, saved)
    assert [type(o) for o in shown] == [Check]


def asked_step(transition: Transition) -> str | None:
    return next((o.step.id for o in transition.outputs if isinstance(o, Ask)), None)
