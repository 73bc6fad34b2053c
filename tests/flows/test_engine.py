"""The flow engine on its own: (state, event) -> (state, outputs), no I/O.

Every odd input must get an answer that says what is wrong and asks the same question again,
and must lose nothing that was already answered.
"""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal
from typing import Any

import pytest

from bot.flows import engine
from bot.flows.engine import (
    Ask,
    Chosen,
    CorrectionMenu,
    Event,
    FlowState,
    Keep,
    Limits,
    Media,
    Output,
    Press,
    Reselect,
    Say,
    Summary,
    Text,
    Transition,
    Unsupported,
)
from bot.flows.model import DONE, FIX, NONE, SKIP, Condition, Flow, FlowDefinitionError, Kind, Step
from conversations.checkin import CHECKIN
from conversations.onboarding import ONBOARDING

# A tiny Indonesian "catalog": typed answers are matched against translated labels too.
_ID = {"Yes": "Ya", "No": "Tidak", "Market or buyers": "Pasar atau pembeli"}
# A family that held no stock before this check-in.
LIMITS = Limits(
    unit="kg",
    max_quantity=Decimal(1000),
    locale="id",
    translate=lambda m: _ID.get(m, m),
    stock=Decimal(0),
)

PHOTO = Media("photo", "photo-file", "photo-unique")
VOICE = Media("voice", "voice-file", "voice-unique")
STICKER = Unsupported("sticker")
LOCATION = Unsupported("location")


def brief(output: Output) -> str:
    """One line per output, for golden-style comparisons."""
    if isinstance(output, Ask):
        selected = f" {list(output.selected)}" if output.selected else ""
        return f"ask {output.step.id}{selected}"
    if isinstance(output, Say):
        used = {k: v for k, v in output.params.items() if "{" + k + "}" in output.msgid}
        params = ", ".join(f"{k}={v}" for k, v in sorted(used.items()))
        return f"say {output.msgid!r}" + (f" ({params})" if params else "")
    if isinstance(output, Chosen):
        return f"chosen {output.step.id}={output.value!r}"
    if isinstance(output, Reselect):
        return f"reselect {output.step.id} {list(output.selected)}"
    if isinstance(output, Summary):
        return f"summary {dict(output.answers)}"
    if isinstance(output, CorrectionMenu):
        return "menu " + " ".join(step.id for step in output.steps)
    return f"keep {output.step.id} {output.media.kind}"


class Walk:
    """Drives one flow through the engine the way the runner does, keeping a log."""

    def __init__(self, limits: Limits = LIMITS) -> None:
        self.limits = limits
        self.log: list[str] = []
        self.changed: dict[str, Any] = {}
        self.last = engine.begin(CHECKIN, limits)
        self.state = self.last.state
        self._note("begin", self.last)

    def _note(self, said: str, transition: Transition) -> None:
        self.log.append("> " + said)
        self.log.extend("  " + brief(o) for o in transition.outputs)
        if transition.finished:
            self.log.append("  finished")

    def send(self, event: Event) -> Transition:
        # The runner persists state as JSON between turns; do the same.
        state = FlowState.from_json(self.state.step, self.state.to_json())
        self.last = engine.handle(CHECKIN, state, event, self.limits)
        self.state = self.last.state
        self.changed.update(self.last.changed)
        self._note(_describe(event), self.last)
        return self.last


def _describe(event: Event) -> str:
    if isinstance(event, Text):
        return f"text {event.text!r}"
    if isinstance(event, Press):
        return f"press {event.value}"
    if isinstance(event, Media):
        return f"{event.kind}"
    return f"({event.kind})"


def said(transition: Transition) -> list[str]:
    return [o.msgid for o in transition.outputs if isinstance(o, Say)]


def asked(transition: Transition) -> list[str]:
    return [o.step.id for o in transition.outputs if isinstance(o, Ask)]


# --- a whole check-in with odd inputs --------------------------------------------------

GOLDEN_WALK = """\
> begin
  ask produced
> text 'mungkin'
  say 'Please tap one of the buttons below, or type what it says, for example \
“{example}”.' (example=Ya)
  ask produced
> (sticker)
  say 'Please tap one of the buttons below, or type what it says, for example \
“{example}”.' (example=Ya)
  ask produced
> press maybe
  say 'That button is from an earlier question.'
  ask produced
> text ' YA '
  chosen produced='yes'
  ask quantity_produced
> photo
  say 'Please type a number.'
  say 'For example: 5 or 2,5'
  ask quantity_produced
> text '-5'
  say 'The number cannot be negative.'
  say 'For example: 5 or 2,5'
  ask quantity_produced
> text '5000'
  say 'That number seems too large.'
  say 'For example: 5 or 2,5'
  ask quantity_produced
> text '1,500'
  say 'Did you mean {value}? If so, please type {value}.' (value=1.5)
  say 'For example: 5 or 2,5'
  ask quantity_produced
> text '5 liter'
  say 'Please answer in {unit}.' (unit=kg)
  say 'For example: 5 or 2,5'
  ask quantity_produced
> text '1,5 kg'
  ask quantity_sold
> (location)
  say 'Please type a number.'
  say 'For example: 3 or 0'
  ask quantity_sold
> text '1 atau 2'
  say 'I am not sure which number you mean: {first} or {second}?' (first=1, second=2)
  say 'For example: 3 or 0'
  ask quantity_sold
> text 'satu'
  ask revenue_idr
> text '150 000'
  say 'Did you mean {value}? If so, please type {value}.' (value=150000)
  say 'For example: 150000, 150rb or 1,5 jt'
  ask revenue_idr
> text 'setengah'
  say 'A rupiah amount has no fraction: add rb or jt, or type the whole amount.'
  say 'For example: 150000, 150rb or 1,5 jt'
  ask revenue_idr
> text 'banyak'
  say 'I did not understand that number.'
  say 'For example: 150000, 150rb or 1,5 jt'
  ask revenue_idr
> text 'Rp 150.000,-'
  ask offer_stock
> text 'iya'
  chosen offer_stock='yes'
  ask problems
> press tools
  reselect problems ['tools']
> press capital
  reselect problems ['tools', 'capital']
> press tools
  reselect problems ['capital']
> text 'pasar atau pembeli'
  reselect problems ['capital', 'market']
> text 'modal kurang'
  say 'Tap or type every answer that fits, for example “{example}”, then “{done}”. \
If none fits: “{none}”.' (done=Done, example=Tools or equipment, none=No problems)
  ask problems ['capital', 'market']
> photo
  say 'Tap or type every answer that fits, for example “{example}”, then “{done}”. \
If none fits: “{none}”.' (done=Done, example=Tools or equipment, none=No problems)
  ask problems ['capital', 'market']
> press ~done
  chosen problems=['market', 'capital']
  ask problem_note
> (sticker)
  say 'I cannot use that here. Please type your answer, or send a voice note.'
  ask problem_note
> text '   '
  say 'I cannot use that here. Please type your answer, or send a voice note.'
  ask problem_note
> voice
  keep problem_note voice
  ask needs_help
> text 'tidak'
  chosen needs_help='no'
  ask photo
> text 'ini fotonya'
  say 'Please send a photo, or tap “Skip”.'
  ask photo
> voice
  say 'Please send a photo, or tap “Skip”.'
  ask photo
> photo
  keep photo photo
  summary {'produced': 'yes', 'quantity_produced': '1.5', 'quantity_sold': '1', \
'revenue_idr': 150000, 'offer_stock': 'yes', \
'problems': ['market', 'capital'], 'problem_note': '[voice]', \
'needs_help': 'no', 'photo': 'photo-file'}
> text 'hmm'
  say 'Please tap one of the buttons below, or type what it says, for example \
“{example}”.' (example=✅ Send)
  summary {'produced': 'yes', 'quantity_produced': '1.5', 'quantity_sold': '1', \
'revenue_idr': 150000, 'offer_stock': 'yes', \
'problems': ['market', 'capital'], 'problem_note': '[voice]', \
'needs_help': 'no', 'photo': 'photo-file'}
> press ~fix
  menu produced quantity_produced quantity_sold revenue_idr offer_stock problems problem_note \
needs_help photo
> press ~fix:confirm
  say 'That button is from an earlier question.'
  summary {'produced': 'yes', 'quantity_produced': '1.5', 'quantity_sold': '1', \
'revenue_idr': 150000, 'offer_stock': 'yes', \
'problems': ['market', 'capital'], 'problem_note': '[voice]', \
'needs_help': 'no', 'photo': 'photo-file'}
> press ~fix:quantity_sold
  ask quantity_sold
> text '0'
  summary {'produced': 'yes', 'quantity_produced': '1.5', 'quantity_sold': '0', \
'offer_stock': 'yes', 'problems': ['market', 'capital'], 'problem_note': '[voice]', \
'needs_help': 'no', \
'photo': 'photo-file'}
> text 'oke'
  chosen confirm='~send'
  finished
"""


def test_a_whole_checkin_with_odd_inputs_golden() -> None:
    walk = Walk()
    for event in (
        Text("mungkin"),
        STICKER,
        Press("maybe"),
        Text(" YA "),
        PHOTO,
        Text("-5"),
        Text("5000"),  # above the cohort's ceiling of 1000 kg
        Text("1,500"),  # 1.5 or 1500, but 1500 is above the ceiling
        Text("5 liter"),
        Text("1,5 kg"),
        LOCATION,
        Text("1 atau 2"),
        Text("satu"),
        Text("150 000"),
        Text("setengah"),
        Text("banyak"),
        Text("Rp 150.000,-"),
        Text("iya"),
        Press("tools"),
        Press("capital"),
        Press("tools"),
        Text("pasar atau pembeli"),
        Text("modal kurang"),
        PHOTO,
        Press(DONE),
        STICKER,
        Text("   "),
        VOICE,
        Text("tidak"),
        Text("ini fotonya"),
        VOICE,
        PHOTO,
        Text("hmm"),
        Press(FIX),
        Press(FIX + ":confirm"),
        Press(FIX + ":quantity_sold"),
        Text("0"),
        Text("oke"),
    ):
        walk.send(event)
    expected = GOLDEN_WALK.replace("\\\n", "")
    assert "\n".join(walk.log) + "\n" == expected
    # Income no longer applies after "sold 0", so it was cleared, not left behind.
    assert walk.changed["revenue_idr"] is None
    assert walk.state.step is None


# --- single behaviours -----------------------------------------------------------------


def _at(step_id: str, **answers: Any) -> FlowState:
    return FlowState(step=step_id, answers=dict(answers))


BEFORE_PROBLEMS = {
    "produced": "yes",
    "quantity_produced": "2",
    "quantity_sold": "1",
    "revenue_idr": 50000,
}


def test_quick_taps_on_a_multiple_choice_keep_the_question_token() -> None:
    """Toggling redraws buttons but asks nothing new: the runner keeps `asked`, so a second
    tap made before the first edit arrived is not refused as stale."""
    state = _at("problems", **BEFORE_PROBLEMS)
    state.asked = 7
    first = engine.handle(CHECKIN, state, Press("tools"), LIMITS)
    second = engine.handle(CHECKIN, first.state, Press("market"), LIMITS)
    for transition in (first, second):
        assert not any(isinstance(o, (Ask, Summary, CorrectionMenu)) for o in transition.outputs)
        assert transition.changed == {}
    assert second.state.selected == ["tools", "market"]
    assert second.state.asked == 7
    done = engine.handle(CHECKIN, second.state, Press(DONE), LIMITS)
    assert done.changed["problems"] == ["tools", "market"]
    assert asked(done) == ["problem_note"]


def test_no_problems_skips_the_note_and_the_visit_question() -> None:
    done = engine.handle(CHECKIN, _at("problems", **BEFORE_PROBLEMS), Press(NONE), LIMITS)
    assert done.changed == {"problems": []}
    assert asked(done) == ["photo"]


def test_optional_steps_can_be_skipped_and_required_ones_cannot() -> None:
    note = engine.handle(CHECKIN, _at("problem_note", problems=["tools"]), Press(SKIP), LIMITS)
    assert note.changed == {"problem_note": None}
    assert asked(note) == ["needs_help"]
    required = engine.handle(CHECKIN, _at("produced"), Press(SKIP), LIMITS)
    assert said(required) == [engine.STALE_BUTTON]
    assert asked(required) == ["produced"]
    assert required.changed == {}


@pytest.mark.parametrize(
    ("text", "msgid", "params"),
    [
        ("-5", engine.NUMBER_NEGATIVE, {}),
        ("minus 2", engine.NUMBER_NEGATIVE, {}),
        ("5000", engine.NUMBER_TOO_LARGE, {}),
        ("1,500", engine.NUMBER_DID_YOU_MEAN, {"value": Decimal("1.5")}),
        ("5-6", engine.NUMBER_AMBIGUOUS, {"first": Decimal(5), "second": Decimal(6)}),
        ("1 kg 500", engine.NUMBER_AMBIGUOUS_PLAIN, {}),
        ("banyak", engine.NUMBER_NOT_UNDERSTOOD, {}),
        ("5 liter", engine.NUMBER_WRONG_UNIT, {"unit": "kg"}),
        ("Rp 5.000", engine.NUMBER_WRONG_UNIT, {"unit": "kg"}),
    ],
)
def test_quantity_reprompts(text: str, msgid: str, params: dict[str, Any]) -> None:
    state = _at("quantity_produced", produced="yes")
    transition = engine.handle(CHECKIN, state, Text(text), LIMITS)
    first = transition.outputs[0]
    assert isinstance(first, Say) and first.msgid == msgid
    assert {k: v for k, v in first.params.items() if k in params} == params
    assert asked(transition) == ["quantity_produced"]
    assert transition.changed == {}
    assert transition.state.answers == {"produced": "yes"}


def test_the_ambiguous_thousands_of_indonesian_offer_both_readings() -> None:
    roomy = Limits(unit="kg", max_quantity=Decimal(10_000), locale="id")
    transition = engine.handle(
        CHECKIN, _at("quantity_produced", produced="yes"), Text("1,500"), roomy
    )
    first = transition.outputs[0]
    assert isinstance(first, Say) and first.msgid == engine.NUMBER_AMBIGUOUS
    assert first.params == {"first": Decimal("1.5"), "second": Decimal(1500)}
    # In English "1,500" is just fifteen hundred.
    english = Limits(unit="kg", max_quantity=Decimal(10_000), locale="en")
    taken = engine.handle(CHECKIN, _at("quantity_produced", produced="yes"), Text("1,500"), english)
    assert taken.changed == {"quantity_produced": "1500"}


@pytest.mark.parametrize("text", ["1,5", "setengah", "0,5"])
def test_a_fraction_of_a_rupiah_asks_for_the_whole_amount_not_one_number(text: str) -> None:
    # "1,5" is one number: the family is told rupiah need rb/jt or the whole amount.
    state = _at("revenue_idr", produced="yes", quantity_produced="2", quantity_sold="1")
    transition = engine.handle(CHECKIN, state, Text(text), LIMITS)
    assert transition.outputs[0] == Say(engine.NUMBER_WHOLE_RUPIAH, {"unit": "kg"})
    assert asked(transition) == ["revenue_idr"]
    assert transition.changed == {}


def test_money_spaced_like_thousands_suggests_the_joined_number() -> None:
    state = _at("revenue_idr", produced="yes", quantity_produced="2", quantity_sold="1")
    transition = engine.handle(CHECKIN, state, Text("150 000"), LIMITS)
    assert transition.outputs[0] == Say(engine.NUMBER_DID_YOU_MEAN, {"value": Decimal(150000)})
    taken = engine.handle(CHECKIN, transition.state, Text("150.000"), LIMITS)
    assert taken.changed == {"revenue_idr": 150000}


@pytest.mark.parametrize("event", [PHOTO, VOICE, STICKER, LOCATION, Unsupported("contact")])
def test_anything_but_text_at_a_number_step_asks_for_a_number(event: Event) -> None:
    transition = engine.handle(CHECKIN, _at("quantity_sold", produced="yes"), event, LIMITS)
    assert said(transition) == [engine.NUMBER_EMPTY, "For example: 3 or 0"]
    assert asked(transition) == ["quantity_sold"]
    assert not any(isinstance(o, Keep) for o in transition.outputs)


@pytest.mark.parametrize("event", [Text("foto"), VOICE, STICKER, LOCATION])
def test_anything_but_a_photo_at_the_photo_step_asks_for_a_photo(event: Event) -> None:
    transition = engine.handle(CHECKIN, _at("photo", produced="no"), event, LIMITS)
    assert said(transition) == [engine.SEND_A_PHOTO]
    assert asked(transition) == ["photo"]


def test_a_photo_with_a_caption_at_the_note_step_keeps_both() -> None:
    state = _at("problem_note", problems=["tools"])
    captioned = Media("photo", "f1", "u1", caption=" alat rusak ")
    transition = engine.handle(CHECKIN, state, captioned, LIMITS)
    assert transition.changed == {"problem_note": "alat rusak"}
    assert [brief(o) for o in transition.outputs] == ["keep problem_note photo", "ask needs_help"]


def test_a_very_long_note_is_cut_to_a_storable_length() -> None:
    state = _at("problem_note", problems=["tools"])
    transition = engine.handle(CHECKIN, state, Text("x" * 5000), LIMITS)
    assert len(transition.changed["problem_note"]) == 2000


def test_correcting_produced_to_no_clears_what_no_longer_applies() -> None:
    answers = {**BEFORE_PROBLEMS, "problems": [], "photo": None}
    state = _at("confirm", **answers)
    menu = engine.handle(CHECKIN, state, Press(FIX), LIMITS)
    assert [brief(o) for o in menu.outputs] == [
        "menu produced quantity_produced quantity_sold revenue_idr problems photo"
    ]
    again = engine.handle(CHECKIN, menu.state, Press(FIX + ":produced"), LIMITS)
    assert asked(again) == ["produced"] and again.state.correcting
    changed = engine.handle(CHECKIN, again.state, Press("no"), LIMITS)
    assert changed.changed == {
        "produced": "no",
        "quantity_produced": None,
        "quantity_sold": None,
        "revenue_idr": None,
    }
    # Straight back to the summary: the other answers still stand.
    assert [type(o) for o in changed.outputs] == [Chosen, Summary]
    assert changed.state.answers == {"produced": "no", "problems": [], "photo": None}


def test_the_offer_of_stock_is_asked_only_while_the_family_holds_stock() -> None:
    made = {"produced": "yes", "quantity_produced": "2"}
    sold_all = engine.handle(
        CHECKIN, _at("revenue_idr", **made, quantity_sold="2"), Text("50000"), LIMITS
    )
    assert asked(sold_all) == ["problems"]
    kept_all = engine.handle(CHECKIN, _at("quantity_sold", **made), Text("0"), LIMITS)
    assert asked(kept_all) == ["offer_stock"]
    # Nothing made this time, but 3 kg from earlier rounds still wait for a buyer.
    earlier = replace(LIMITS, stock=Decimal(3))
    idle = engine.handle(CHECKIN, _at("produced"), Press("no"), earlier)
    assert asked(idle) == ["offer_stock"]
    # Selling 3 more than was made empties the earlier stock: not asked.
    emptied = engine.handle(
        CHECKIN, _at("revenue_idr", **made, quantity_sold="5"), Text("50000"), earlier
    )
    assert asked(emptied) == ["problems"]


def test_a_correction_that_sells_everything_clears_the_offer() -> None:
    answers = {**BEFORE_PROBLEMS, "offer_stock": "yes", "problems": [], "photo": None}
    menu = engine.handle(CHECKIN, _at("confirm", **answers), Press(FIX + ":quantity_sold"), LIMITS)
    changed = engine.handle(CHECKIN, menu.state, Text("2"), LIMITS)
    assert changed.changed["offer_stock"] is None
    assert "offer_stock" not in changed.state.answers


def test_correcting_produced_to_yes_asks_the_new_questions_only() -> None:
    state = _at(
        "confirm",
        produced="no",
        problems=["market"],
        problem_note="pembeli sepi",
        needs_help="yes",
        photo=None,
    )
    state = engine.handle(CHECKIN, state, Press(FIX + ":produced"), LIMITS).state
    after = engine.handle(CHECKIN, state, Text("ya"), LIMITS)
    assert asked(after) == ["quantity_produced"]
    after = engine.handle(CHECKIN, after.state, Text("3"), LIMITS)
    after = engine.handle(CHECKIN, after.state, Text("0"), LIMITS)
    # Income skipped (nothing sold); 3 kg now wait for a buyer: the offer is new.
    assert asked(after) == ["offer_stock"]
    after = engine.handle(CHECKIN, after.state, Text("tidak"), LIMITS)
    # Problems and the rest were answered: the summary.
    assert [type(o) for o in after.outputs] == [Chosen, Summary]
    assert after.state.answers["problems"] == ["market"]


def test_a_correction_button_from_the_menu_works_while_a_question_is_open() -> None:
    state = _at("photo", produced="no", problems=[])
    transition = engine.handle(CHECKIN, state, Press(FIX + ":problems"), LIMITS)
    assert asked(transition) == ["problems"]
    assert transition.state.correcting


def test_correcting_a_multiple_choice_starts_from_the_old_selection() -> None:
    state = _at("confirm", produced="no", problems=["tools", "health"], needs_help="no")
    transition = engine.handle(CHECKIN, state, Press(FIX + ":problems"), LIMITS)
    assert transition.outputs == [Ask(CHECKIN.step("problems"), ("tools", "health"))]


def test_send_words_finish_and_other_words_show_the_summary_again() -> None:
    state = _at("confirm", produced="no", problems=[])
    finished = engine.handle(CHECKIN, state, Text(" Kirim "), LIMITS)
    assert finished.finished and finished.state.step is None
    state = _at("confirm", produced="no", problems=[])
    again = engine.handle(CHECKIN, state, Press("yes"), LIMITS)
    assert said(again) == [engine.TYPE_A_BUTTON]
    assert not again.finished


def test_resume_shows_the_open_question_with_its_selection() -> None:
    state = _at("problems", **BEFORE_PROBLEMS)
    state.selected = ["capital"]
    assert engine.resume(CHECKIN, state) == [Ask(CHECKIN.step("problems"), ("capital",))]
    summary = engine.resume(CHECKIN, _at("confirm", produced="no", problems=[]))
    assert [type(o) for o in summary] == [Summary]
    assert engine.resume(CHECKIN, FlowState(step=None)) == []


def test_a_step_removed_from_the_flow_restarts_at_the_first_unanswered_question() -> None:
    state = _at("gone_step", produced="no")
    transition = engine.handle(CHECKIN, state, Text("whatever"), LIMITS)
    assert asked(transition) == ["problems"]
    assert transition.state.answers == {"produced": "no"}


def test_begin_with_answers_starts_at_the_first_unanswered_question() -> None:
    transition = engine.begin(CHECKIN, LIMITS, {"produced": "no"})
    assert asked(transition) == ["problems"]


def test_state_survives_its_json_form() -> None:
    state = FlowState(
        step="problems", answers={"produced": "no"}, selected=["tools"], correcting=True, asked=4
    )
    again = FlowState.from_json(state.step, state.to_json())
    assert again == state


def test_onboarding_takes_typed_labels_in_either_language() -> None:
    begun = engine.begin(ONBOARDING, Limits())
    assert asked(begun) == ["language"]
    language = engine.handle(ONBOARDING, begun.state, Text("english"), Limits())
    assert language.changed == {"language": "en"}
    consent = engine.handle(ONBOARDING, language.state, Text("I do not agree"), Limits())
    assert consent.changed == {"consent": "no"}
    assert consent.finished  # no confirmation step: the flow ends after its last question


def test_the_walk_above_meets_every_kind_of_step() -> None:
    assert {step.kind for step in CHECKIN.steps} == set(Kind)


def test_a_stock_condition_naming_a_later_quantity_fails_at_declaration() -> None:
    sold = Step("sold", Kind.QUANTITY, "Sold?")
    offer = Step(
        "offer",
        Kind.CHOICE,
        "Offer?",
        options=CHECKIN.step("offer_stock").options,
        skip_if=(Condition("sold", "no_stock", "made"),),
    )
    with pytest.raises(FlowDefinitionError, match="condition on 'made'"):
        Flow("test", 1, (sold, offer, Step("made", Kind.QUANTITY, "Made?")))
