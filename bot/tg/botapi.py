"""Kabar's messages as Bot API calls: the one place that knows the methods and parameters.

A message maps to plain JSON parameters (dicts and lists, no PTB objects): the sender posts
them as they are (bot/tg/api.py says why). Only a file's own bytes go as an upload.
"""

from __future__ import annotations

from typing import Any

from telegram import Bot, InputFile

from bot.messaging.messages import (
    Button,
    ButtonAnswer,
    Buttons,
    CommandMenu,
    Document,
    Edit,
    Message,
    Outgoing,
    Photo,
    Voice,
)
from bot.tg.api import post_json, raw_request

# Telegram's limits: longer texts are refused, so they are cut here.
TEXT_LIMIT = 4096
CAPTION_LIMIT = 1024


def request(message: Message) -> tuple[str, dict[str, Any]]:
    """The Bot API method and its JSON parameters (a file's bytes left out; see `send`)."""
    if isinstance(message, Outgoing):
        params: dict[str, Any] = {"chat_id": message.chat_id, "text": message.text[:TEXT_LIMIT]}
        markup = _markup(message)
        if markup is not None:
            params["reply_markup"] = markup
        if entities := phone_entities(params["text"], message.phones):
            params["entities"] = entities
        return "sendMessage", params
    if isinstance(message, Edit):
        params = {
            "chat_id": message.chat_id,
            "message_id": message.message_id,
            "text": message.text[:TEXT_LIMIT],
        }
        if message.buttons:
            params["reply_markup"] = {"inline_keyboard": _inline(message.buttons)}
        if entities := phone_entities(params["text"], message.phones):
            params["entities"] = entities
        return "editMessageText", params
    if isinstance(message, ButtonAnswer):
        params = {"callback_query_id": message.query_id}
        if message.toast:
            params["text"] = message.toast
        return "answerCallbackQuery", params
    if isinstance(message, CommandMenu):
        # No language_code: the menu is the chat's, whatever language its app is in.
        commands = [{"command": name, "description": text} for name, text in message.commands]
        scope = {"type": "chat", "chat_id": message.chat_id}
        return "setMyCommands", {"commands": commands, "scope": scope}
    field = _file_field(message)
    params = {"chat_id": message.chat_id}
    if message.file_id is not None:
        params[field] = message.file_id
    if message.caption:
        params["caption"] = message.caption[:CAPTION_LIMIT]
    if message.buttons:
        params["reply_markup"] = {"inline_keyboard": _inline(message.buttons)}
    return _FILE_METHODS[field], params


_FILE_METHODS = {"photo": "sendPhoto", "voice": "sendVoice", "document": "sendDocument"}


def _file_field(message: Photo | Voice | Document) -> str:
    """The parameter that carries the file, named as the message's kind."""
    return message.kind


def phone_entities(text: str, phones: tuple[str, ...]) -> list[dict[str, Any]]:
    """A phone_number entity for each place each of `phones` appears in `text`. Telegram
    counts offsets and lengths in UTF-16 code units: the card's emoji before the number
    take two each."""
    entities: list[dict[str, Any]] = []
    for phone in phones:
        if not phone:
            continue
        start = text.find(phone)
        while start != -1:
            entities.append(
                {
                    "type": "phone_number",
                    "offset": _utf16_length(text[:start]),
                    "length": _utf16_length(phone),
                }
            )
            start = text.find(phone, start + len(phone))
    return sorted(entities, key=lambda entity: int(entity["offset"]))


def _utf16_length(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def unlimited(message: Message) -> bool:
    """Not a message in Telegram's limits: "you can call answerCallbackQuery without any
    limits" (the Bot API's maintainer, tdlib/telegram-bot-api#648)."""
    return isinstance(message, ButtonAnswer)


async def send(bot: Bot, message: Message, *, paid: bool = False) -> int | None:
    """Make the call; the id of the message sent or edited, if there is one.

    `paid` sends a bulk message as a paid broadcast (above the free 30 a second).
    """
    method, params = request(message)
    if paid:
        params["allow_paid_broadcast"] = True
    if isinstance(message, Photo | Voice | Document) and message.content is not None:
        field = _file_field(message)
        params[field] = InputFile(message.content, filename=message.filename or field)
        result = await raw_request(bot, method, params)
    else:
        result = await post_json(bot, method, params)
    if isinstance(result, dict):
        message_id = result.get("message_id")
        return int(message_id) if message_id is not None else None
    return None


def _markup(message: Outgoing) -> dict[str, Any] | None:
    if message.buttons:
        return {"inline_keyboard": _inline(message.buttons)}
    if message.keyboard:
        rows = [
            [
                {"text": b.text, "request_contact": True} if b.request_contact else {"text": b.text}
                for b in row
            ]
            for row in message.keyboard
        ]
        return {"keyboard": rows, "resize_keyboard": True, "one_time_keyboard": True}
    if message.remove_keyboard:
        return {"remove_keyboard": True}
    return None


def _inline(rows: Buttons) -> list[list[dict[str, str]]]:
    return [[_button(button) for button in row] for row in rows]


def _button(button: Button) -> dict[str, str]:
    if button.url is not None:
        return {"text": button.text, "url": button.url}
    return {"text": button.text, "callback_data": button.data or button.text[:64]}
