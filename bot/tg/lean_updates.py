"""PTB objects for the two updates of a busy check-in, built without PTB's generic parse.

`Update.de_json` reads every field a Message can have (about a hundred look-ups and a
keyword argument each), whatever the message holds: about 150 µs an update, the largest
single item of an answer's CPU after the database (docs/PERFORMANCE.md, #14). A typed
answer and a button press carry a handful of fields; for those the same objects are built
from the fields present, with PTB's own parsing of each (User, Chat, MessageEntity, dates).
Anything else (a photo, a contact, a command with more fields, an edit, an unknown field)
goes through `Update.de_json` as before. tests/tg/test_lean_updates.py holds both to the
same result.
"""

from __future__ import annotations

from typing import Any

from telegram import Bot, CallbackQuery, Chat, Message, MessageEntity, Update, User
from telegram._utils.datetime import extract_tzinfo_from_defaults, from_timestamp

# The fields a lean message may have: a person's text, or the bot's question a button was
# pressed on (its keyboard is taken off before parsing: bot/tg/processor.py).
_MESSAGE_FIELDS = frozenset({"message_id", "from", "chat", "date", "text", "entities", "edit_date"})
_QUERY_FIELDS = frozenset({"id", "from", "chat_instance", "data", "message"})


def parse_update(payload: dict[str, Any], bot: Bot) -> Update:
    """The PTB Update of a stored update, as `Update.de_json` would make it."""
    lean = _lean_update(payload, bot)
    if lean is not None:
        return lean
    return Update.de_json(payload, bot)


def _lean_update(payload: dict[str, Any], bot: Bot) -> Update | None:
    if len(payload) != 2 or not isinstance(payload.get("update_id"), int):
        return None
    message = payload.get("message")
    if isinstance(message, dict):
        parsed = _lean_message(message, bot)
        if parsed is None:
            return None
        update = Update(payload["update_id"], message=parsed)
    else:
        query = payload.get("callback_query")
        if not isinstance(query, dict):
            return None
        parsed_query = _lean_query(query, bot)
        if parsed_query is None:
            return None
        update = Update(payload["update_id"], callback_query=parsed_query)
    update.set_bot(bot)
    return update


def _lean_query(query: dict[str, Any], bot: Bot) -> CallbackQuery | None:
    if not query.keys() <= _QUERY_FIELDS or not isinstance(query.get("from"), dict):
        return None
    message = query.get("message")
    parsed = None
    if message is not None:
        if not isinstance(message, dict):
            return None
        parsed = _lean_message(message, bot)
        if parsed is None:
            return None
    result = CallbackQuery(
        id=query["id"],
        from_user=User.de_json(query["from"], bot),
        chat_instance=query["chat_instance"],
        message=parsed,
        data=query.get("data"),
    )
    result.set_bot(bot)
    return result


def _lean_message(message: dict[str, Any], bot: Bot) -> Message | None:
    if not message.keys() <= _MESSAGE_FIELDS:
        return None
    date, chat = message.get("date"), message.get("chat")
    # A date of 0 is an inaccessible message: PTB's own path.
    if not isinstance(date, int) or date == 0 or not isinstance(chat, dict):
        return None
    tzinfo = extract_tzinfo_from_defaults(bot)
    sent = from_timestamp(date, tzinfo=tzinfo)
    assert sent is not None  # an int
    sender = message.get("from")
    entities = message.get("entities")
    result = Message(
        message_id=message["message_id"],
        date=sent,
        chat=Chat.de_json(chat, bot),
        from_user=User.de_json(sender, bot) if sender is not None else None,
        text=message.get("text"),
        entities=MessageEntity.de_list(entities, bot) if entities is not None else None,
        edit_date=from_timestamp(message.get("edit_date"), tzinfo=tzinfo),
    )
    result.set_bot(bot)
    return result
