"""The error of a cohort request, apart from cohorts.py so that the checks of its parts
(graduation_bar.py) can raise it without importing the whole module."""

from __future__ import annotations

from typing import Any

from bot.lib.i18n import Translator
from bot.lib.scheduling import ScheduleError


class CohortError(Exception):
    """A cohort request that cannot be done; `translate(t)` gives the operator's text."""

    def __init__(self, msgid: str, **params: Any) -> None:
        self.msgid = msgid
        self.params = params
        super().__init__(msgid.format(**params))

    @classmethod
    def from_schedule_error(cls, error: ScheduleError) -> CohortError:
        return cls(error.msgid, **error.params)

    def translate(self, t: Translator) -> str:
        return t.fill(self.msgid, self.params)
