"""The domain entry points handlers call; built once per process, no I/O of their own."""

from __future__ import annotations

from dataclasses import dataclass, field

from bot.dialogue.runner import FlowRunner
from bot.domain.alerts.note_binding import AlertNoteBinding
from bot.domain.checkins.binding import CheckinBinding
from bot.domain.people.consent import ConsentBinding
from bot.domain.people.onboarding import OnboardingBinding
from bot.domain.people.registration import Registration


def _runner() -> FlowRunner:
    return FlowRunner([CheckinBinding(), OnboardingBinding(), ConsentBinding(), AlertNoteBinding()])


@dataclass
class Services:
    runner: FlowRunner = field(default_factory=_runner)
    registration: Registration = field(init=False)

    def __post_init__(self) -> None:
        self.registration = Registration(self.runner)
