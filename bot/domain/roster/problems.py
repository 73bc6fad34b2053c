"""What is wrong with a roster, untranslated: an English msgid and its brace parameters."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class Message:
    """Rendered by the caller as `t.fill(msgid, params)` in the reader's language."""

    msgid: str
    params: dict[str, str | int] = field(default_factory=dict)


class RosterFileError(Exception):
    """The file as a whole cannot be read as a roster (no header, a missing column, …)."""

    def __init__(self, msgid: str, **params: str | int) -> None:
        super().__init__(msgid.format(**params))
        self.message = Message(msgid, params)
