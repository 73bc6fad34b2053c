"""A broadcast refused: a msgid and its values, translated where it is shown."""

from __future__ import annotations

from typing import Any

from bot.lib.i18n import Translator


class BroadcastError(Exception):
    def __init__(self, msgid: str, **params: Any) -> None:
        super().__init__(msgid)
        self.msgid = msgid
        self.params = params

    def translate(self, t: Translator) -> str:
        # Counts read in the reader's locale (4.096); an id is a name, not a number.
        values = {
            key: t.format_number(value) if isinstance(value, int) and key != "id" else value
            for key, value in self.params.items()
        }
        return t.fill(self.msgid, values)
