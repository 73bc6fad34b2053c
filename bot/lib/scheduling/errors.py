"""A bad schedule, time zone or quiet-hours value, told to the operator in their language."""

from __future__ import annotations

from typing import Any, Protocol


class _Gettext(Protocol):
    def gettext(self, message: str) -> str: ...


class ScheduleError(ValueError):
    """Carries the English msgid and its values, so the caller translates it at the edge."""

    def __init__(self, msgid: str, **params: Any) -> None:
        self.msgid = msgid
        self.params = params
        super().__init__(msgid.format(**params))

    def translate(self, t: _Gettext) -> str:
        return t.gettext(self.msgid).format(**self.params)
