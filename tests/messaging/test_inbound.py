"""One reading of who sent a raw update, in which chat and language."""

from __future__ import annotations

from typing import Any

from bot.messaging.inbound import Sender, chat_of, sender_of

SITI = {"id": 501, "is_bot": False, "first_name": "Siti", "language_code": "id"}


def _message(kind: str = "message", chat: dict[str, Any] | None = None, **fields: Any) -> dict:
    body = {"message_id": 1, "date": 0, "chat": chat or {"id": 501, "type": "private"}}
    return {"update_id": 1, kind: {**body, "from": SITI, **fields}}


def test_a_message_comes_from_its_sender_in_its_chat() -> None:
    update = _message(text="5 kg")
    assert chat_of(update) == 501
    assert sender_of(update) == Sender(501, 501, first_name="Siti", language_code="id")


def test_an_edited_message_and_a_membership_change_have_their_chat_too() -> None:
    assert chat_of(_message("edited_message", text="6 kg")) == 501
    group = {"id": -900, "type": "group"}
    change = {"update_id": 2, "my_chat_member": {"chat": group, "from": SITI, "date": 0}}
    assert chat_of(change) == -900
    sender = sender_of(change)
    assert sender is not None and sender.chat_id == -900 and sender.telegram_user_id == 501


def test_a_button_press_belongs_to_the_pressers_chat() -> None:
    press = {"update_id": 3, "callback_query": {"id": "q", "from": SITI, "data": "x"}}
    assert chat_of(press) == 501
    assert sender_of(press) == Sender(501, 501, first_name="Siti", language_code="id")


def test_no_sender_for_a_bot_a_channel_post_or_an_update_of_another_kind() -> None:
    from_bot = _message(text="hi")
    from_bot["message"]["from"] = {"id": 7, "is_bot": True, "first_name": "Other bot"}
    assert chat_of(from_bot) == 501 and sender_of(from_bot) is None
    anonymous = _message(text="hi")
    del anonymous["message"]["from"]
    assert chat_of(anonymous) == 501 and sender_of(anonymous) is None
    post = {"update_id": 4, "channel_post": {"chat": {"id": -100, "type": "channel"}}}
    assert chat_of(post) is None and sender_of(post) is None
    assert chat_of({"update_id": 5, "poll": {"id": "p"}}) is None
