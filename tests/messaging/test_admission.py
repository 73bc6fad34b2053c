"""An update a database takes as it is, is stored as received; any other is stored cleaned,
with its original body kept beside it (bot/messaging/admission.py)."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import given, settings

from bot.messaging.admission import Refused, check
from tests.support.hostile import hostile_updates, message


def taken_as_it_is(value: Any) -> bool:
    """What PostgreSQL's JSONB refuses: NaN and infinities, NUL, lone surrogates."""
    try:
        text = json.dumps(value, ensure_ascii=False, allow_nan=False)
        text.encode("utf-8")
    except (ValueError, UnicodeEncodeError):
        return False
    return "\\u0000" not in text


@settings(max_examples=300, deadline=None, derandomize=True, database=None)
@given(update=hostile_updates())
def test_only_what_a_database_refuses_is_cleaned(update: dict[str, Any]) -> None:
    decided = check(update)
    if isinstance(decided, Refused):
        return  # ids no column holds, nesting far deeper than Telegram's: set aside
    if decided.raw is None:
        assert decided.payload is update and taken_as_it_is(update)
    else:
        assert not taken_as_it_is(update) and taken_as_it_is(decided.payload)


def test_an_ordinary_answer_is_stored_as_received() -> None:
    for text in ("5 kg", "Rp 150.000", "sudah laku semua 🙏", "ꦱꦸꦩꦼꦂ"):
        update = {"update_id": 1, "message": message(text)}
        decided = check(update)
        assert not isinstance(decided, Refused)
        assert decided.payload is update and decided.raw is None
