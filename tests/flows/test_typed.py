"""Typed text does what the button it names does, in every kind of question."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from bot.flows import engine
from bot.flows.engine import CorrectionMenu, FlowState, Limits, Reselect, Say, Text
from bot.lib.i18n import translator
from conversations.checkin import CHECKIN
from conversations.onboarding import ONBOARDING

ID = Limits(unit="kg", max_quantity=Decimal(1000), locale="id", translate=translator("id").gettext)
JV = Limits(unit="kg", max_quantity=Decimal(1000), locale="jv", translate=translator("jv").gettext)


def at(step: str, **answers: Any) -> FlowState:
    return FlowState(step=step, answers=dict(answers))


@pytest.mark.parametrize(
    ("typed", "language"),
    [
        ("jawa", "jv"),
        ("Basa Jawa", "jv"),
        ("bahasa indonesia", "id"),
        ("Indonesia", "id"),
        ("english", "en"),
        ("inggris", "en"),
        ("Englis", "en"),
    ],
)
def test_a_language_by_its_name(typed: str, language: str) -> None:
    transition = engine.handle(ONBOARDING, at("language"), Text(typed), ID)
    assert transition.changed == {"language": language}


@pytest.mark.parametrize(
    ("typed", "value"),
    [("setuju", "yes"), ("Saya setuju", "yes"), ("nggih", "yes"), ("tidak setuju", "no")],
)
def test_consent_in_words(typed: str, value: str) -> None:
    transition = engine.handle(ONBOARDING, at("consent", language="id"), Text(typed), ID)
    assert transition.changed == {"consent": value}


@pytest.mark.parametrize(
    "typed", ["iya", "y", "ya.", "Ya", "sampun", "nggih", "sudah", "inggih", "YES"]
)
def test_yes(typed: str) -> None:
    transition = engine.handle(CHECKIN, at("produced"), Text(typed), ID)
    assert transition.changed["produced"] == "yes"


@pytest.mark.parametrize(
    "typed",
    ["enggak", "gak", "nggak", "tidak ada", "belum", "ora", "mboten", "Tidak", "tdk", "dereng"],
)
def test_no(typed: str) -> None:
    transition = engine.handle(CHECKIN, at("produced"), Text(typed), JV)
    assert transition.changed["produced"] == "no"


def test_problems_typed_toggle_and_none_and_done() -> None:
    state = at("problems", produced="no")
    toggled = engine.handle(CHECKIN, state, Text("modal"), ID)
    assert toggled.outputs == [Reselect(CHECKIN.step("problems"), ("capital",))]
    untoggled = engine.handle(CHECKIN, toggled.state, Text("Modal"), ID)
    assert untoggled.state.selected == []
    none = engine.handle(CHECKIN, untoggled.state, Text("tidak ada kendala"), ID)
    assert none.changed == {"problems": []}
    # "Selesai" is not on screen before anything is chosen: refused, naming what is.
    early = engine.handle(CHECKIN, at("problems", produced="no"), Text("selesai"), ID)
    said = [o.msgid for o in early.outputs if isinstance(o, Say)]
    assert early.changed == {} and said == [engine.TAP_OR_TYPE_THEN_DONE]
    chosen = engine.handle(CHECKIN, at("problems", produced="no"), Text("pasar"), ID)
    assert chosen.changed == {}  # "pasar" alone is no button
    chosen = engine.handle(CHECKIN, at("problems", produced="no"), Text("Pasar atau pembeli"), ID)
    done = engine.handle(CHECKIN, chosen.state, Text("selesai"), ID)
    assert done.changed == {"problems": ["market"]}


def test_skip_typed_at_the_photo_and_summary_buttons_typed() -> None:
    answers = {"produced": "no", "problems": []}
    skipped = engine.handle(CHECKIN, at("photo", **answers), Text("lewati"), ID)
    assert skipped.changed == {"photo": None}
    summary = skipped.state
    fix = engine.handle(CHECKIN, summary, Text("ubah jawaban"), ID)
    assert isinstance(fix.outputs[0], CorrectionMenu)
    target = engine.handle(CHECKIN, fix.state, Text("Foto"), ID)
    assert target.state.step == "photo"


def test_jv_skip_and_send() -> None:
    answers = {"produced": "no", "problems": []}
    skipped = engine.handle(CHECKIN, at("photo", **answers), Text("liwati"), JV)
    sent = engine.handle(CHECKIN, skipped.state, Text("✅ kirim"), JV)
    assert sent.finished
