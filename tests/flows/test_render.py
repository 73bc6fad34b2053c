"""What a press shows: the pressed question turned into the next one, in one edit."""

from __future__ import annotations

from bot.flows.outputs import Ask, Chosen, Summary
from bot.flows.render import RenderContext, render
from bot.lib.i18n import translator
from bot.messaging.messages import Edit, Outgoing
from conversations.checkin import CHECKIN


def _ctx(*, pressed: int | None = 41, apart: bool = False) -> RenderContext:
    return RenderContext(
        translator("en"), CHECKIN, 7, "KPM-1", 3, 2, pressed_message_id=pressed, apart=apart
    )


def test_a_press_makes_its_question_the_next_one_with_the_answer_atop() -> None:
    produced, quantity = CHECKIN.step("produced"), CHECKIN.step("quantity_produced")
    [edit] = render([Chosen(produced, "yes"), Ask(quantity)], _ctx())
    assert isinstance(edit, Edit) and edit.message_id == 41
    assert edit.text == "✓ Produced: Yes\n\nHow much did you produce? Type a number in kg."


def test_the_summary_takes_the_pressed_question_s_place_and_lists_the_answer() -> None:
    photo, confirm = CHECKIN.step("photo"), CHECKIN.step("confirm")
    [edit] = render([Chosen(photo, None), Summary(confirm, {"photo": None})], _ctx())
    assert isinstance(edit, Edit) and edit.text.startswith("Please check your answers:")
    assert "• Photo: —" in edit.text and not edit.text.startswith("✓")


def test_a_typed_button_or_an_older_copy_keeps_its_question_and_asks_below() -> None:
    produced, quantity = CHECKIN.step("produced"), CHECKIN.step("quantity_produced")
    edit, asked = render([Chosen(produced, "yes"), Ask(quantity)], _ctx(apart=True))
    assert isinstance(edit, Edit) and edit.text.endswith("\n→ Yes")
    assert isinstance(asked, Outgoing) and asked.text.startswith("How much did you produce?")


def test_a_skipped_question_shows_the_skip_button_it_was_answered_with() -> None:
    note, helps, photo = (CHECKIN.step(s) for s in ("problem_note", "needs_help", "photo"))
    [edit] = render([Chosen(note, None), Ask(helps)], _ctx())
    assert edit.text.startswith("✓ Note: Skip\n\n")
    typed, _ = render([Chosen(photo, None), Summary(CHECKIN.step("confirm"), {})], _ctx(apart=True))
    assert typed.text.endswith("\n→ Skip")
