"""The domain entry points handlers call; built once per process, no I/O of their own."""

from __future__ import annotations

from dataclasses import dataclass, field

from bot.alerts.note_binding import AlertNoteBinding
from bot.checkins.binding import CheckinBinding
from bot.people.onboarding import OnboardingBinding
from bot.people.registration import Registration
from bot.sessions.runner import FlowRunner


def _runner() -> FlowRunner:
    return FlowRunner([CheckinBinding(), OnboardingBinding(), AlertNoteBinding()])


@dataclass
class Services:
    runner: FlowRunner = field(default_factory=_runner)
    registration: Registration = field(init=False)

    def __post_init__(self) -> None:
        self.registration = Registration(self.runner)
