"""The buttons a question shows, as typed text may name them (bot/flows/matching.py)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

from bot.flows.matching import (
    ALL_WORDS,
    BACK_WORDS,
    DONE_WORDS,
    FIX_WORDS,
    NONE_WORDS,
    SEND_WORDS,
    SKIP_WORDS,
    Candidate,
    labels,
    match,
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
    Kind,
    Step,
)

Translate = Callable[[str], str]


def skip_button(t: Translate) -> Candidate:
    return (SKIP, (*labels(SKIP_LABEL, t), *SKIP_WORDS))


def step_buttons(step: Step, t: Translate) -> list[Candidate]:
    """A question's option buttons, and a multiple choice's "Done" and "none" buttons."""
    found: list[Candidate] = [
        (o.value, (*labels(o.label, t), o.value, *o.words)) for o in step.options
    ]
    if step.kind is Kind.MULTI:
        found.append((DONE, (*labels(DONE_LABEL, t), *DONE_WORDS)))
        if step.none_label:
            found.append((NONE, (*labels(step.none_label, t), *NONE_WORDS)))
    return found


def confirm_buttons(correctable: Iterable[Step], t: Translate) -> list[Candidate]:
    """The summary's buttons, and the correction menu's (named by the answers' labels)."""
    found: list[Candidate] = [
        (SEND, (*labels(SEND_LABEL, t), *SEND_WORDS)),
        (FIX, (*labels(FIX_LABEL, t), *FIX_WORDS)),
        (BACK, (*labels(BACK_LABEL, t), *BACK_WORDS)),
    ]
    found += [(f"{FIX}:{s.id}", labels(s.label, t)) for s in correctable if s.label]
    return found


def everything(step: Step, text: str, answers: Mapping[str, Any]) -> str:
    """`text`, or for "semua", "habis", "kabeh" the most the step may be (how much of what
    was produced was sold: all of it), as the number it stands for."""
    most = answers.get(step.at_most) if step.at_most else None
    if most is not None and match(text, [("all", ALL_WORDS)]):
        return str(most)
    return text
