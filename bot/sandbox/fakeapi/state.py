"""The fake Telegram's world: users, private chats, messages, files, commands, webhook."""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any, NamedTuple

from bot.sandbox.fakeapi.api_errors import bot_blocked, chat_not_found
from bot.sandbox.fakeapi.faults import Faults
from bot.sandbox.fakeapi.files import FileStore
from bot.sandbox.fakeapi.flood import FloodLimits
from bot.sandbox.fakeapi.pulse import Pulse
from bot.sandbox.fakeapi.transcript import TranscriptEntry, inline_buttons, keyboard_rows
from bot.sandbox.fakeapi.updates import UpdateQueue


class ApiCall(NamedTuple):
    """One bot -> server call; ``time`` is ``time.monotonic()`` when it arrived."""

    time: float
    method: str
    chat_id: int | None
    ok: bool
    bot_id: int = 0  # the token's bot: several bots may call one server


@dataclass(slots=True)
class UserProfile:
    id: int
    first_name: str
    last_name: str | None = None
    username: str | None = None
    language_code: str | None = None
    phone: str | None = None

    def user_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"id": self.id, "is_bot": False, "first_name": self.first_name}
        if self.last_name:
            data["last_name"] = self.last_name
        if self.username:
            data["username"] = self.username
        if self.language_code:
            data["language_code"] = self.language_code
        return data

    def chat_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"id": self.id, "type": "private", "first_name": self.first_name}
        if self.last_name:
            data["last_name"] = self.last_name
        if self.username:
            data["username"] = self.username
        return data


@dataclass(slots=True)
class CallbackRecord:
    chat_id: int
    answered: bool = False


@dataclass(slots=True)
class WebhookConfig:
    url: str = ""
    secret_token: str | None = None
    max_connections: int = 40
    last_error_date: int | None = None
    last_error_message: str | None = None


class Chat:
    """A private chat between the bot and one user, indexed so bot calls stay O(1)."""

    __slots__ = (
        "actions",
        "blocked",
        "bot_entries",
        "bot_id",
        "deleted",
        "inline_ids",
        "messages",
        "next_message_id",
        "profile",
        "pulse",
        "reply_cursor",
        "reply_keyboard",
        "reply_keyboard_at",
        "sent",
        "started",
        "transcript",
    )

    def __init__(self, profile: UserProfile) -> None:
        self.profile = profile
        self.started = False  # the user has talked to the bot; until then sends fail 400
        self.bot_id: int | None = None  # the extra bot the user writes to (None: the default)
        self.blocked = False
        self.deleted = False
        self.next_message_id = 1
        self.messages: dict[int, dict[str, Any]] = {}
        self.inline_ids: list[int] = []  # bot messages that ever carried an inline keyboard
        self.reply_keyboard: dict[str, Any] | None = None
        self.reply_keyboard_at = 0  # message_id that set the reply keyboard
        self.transcript: list[TranscriptEntry] = []
        self.bot_entries: list[TranscriptEntry] = []
        self.reply_cursor = 0
        self.sent: list[dict[str, Any]] = []
        self.actions: list[str] = []
        self.pulse = Pulse()

    def take_message_id(self) -> int:
        message_id = self.next_message_id
        self.next_message_id += 1
        return message_id

    def add_bot_entry(self, entry: TranscriptEntry) -> None:
        self.transcript.append(entry)
        self.bot_entries.append(entry)
        self.pulse.fire()


class World:
    """All mutable state. Methods are synchronous; waiters are woken through pulses."""

    def __init__(self, *, bot_username: str, bot_first_name: str) -> None:
        self.bot_username = bot_username
        self.bot_first_name = bot_first_name
        self.chats: dict[int, Chat] = {}
        self.updates = UpdateQueue()
        self.files = FileStore()
        self.faults = Faults()
        self.flood: FloodLimits | None = None  # Telegram's sending limits, when enforced
        self.calls: list[ApiCall] = []
        self.sent: list[dict[str, Any]] = []
        self.commands: dict[tuple[str, int | None, int | None, str], list[dict[str, str]]] = {}
        self.webhook = WebhookConfig()
        self.callbacks: dict[str, CallbackRecord] = {}
        self.closing = False
        self.last_bot_id = 0
        self._bot_users: dict[int, dict[str, Any]] = {}
        # Extra bots (`add_bot`): each its own username, update queue and sending limits.
        self.bot_usernames: dict[int, str] = {}
        self.bot_queues: dict[int, UpdateQueue] = {}
        self.bot_floods: dict[int, FloodLimits] = {}
        self._callback_counter = 0

    # --- identities -------------------------------------------------------------------

    def bot_user(self, bot_id: int) -> dict[str, Any]:
        user = self._bot_users.get(bot_id)
        if user is None:
            user = {
                "id": bot_id,
                "is_bot": True,
                "first_name": self.bot_first_name,
                "username": self.bot_usernames.get(bot_id, self.bot_username),
            }
            self._bot_users[bot_id] = user
        return user

    def queue_for(self, bot_id: int | None) -> UpdateQueue:
        """The updates waiting for `bot_id`: an extra bot's own, else the default bot's."""
        return self.bot_queues.get(bot_id, self.updates) if bot_id is not None else self.updates

    def flood_for(self, bot_id: int | None) -> FloodLimits | None:
        """Telegram counts each bot's messages on their own: an extra bot has its own."""
        if self.flood is None or bot_id is None or bot_id not in self.bot_queues:
            return self.flood
        flood = self.bot_floods.get(bot_id)
        if flood is None:
            flood = self.bot_floods[bot_id] = self.flood.alike()
        return flood

    def ensure_chat(self, profile: UserProfile) -> Chat:
        chat = self.chats.get(profile.id)
        if chat is None:
            chat = Chat(profile)
            self.chats[profile.id] = chat
        return chat

    def chat_for_bot(self, chat_id: int | str) -> Chat:
        """The chat a bot call targets, or the error Telegram would answer."""
        chat = self.chats.get(chat_id) if isinstance(chat_id, int) else None
        if chat is None or not chat.started or chat.deleted:
            raise chat_not_found()
        if chat.blocked:
            raise bot_blocked()
        return chat

    def known_chat(self, chat_id: int) -> Chat:
        chat = self.chats.get(chat_id)
        if chat is None or not chat.started or chat.deleted:
            raise chat_not_found()
        return chat

    # --- user side ----------------------------------------------------------------------

    def user_message(
        self, chat: Chat, fields: dict[str, Any], entry: TranscriptEntry
    ) -> dict[str, Any]:
        """Record a message the user sent and queue it as an update."""
        self._open(chat)
        message_id = chat.take_message_id()
        message: dict[str, Any] = {
            "message_id": message_id,
            "from": chat.profile.user_json(),
            "chat": chat.profile.chat_json(),
            "date": int(time.time()),
            **fields,
        }
        chat.messages[message_id] = message
        entry.message_id = message_id
        entry.raw = message
        chat.transcript.append(entry)
        flood = self.flood_for(chat.bot_id)
        if flood is not None:
            flood.user_acted(chat.profile.id)
        self.queue_for(chat.bot_id).push("message", message)
        return message

    def user_edit(self, chat: Chat, message_id: int, text: str) -> dict[str, Any]:
        """The user edits the text of a message they sent: an `edited_message` update."""
        self._open(chat)
        message = {**chat.messages[message_id], "text": text, "edit_date": int(time.time())}
        chat.messages[message_id] = message
        chat.transcript.append(
            TranscriptEntry(
                who="user",
                kind="edited",
                text=text,
                message_id=message_id,
                time=time.monotonic(),
                raw=message,
            )
        )
        flood = self.flood_for(chat.bot_id)
        if flood is not None:
            flood.user_acted(chat.profile.id)
        self.queue_for(chat.bot_id).push("edited_message", message)
        return message

    def user_callback(
        self, chat: Chat, data: str, message: dict[str, Any] | None, button_text: str | None
    ) -> dict[str, Any]:
        self._open(chat)
        self._callback_counter += 1
        query_id = f"{chat.profile.id}{self._callback_counter:010d}"
        query: dict[str, Any] = {
            "id": query_id,
            "from": chat.profile.user_json(),
            "chat_instance": f"ci{chat.profile.id}",
            "data": data,
        }
        if message is not None:
            query["message"] = message
        self.callbacks[query_id] = CallbackRecord(chat_id=chat.profile.id)
        raw: dict[str, Any] = {"callback_query": query}
        if button_text is not None:
            raw["button_text"] = button_text
        chat.transcript.append(
            TranscriptEntry(
                who="user",
                kind="callback",
                text=button_text if button_text is not None else data,
                message_id=None if message is None else message["message_id"],
                time=time.monotonic(),
                raw=raw,
            )
        )
        flood = self.flood_for(chat.bot_id)
        if flood is not None:
            flood.user_acted(chat.profile.id)
        self.queue_for(chat.bot_id).push("callback_query", query)
        return query

    def set_blocked(self, chat: Chat, blocked: bool) -> None:
        if chat.blocked == blocked:
            return
        chat.blocked = blocked
        kind = "blocked" if blocked else "unblocked"
        chat.transcript.append(TranscriptEntry(who="user", kind=kind, time=time.monotonic()))
        if chat.started and self.last_bot_id:
            bot = self.bot_user(self.last_bot_id)
            member = {"user": bot, "status": "member"}
            kicked = {"user": bot, "status": "kicked", "until_date": 0}
            self.queue_for(chat.bot_id).push(
                "my_chat_member",
                {
                    "chat": chat.profile.chat_json(),
                    "from": chat.profile.user_json(),
                    "date": int(time.time()),
                    "old_chat_member": member if blocked else kicked,
                    "new_chat_member": kicked if blocked else member,
                },
            )

    def delete_chat(self, chat: Chat) -> None:
        chat.deleted = True
        chat.transcript.append(
            TranscriptEntry(who="user", kind="chat_deleted", time=time.monotonic())
        )

    def _open(self, chat: Chat) -> None:
        # Writing to the bot (re)opens the chat, as the Telegram app's "Start"/"Restart" does.
        chat.started = True
        chat.deleted = False
        if chat.blocked:
            self.set_blocked(chat, False)

    # --- bot side -----------------------------------------------------------------------

    def bot_message(
        self,
        chat: Chat,
        bot_id: int,
        fields: dict[str, Any],
        reply_markup: Any,
        kind: str,
        text: str,
    ) -> dict[str, Any]:
        """Record a message the bot sent; returns its Message JSON."""
        message_id = chat.take_message_id()
        message: dict[str, Any] = {
            "message_id": message_id,
            "from": self.bot_user(bot_id),
            "chat": chat.profile.chat_json(),
            "date": int(time.time()),
            **fields,
        }
        keyboard: list[list[str]] | None = None
        removed = False
        if isinstance(reply_markup, dict):
            if "inline_keyboard" in reply_markup:
                # Only inline keyboards are part of a Message as Telegram returns it.
                message["reply_markup"] = reply_markup
                chat.inline_ids.append(message_id)
            elif "keyboard" in reply_markup:
                chat.reply_keyboard = reply_markup
                chat.reply_keyboard_at = message_id
                keyboard = keyboard_rows(reply_markup)
            elif reply_markup.get("remove_keyboard"):
                chat.reply_keyboard = None
                removed = True
        chat.messages[message_id] = message
        chat.sent.append(message)
        self.sent.append(message)
        chat.add_bot_entry(
            TranscriptEntry(
                who="bot",
                kind=kind,
                text=text,
                buttons=inline_buttons(reply_markup),
                keyboard=keyboard,
                keyboard_removed=removed,
                message_id=message_id,
                time=time.monotonic(),
                raw=message,
            )
        )
        return message
