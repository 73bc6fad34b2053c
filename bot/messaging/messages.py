"""Messages as the domain emits them: plain data, no Telegram library types."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from bot.db.models import Priority


@dataclass(frozen=True, slots=True)
class Button:
    """An inline button; `data` is the callback payload (at most 64 bytes)."""

    text: str
    data: str | None = None
    url: str | None = None

    def __post_init__(self) -> None:
        if self.data is not None and not 1 <= len(self.data.encode()) <= 64:
            raise ValueError("callback data must be 1-64 bytes")


@dataclass(frozen=True, slots=True)
class KeyboardButton:
    """A reply-keyboard button; request_contact asks Telegram to share the phone number."""

    text: str
    request_contact: bool = False


@dataclass(frozen=True, slots=True)
class Outgoing:
    """One message for one chat, already in the recipient's language."""

    chat_id: int
    text: str
    buttons: tuple[tuple[Button, ...], ...] = ()
    keyboard: tuple[tuple[KeyboardButton, ...], ...] = ()
    remove_keyboard: bool = False
    person_id: str | None = None
    priority: int = Priority.REPLY
    # Set to edit an earlier message of the bot instead of sending a new one.
    edit_message_id: int | None = None
    dedup_key: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    def api_call(self) -> tuple[str, dict[str, Any]]:
        """The Bot API method and its JSON parameters."""
        payload: dict[str, Any] = {"chat_id": self.chat_id, "text": self.text[:4096]}
        markup: dict[str, Any] | None = None
        if self.buttons:
            markup = {
                "inline_keyboard": [[_inline(button) for button in row] for row in self.buttons]
            }
        elif self.keyboard:
            markup = {
                "keyboard": [
                    [
                        {"text": b.text, "request_contact": True}
                        if b.request_contact
                        else {"text": b.text}
                        for b in row
                    ]
                    for row in self.keyboard
                ],
                "resize_keyboard": True,
                "one_time_keyboard": True,
            }
        elif self.remove_keyboard:
            markup = {"remove_keyboard": True}
        if markup is not None:
            payload["reply_markup"] = markup
        payload.update(self.extra)
        if self.edit_message_id is not None:
            payload["message_id"] = self.edit_message_id
            return "editMessageText", payload
        return "sendMessage", payload


def _inline(button: Button) -> dict[str, str]:
    if button.url is not None:
        return {"text": button.text, "url": button.url}
    return {"text": button.text, "callback_data": button.data or button.text[:64]}


@dataclass(frozen=True, slots=True)
class ApiCall:
    """Any other Bot API call that should go through the outbox (e.g. setMyCommands)."""

    chat_id: int
    method: str
    payload: dict[str, Any]
    person_id: str | None = None
    priority: int = Priority.REPLY
    dedup_key: str | None = None

    def api_call(self) -> tuple[str, dict[str, Any]]:
        """The Bot API method and its JSON parameters, as `Outgoing.api_call`."""
        return self.method, self.payload
