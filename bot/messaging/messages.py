"""Kabar's outgoing messages: typed data in the recipient's language, no Telegram types.

Each kind is stored in its outbox row as Kabar's own JSON (`kind` and `to_json()`) and read
back with `decode`; bot/tg/botapi.py alone knows which Bot API call makes each kind.
Messages are values: build a changed copy (`dataclasses.replace`), never change one. They
are not frozen only because a round makes several per family, and a frozen dataclass takes
about three times as long to make.
"""

from __future__ import annotations

import base64
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, ClassVar, Self

from bot.db.models import Priority


@dataclass(slots=True)
class Button:
    """An inline button; `data` is the callback payload (at most 64 bytes)."""

    text: str
    data: str | None = None
    url: str | None = None

    def __post_init__(self) -> None:
        if self.data is not None and not 1 <= len(self.data.encode()) <= 64:
            raise ValueError("callback data must be 1-64 bytes")


@dataclass(slots=True)
class KeyboardButton:
    """A reply-keyboard button; request_contact asks Telegram to share the phone number."""

    text: str
    request_contact: bool = False


Buttons = tuple[tuple[Button, ...], ...]


@dataclass(slots=True)
class Outgoing:
    """A text message for one chat: inline buttons, a reply keyboard, or the removal of one."""

    kind: ClassVar[str] = "text"
    chat_id: int
    text: str
    buttons: Buttons = ()
    keyboard: tuple[tuple[KeyboardButton, ...], ...] = ()
    remove_keyboard: bool = False
    person_id: str | None = None
    priority: int = Priority.REPLY
    dedup_key: str | None = None
    # Phone numbers in `text` sent marked as such: one tap calls, whatever the phone's app
    # would or would not have linked by itself.
    phones: tuple[str, ...] = ()

    def editing(self, message_id: int | None) -> Outgoing | Edit:
        """This text in place of the bot's message `message_id`; a new message without one."""
        if message_id is None:
            return self
        return Edit(
            self.chat_id,
            message_id,
            self.text,
            self.buttons,
            person_id=self.person_id,
            priority=self.priority,
            dedup_key=self.dedup_key,
            phones=self.phones,
        )

    def with_text(self, text: str) -> Outgoing:
        """This message with another text. Not `dataclasses.replace`, five times as slow:
        a round makes one per family (`lead_into`)."""
        return Outgoing(
            self.chat_id,
            text,
            self.buttons,
            self.keyboard,
            self.remove_keyboard,
            self.person_id,
            self.priority,
            self.dedup_key,
            self.phones,
        )

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"text": self.text}
        if self.buttons:
            data["buttons"] = _buttons_json(self.buttons)
        if self.phones:
            data["phones"] = list(self.phones)
        if self.keyboard:
            data["keyboard"] = [
                [
                    {"text": b.text, "contact": True} if b.request_contact else {"text": b.text}
                    for b in row
                ]
                for row in self.keyboard
            ]
        if self.remove_keyboard:
            data["remove_keyboard"] = True
        return data

    @classmethod
    def from_json(cls, chat_id: int, data: dict[str, Any], envelope: Envelope) -> Outgoing:
        keyboard = tuple(
            tuple(KeyboardButton(key["text"], bool(key.get("contact"))) for key in row)
            for row in data.get("keyboard", ())
        )
        return cls(
            chat_id,
            data["text"],
            _buttons_of(data),
            keyboard,
            bool(data.get("remove_keyboard")),
            *envelope,
            phones=tuple(data.get("phones", ())),
        )


@dataclass(slots=True)
class Edit:
    """New text (and inline buttons) for a message the bot sent earlier."""

    kind: ClassVar[str] = "edit"
    chat_id: int
    message_id: int
    text: str
    buttons: Buttons = ()
    person_id: str | None = None
    priority: int = Priority.REPLY
    dedup_key: str | None = None
    phones: tuple[str, ...] = ()  # as Outgoing's: an edit without them loses the marks

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"message_id": self.message_id, "text": self.text}
        if self.buttons:
            data["buttons"] = _buttons_json(self.buttons)
        if self.phones:
            data["phones"] = list(self.phones)
        return data

    @classmethod
    def from_json(cls, chat_id: int, data: dict[str, Any], envelope: Envelope) -> Edit:
        return cls(
            chat_id,
            int(data["message_id"]),
            data["text"],
            _buttons_of(data),
            *envelope,
            phones=tuple(data.get("phones", ())),
        )


@dataclass(slots=True)
class _File:
    """A file with a caption: its bytes (uploaded) or the id of one Telegram already has."""

    kind: ClassVar[str]
    chat_id: int
    content: bytes | None = None
    file_id: str | None = None
    caption: str = ""
    buttons: Buttons = ()
    filename: str | None = None
    person_id: str | None = None
    priority: int = Priority.REPLY
    dedup_key: str | None = None

    def __post_init__(self) -> None:
        if (self.content is None) == (self.file_id is None):
            raise ValueError("a file is either its content or a Telegram file id")

    def to_json(self) -> dict[str, Any]:
        # The outbox holds JSON: content travels base64-encoded (a chart is tens of KB).
        data: dict[str, Any] = {"caption": self.caption}
        if self.content is not None:
            data["content"] = base64.b64encode(self.content).decode("ascii")
        if self.file_id is not None:
            data["file_id"] = self.file_id
        if self.buttons:
            data["buttons"] = _buttons_json(self.buttons)
        if self.filename is not None:
            data["filename"] = self.filename
        return data

    @classmethod
    def from_json(cls, chat_id: int, data: dict[str, Any], envelope: Envelope) -> Self:
        content = data.get("content")
        return cls(
            chat_id,
            base64.b64decode(content) if content is not None else None,
            data.get("file_id"),
            data.get("caption", ""),
            _buttons_of(data),
            data.get("filename"),
            *envelope,
        )


@dataclass(slots=True)
class Photo(_File):
    """A picture, shown in the chat."""

    kind: ClassVar[str] = "photo"


@dataclass(slots=True)
class Voice(_File):
    """A voice note, played in the chat (Telegram wants OGG/Opus for an upload)."""

    kind: ClassVar[str] = "voice"


@dataclass(slots=True)
class Document(_File):
    """A file to download (an export, a sheet)."""

    kind: ClassVar[str] = "document"


@dataclass(slots=True)
class CommandMenu:
    """The commands a chat's menu offers, each with its description in `language`.

    The menu is set for the chat, whatever language the person's Telegram app is in.
    """

    kind: ClassVar[str] = "menu"
    chat_id: int
    commands: tuple[tuple[str, str], ...]
    language: str | None = None
    person_id: str | None = None
    priority: int = Priority.REPLY
    dedup_key: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {"commands": [list(pair) for pair in self.commands], "language": self.language}

    @classmethod
    def from_json(cls, chat_id: int, data: dict[str, Any], envelope: Envelope) -> CommandMenu:
        commands = tuple((str(name), str(text)) for name, text in data["commands"])
        return cls(chat_id, commands, data.get("language"), *envelope)


@dataclass(slots=True)
class ButtonAnswer:
    """The answer to a button press: stops its spinner, with an optional short toast."""

    kind: ClassVar[str] = "answer"
    chat_id: int
    query_id: str
    toast: str | None = None
    person_id: str | None = None
    priority: int = Priority.REPLY
    dedup_key: str | None = None

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"query_id": self.query_id}
        if self.toast:
            data["toast"] = self.toast
        return data

    @classmethod
    def from_json(cls, chat_id: int, data: dict[str, Any], envelope: Envelope) -> ButtonAnswer:
        return cls(chat_id, data["query_id"], data.get("toast"), *envelope)


Message = Outgoing | Edit | Photo | Voice | Document | CommandMenu | ButtonAnswer
KINDS: dict[str, type[Message]] = {
    kind.kind: kind for kind in (Outgoing, Edit, Photo, Voice, Document, CommandMenu, ButtonAnswer)
}
# What an outbox row keeps in columns of its own: person, priority, dedup key.
Envelope = tuple[str | None, int, str | None]


def lead_into(lead: Sequence[Message], messages: Sequence[Message]) -> list[Message]:
    """A lead (a greeting, a reminder) as the first lines of the question it leads to: one
    bulk message for each family, not two, when a round opens or a reminder goes (a round
    of 20,000 opens in 11 minutes at 30 a second, not 22)."""
    last = lead[-1] if lead else None
    first = messages[0] if messages else None
    if (
        isinstance(last, Outgoing)
        and isinstance(first, Outgoing)
        and not (last.buttons or last.keyboard or last.remove_keyboard or last.phones)
    ):
        joined = first.with_text(last.text + "\n\n" + first.text)
        return [*lead[:-1], joined, *messages[1:]]
    return [*lead, *messages]


def decode(
    kind: str,
    chat_id: int,
    data: dict[str, Any],
    *,
    person_id: str | None = None,
    priority: int = Priority.REPLY,
    dedup_key: str | None = None,
) -> Message:
    """The message an outbox row holds (its kind, chat, JSON and own columns)."""
    return KINDS[kind].from_json(chat_id, data, (person_id, priority, dedup_key))


def _buttons_json(rows: Buttons) -> list[list[dict[str, str]]]:
    return [
        [
            {"text": b.text, "url": b.url}
            if b.url is not None
            else {"text": b.text, "data": b.data}
            if b.data is not None
            else {"text": b.text}
            for b in row
        ]
        for row in rows
    ]


def _buttons_of(data: dict[str, Any]) -> Buttons:
    return tuple(
        tuple(Button(b["text"], b.get("data"), b.get("url")) for b in row)
        for row in data.get("buttons", ())
    )
