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

from collections.abc import Callable
from datetime import UTC, datetime
from functools import cache
from typing import Any, Generic, TypeVar

from telegram import Bot, CallbackQuery, Chat, Message, MessageEntity, Update, User, constants
from telegram._telegramobject import TelegramObject
from telegram._utils.datetime import extract_tzinfo_from_defaults, from_timestamp
from telegram._utils.enum import get_member

_T = TypeVar("_T", bound=TelegramObject)

# The fields a lean message may have: a person's text, or the bot's question a button was
# pressed on (its keyboard is taken off before parsing: bot/tg/processor.py).
_MESSAGE_FIELDS = frozenset({"message_id", "from", "chat", "date", "text", "entities", "edit_date"})
_QUERY_FIELDS = frozenset({"id", "from", "chat_instance", "data", "message"})
# A person and a private chat as Telegram sends them, named as PTB names its fields; the
# first set of each is what PTB requires.
_USER_NEEDS = frozenset({"id", "is_bot", "first_name"})
_USER_FIELDS = _USER_NEEDS | {"last_name", "username", "language_code", "is_premium"}
_CHAT_NEEDS = frozenset({"id", "type"})
_CHAT_FIELDS = _CHAT_NEEDS | {"title", "username", "first_name", "last_name"}


class _Blank(Generic[_T]):
    """New objects of a PTB class with every field as its `__init__` leaves one not given,
    copied from an example, then the given fields set.

    PTB's `__init__` sets each of a Message's 119 fields through its own `__setattr__` (a
    Python call each): 115 µs a message, against about 18 µs copied by the fields' own
    slot setters. The example is never handed out, so nothing it caches (PTB's effective_*
    fields) is ever filled in.
    """

    def __init__(self, example: _T) -> None:
        self.cls: type[_T] = type(example)
        fields: list[tuple[Callable[[Any, Any], None], Any]] = []
        for klass in self.cls.__mro__:
            for name in getattr(klass, "__slots__", ()):
                if name.startswith("__"):
                    continue  # __weakref__ and the like: Python's, not a field
                slot = klass.__dict__[name]
                try:
                    fields.append((slot.__set__, slot.__get__(example, klass)))
                except AttributeError:  # a slot PTB's __init__ leaves unset
                    continue
        self.fields = tuple(fields)

    def make(self, **given: Any) -> _T:
        made = self.cls.__new__(self.cls)
        for put, value in self.fields:
            put(made, value)
        for name, value in given.items():
            object.__setattr__(made, name, value)  # PTB's own refuses: the copy is frozen
        return made


@cache
def _blank_message() -> _Blank[Message]:
    epoch = datetime(1970, 1, 1, tzinfo=UTC)
    return _Blank(Message(message_id=0, date=epoch, chat=Chat(0, Chat.PRIVATE)))


@cache
def _blank_update() -> _Blank[Update]:
    return _Blank(Update(0))


@cache
def _blank_user() -> _Blank[User]:
    return _Blank(User(0, "", False))


@cache
def _blank_chat() -> _Blank[Chat]:
    return _Blank(Chat(0, Chat.PRIVATE))


def _user(data: Any, bot: Bot) -> User:
    if not isinstance(data, dict) or not _USER_NEEDS <= data.keys() <= _USER_FIELDS:
        return User.de_json(data, bot)
    user = _blank_user().make(**data, _id_attrs=(data["id"],))
    user.set_bot(bot)
    return user


def _chat(data: dict[str, Any], bot: Bot) -> Chat:
    if not _CHAT_NEEDS <= data.keys() <= _CHAT_FIELDS:
        return Chat.de_json(data, bot)
    kind = get_member(constants.ChatType, data["type"], data["type"])
    chat = _blank_chat().make(**{**data, "type": kind}, _id_attrs=(data["id"],))
    chat.set_bot(bot)
    return chat


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
        update_id = payload["update_id"]
        update = _blank_update().make(update_id=update_id, message=parsed, _id_attrs=(update_id,))
    else:
        query = payload.get("callback_query")
        if not isinstance(query, dict):
            return None
        parsed_query = _lean_query(query, bot)
        if parsed_query is None:
            return None
        update_id = payload["update_id"]
        update = _blank_update().make(
            update_id=update_id, callback_query=parsed_query, _id_attrs=(update_id,)
        )
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
        from_user=_user(query["from"], bot),
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
    message_id, parsed_chat = message["message_id"], _chat(chat, bot)
    result = _blank_message().make(
        message_id=message_id,
        date=sent,
        chat=parsed_chat,
        from_user=_user(sender, bot) if sender is not None else None,
        text=message.get("text"),
        entities=MessageEntity.de_list(entities, bot) if entities is not None else (),
        edit_date=from_timestamp(message.get("edit_date"), tzinfo=tzinfo),
        _id_attrs=(message_id, parsed_chat),
    )
    result.set_bot(bot)
    return result
