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

    def to_json(self) -> dict[str, Any]:
        return {
            "answers": self.answers,
            "selected": self.selected,
            "correcting": self.correcting,
            "asked": self.asked,
        }

    @classmethod
    def from_json(cls, step: str | None, data: Mapping[str, Any]) -> FlowState:
        return cls(
            step=step,
            answers=dict(data.get("answers", {})),
            selected=list(data.get("selected", [])),
            correcting=bool(data.get("correcting", False)),
            asked=int(data.get("asked", 0)),
        )


@dataclass(slots=True)
class Transition:
    state: FlowState
    outputs: list[Output] = field(default_factory=list)
    changed: dict[str, Any] = field(default_factory=dict)  # answers set (None = cleared)
    finished: bool = False
