"""What the engine asks its caller to show or keep; bot/flows/render.py turns the shown
ones into messages."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from bot.flows.events import Media
from bot.flows.model import Step


@dataclass(frozen=True, slots=True)
class Ask:
    """Ask a step's question (again)."""

    step: Step
    selected: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Say:
    """A short message: msgid + parameters."""

    msgid: str
    params: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Chosen:
    """A button answer was taken: show it on the question in place of the buttons."""

    step: Step
    value: Any


@dataclass(frozen=True, slots=True)
class Reselect:
    """The selection of a multiple-choice question changed: redraw its buttons."""

    step: Step
    selected: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Summary:
    step: Step
    answers: Mapping[str, Any]


@dataclass(frozen=True, slots=True)
class CorrectionMenu:
    steps: tuple[Step, ...]


@dataclass(frozen=True, slots=True)
class Keep:
    """Store a received file as an attachment of this answer."""

    step: Step
    media: Media


@dataclass(frozen=True, slots=True)
class Rupiah:
    """An amount of money among a message's parameters, written as the reader writes it."""

    amount: int


@dataclass(frozen=True, slots=True)
class Check:
    """Ask once whether a doubtful answer is right; `choices` are (label msgid, value)."""

    step: Step
    msgid: str
    params: Mapping[str, Any]
    choices: tuple[tuple[str, str], ...]


Output = Ask | Say | Chosen | Reselect | Summary | CorrectionMenu | Keep | Check
