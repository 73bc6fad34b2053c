"""A person's progress through a flow (`FlowState`, saved between turns) and what one event
did to it (`Transition`)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from bot.flows.outputs import Output


@dataclass(slots=True)
class FlowState:
    step: str | None
    answers: dict[str, Any] = field(default_factory=dict)
    selected: list[str] = field(default_factory=list)  # MULTI selection before Done
    correcting: bool = False
    # The conversation's revision at which the question on screen was asked; its buttons
    # carry it. Toggling a multiple choice does not change it, so quick taps are not
    # refused as stale.
    asked: int = 0
    # A doubtful answer waiting for its confirmation (bot/flows/checks.py), and the answers
    # confirmed as typed (step id -> value), never asked about again.
    checking: dict[str, Any] | None = None
    confirmed: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "answers": self.answers,
            "selected": self.selected,
            "correcting": self.correcting,
            "asked": self.asked,
        }
        if self.checking is not None:
            data["checking"] = self.checking
        if self.confirmed:
            data["confirmed"] = self.confirmed
        return data

    @classmethod
    def from_json(cls, step: str | None, data: Mapping[str, Any]) -> FlowState:
        return cls(
            step=step,
            answers=dict(data.get("answers", {})),
            selected=list(data.get("selected", [])),
            correcting=bool(data.get("correcting", False)),
            asked=int(data.get("asked", 0)),
            checking=dict(data["checking"]) if data.get("checking") else None,
            confirmed=dict(data.get("confirmed", {})),
        )


@dataclass(slots=True)
class Transition:
    state: FlowState
    outputs: list[Output] = field(default_factory=list)
    changed: dict[str, Any] = field(default_factory=dict)  # answers set (None = cleared)
    finished: bool = False
