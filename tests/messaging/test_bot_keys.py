"""Updates of several bots share one inbox: an extra bot's are stored under keys that carry
it, and only a bot of this deployment is ever read back from a key."""

from __future__ import annotations

from bot.messaging.bot_keys import rekeyed, sender_via, telegram_update_id

UPDATE = {
    "update_id": 41,
    "message": {
        "message_id": 1,
        "date": 0,
        "from": {"id": 7, "is_bot": False, "first_name": "Siti"},
        "chat": {"id": 7, "type": "private"},
        "text": "halo",
    },
}


def test_two_bots_update_41_are_two_updates_and_each_is_acknowledged_as_41() -> None:
    default, extra = rekeyed(UPDATE, None), rekeyed(UPDATE, 3)
    assert default is UPDATE  # the default bot's ids (and every older row) are unchanged
    assert extra["update_id"] != 41
    assert telegram_update_id(extra["update_id"]) == 41
    assert rekeyed(extra, None)["update_id"] == extra["update_id"]


def test_the_reply_goes_from_the_bot_written_to_and_a_forged_key_names_no_bot() -> None:
    key = rekeyed(UPDATE, 3)["update_id"]
    written_to = sender_via(UPDATE, key, frozenset({3}))
    assert written_to is not None and (written_to.chat_id, written_to.bot_id) == (7, 3)
    # A huge update id from the default bot's updates, or a bot since removed: the default.
    stranger = sender_via(UPDATE, key, frozenset({4}))
    assert stranger is not None and stranger.bot_id is None
    assert sender_via({"update_id": 1}, key, frozenset({3})) is None
