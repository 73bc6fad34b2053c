"""A typed answer and a button press are read into the same PTB objects as PTB reads them,
and everything else is left to PTB (bot/tg/lean_updates.py)."""

from __future__ import annotations

from typing import Any

import pytest
from telegram import Bot, Update

from bot.tg.lean_updates import _lean_update, parse_update

FAMILY = {"id": 700001, "is_bot": False, "first_name": "Siti", "language_code": "id"}
CHAT = {"id": 700001, "type": "private", "first_name": "Siti"}
KABAR = {"id": 1, "is_bot": True, "first_name": "Kabar", "username": "kabar_bot"}

TEXT = {
    "update_id": 6,
    "message": {"message_id": 11, "from": FAMILY, "chat": CHAT, "date": 1700000000, "text": "5 kg"},
}
PRESS = {
    "update_id": 5,
    "callback_query": {
        "id": "123",
        "from": FAMILY,
        "chat_instance": "42",
        "data": "c:12:3:yes",
        "message": {
            "message_id": 10,
            "from": KABAR,
            "chat": CHAT,
            "date": 1700000000,
            "edit_date": 1700000100,
            "text": "Pendamping: 0812 3456 7890",
            "entities": [{"type": "phone_number", "offset": 12, "length": 14}],
        },
    },
}
COMMAND = {
    "update_id": 7,
    "message": {
        **TEXT["message"],
        "text": "/batal",
        "entities": [{"type": "bot_command", "offset": 0, "length": 6}],
    },
}
# Not lean: PTB's own parse.
PHOTO = {
    "update_id": 8,
    "message": {
        **{k: v for k, v in TEXT["message"].items() if k != "text"},
        "photo": [{"file_id": "f", "file_unique_id": "u", "width": 90, "height": 90}],
    },
}
EDITED = {"update_id": 9, "edited_message": {**TEXT["message"], "edit_date": 1700000200}}
UNKNOWN_FIELD = {"update_id": 10, "message": {**TEXT["message"], "via_bot": KABAR}}
INACCESSIBLE = {
    "update_id": 11,
    "callback_query": {
        **PRESS["callback_query"],
        "message": {"message_id": 10, "chat": CHAT, "date": 0},
    },
}


def fields(made: object) -> dict[str, object]:
    """Every field a PTB object holds, set or not, its own and its parents'."""
    found: dict[str, object] = {}
    for klass in type(made).__mro__:
        for name in getattr(klass, "__slots__", ()):
            found[name] = getattr(made, name, "(not set)")
    return found


@pytest.fixture
def bot() -> Bot:
    return Bot("123456:TEST")


@pytest.mark.parametrize("payload", [TEXT, PRESS, COMMAND], ids=["text", "press", "command"])
def test_common_updates_read_as_ptb_reads_them(payload: dict[str, Any], bot: Bot) -> None:
    lean = _lean_update(payload, bot)
    assert lean is not None
    ptb = Update.de_json(payload, bot)
    assert lean.to_dict() == ptb.to_dict()
    assert lean.effective_message is not None and ptb.effective_message is not None
    assert lean.effective_message.date == ptb.effective_message.date
    assert lean.effective_message.text == ptb.effective_message.text
    assert lean.effective_chat == ptb.effective_chat
    assert lean.effective_user == ptb.effective_user
    assert lean.effective_message.get_bot() is bot
    # Field by field, PTB's private ones too (built by copying, not by PTB's __init__).
    assert fields(lean) == fields(ptb)
    assert fields(lean.effective_message) == fields(ptb.effective_message)
    assert lean.effective_message.entities == ptb.effective_message.entities
    assert fields(lean.effective_user) == fields(ptb.effective_user)
    assert fields(lean.effective_chat) == fields(ptb.effective_chat)
    assert fields(lean.effective_message.from_user) == fields(ptb.effective_message.from_user)
    if ptb.callback_query is not None:
        assert fields(lean.callback_query) == fields(ptb.callback_query)
    with pytest.raises(AttributeError):  # frozen, as PTB leaves its objects
        lean.effective_message.text = "changed"  # type: ignore[misc]
    # One update's objects are its own: the next one starts from nothing it set.
    other = _lean_update({**payload, "update_id": 99}, bot)
    assert other is not None and other.update_id == 99 and lean.update_id != 99
    assert other.effective_message is not lean.effective_message


@pytest.mark.parametrize(
    "payload",
    [PHOTO, EDITED, UNKNOWN_FIELD, INACCESSIBLE],
    ids=["photo", "edited", "unknown field", "inaccessible message"],
)
def test_other_updates_are_left_to_ptb(payload: dict[str, Any], bot: Bot) -> None:
    assert _lean_update(payload, bot) is None
    assert parse_update(payload, bot).to_dict() == Update.de_json(payload, bot).to_dict()
