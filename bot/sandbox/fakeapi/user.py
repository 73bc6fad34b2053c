"""A simulated Telegram user who talks to the bot through the fake server."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from bot.sandbox.fakeapi.files import (
    PLACEHOLDER_JPEG,
    PLACEHOLDER_OGG,
    PLACEHOLDER_WEBP,
    photo_sizes,
)
from bot.sandbox.fakeapi.state import Chat, UserProfile, World
from bot.sandbox.fakeapi.transcript import TranscriptEntry, render_entries


class FakeUser:
    """Drives one private chat. Sends become updates (getUpdates queue or webhook push);
    ``next_reply`` consumes what the bot sent to this chat, in order."""

    def __init__(self, world: World, chat: Chat) -> None:
        self._world = world
        self._chat = chat

    def __repr__(self) -> str:
        return f"FakeUser(id={self.id}, first_name={self.first_name!r})"

    @property
    def id(self) -> int:
        return self._chat.profile.id

    def talks_to(self, bot_id: int | None) -> FakeUser:
        """From now on this user writes to the extra bot `bot_id` (None: the default)."""
        self._chat.bot_id = bot_id
        return self

    @property
    def first_name(self) -> str:
        return self._chat.profile.first_name

    @property
    def phone(self) -> str | None:
        return self._chat.profile.phone

    @property
    def profile(self) -> UserProfile:
        return self._chat.profile

    @property
    def chat_actions(self) -> list[str]:
        """sendChatAction actions the bot sent to this chat, in order."""
        return list(self._chat.actions)

    # --- sending ------------------------------------------------------------------------

    def _send(self, fields: dict[str, Any], kind: str, text: str = "") -> dict[str, Any]:
        entry = TranscriptEntry(who="user", kind=kind, text=text, time=time.monotonic())
        return self._world.user_message(self._chat, fields, entry)

    async def send_text(self, text: str) -> dict[str, Any]:
        """Send a text message; a leading ``/command`` gets a bot_command entity."""
        fields: dict[str, Any] = {"text": text}
        if text.startswith("/") and len(text) > 1:
            command = text.split(maxsplit=1)[0]
            length = len(command.encode("utf-16-le")) // 2
            fields["entities"] = [{"type": "bot_command", "offset": 0, "length": length}]
        return self._send(fields, "text", text)

    async def edit_text(self, message_id: int, text: str) -> dict[str, Any]:
        """Edit a text this user sent earlier (Telegram's "Edit" on one's own message)."""
        return self._world.user_edit(self._chat, message_id, text)

    async def send_command(self, command: str, *args: str) -> dict[str, Any]:
        """``send_command("start", "ABC")`` sends ``/start ABC``."""
        return await self.send_text(" ".join(["/" + command.lstrip("/"), *args]))

    async def share_contact(
        self,
        phone: str | None = None,
        user_id: int | None = None,
        first_name: str | None = None,
    ) -> dict[str, Any]:
        """Without ``phone``: the user's own contact (``user_id`` defaults to the user's id).
        With ``phone``: someone else's contact, with ``user_id`` only if given."""
        if phone is None:
            if self.phone is None:
                raise ValueError(f"user {self.id} has no phone; pass phone= or set it in user()")
            phone = self.phone
            user_id = self.id if user_id is None else user_id
            first_name = first_name or self.first_name
        contact: dict[str, Any] = {"phone_number": phone, "first_name": first_name or "Contact"}
        if user_id is not None:
            contact["user_id"] = user_id
        return self._send({"contact": contact}, "contact", phone)

    async def send_photo(
        self, content: bytes | None = None, caption: str | None = None
    ) -> dict[str, Any]:
        stored = self._world.files.add(
            content or PLACEHOLDER_JPEG, folder="photos", extension="jpg", mime_type="image/jpeg"
        )
        fields: dict[str, Any] = {"photo": photo_sizes(self._world.files, stored)}
        if caption:
            fields["caption"] = caption
        return self._send(fields, "photo", caption or "")

    async def send_voice(self, duration: int = 3, content: bytes | None = None) -> dict[str, Any]:
        stored = self._world.files.add(
            content or PLACEHOLDER_OGG, folder="voice", extension="oga", mime_type="audio/ogg"
        )
        voice = {
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
            "duration": duration,
            "mime_type": "audio/ogg",
            "file_size": len(stored.content),
        }
        return self._send({"voice": voice}, "voice", f"{duration}s")

    async def send_sticker(self, emoji: str = "👍") -> dict[str, Any]:
        stored = self._world.files.add(
            PLACEHOLDER_WEBP, folder="stickers", extension="webp", mime_type="image/webp"
        )
        sticker = {
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
            "type": "regular",
            "width": 512,
            "height": 512,
            "is_animated": False,
            "is_video": False,
            "emoji": emoji,
            "file_size": len(stored.content),
        }
        return self._send({"sticker": sticker}, "sticker", emoji)

    async def send_location(
        self, latitude: float = -6.2088, longitude: float = 106.8456
    ) -> dict[str, Any]:
        location = {"latitude": latitude, "longitude": longitude}
        return self._send({"location": location}, "location", f"{latitude}, {longitude}")

    async def send_document(
        self,
        content: bytes = b"%PDF-1.4\n%%EOF\n",
        file_name: str = "document.pdf",
        mime_type: str = "application/pdf",
        caption: str | None = None,
    ) -> dict[str, Any]:
        extension = file_name.rsplit(".", 1)[-1] if "." in file_name else "bin"
        stored = self._world.files.add(
            content,
            folder="documents",
            extension=extension,
            mime_type=mime_type,
            file_name=file_name,
        )
        document = {
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
            "file_name": file_name,
            "mime_type": mime_type,
            "file_size": len(content),
        }
        fields: dict[str, Any] = {"document": document}
        if caption:
            fields["caption"] = caption
        return self._send(fields, "document", " ".join(p for p in (file_name, caption) if p))

    # --- buttons ------------------------------------------------------------------------

    async def press(self, text: str) -> dict[str, Any]:
        """Press the button labelled ``text``: the inline button on the newest bot message
        that has one (-> callback_query), or the current reply-keyboard button (-> a text,
        contact or location message), whichever the bot showed most recently."""
        chat = self._chat
        inline = self._find_inline(text)
        key = self._find_keyboard_button(text)
        if inline is not None and (key is None or inline[0]["message_id"] > chat.reply_keyboard_at):
            message, button = inline
            if "callback_data" not in button:
                raise ValueError(f"button {text!r} sends nothing to the bot: {button}")
            return self._world.user_callback(chat, str(button["callback_data"]), message, text)
        if key is not None:
            if isinstance(key, dict) and key.get("request_contact"):
                return await self.share_contact()
            if isinstance(key, dict) and key.get("request_location"):
                return await self.send_location()
            return await self.send_text(text)
        raise LookupError(
            f"no button {text!r} for user {self.id}; visible buttons: {self.visible_buttons()}"
        )

    async def press_data(self, data: str, message_id: int | None = None) -> dict[str, Any]:
        """A callback_query with arbitrary data (forged or stale buttons). It refers to
        ``message_id`` (an inaccessible message if that one is gone), or by default to
        the bot's newest message."""
        chat = self._chat
        message: dict[str, Any] | None = None
        if message_id is None:
            if chat.sent:
                newest = chat.sent[-1]["message_id"]
                message = chat.messages.get(newest)
        else:
            message = chat.messages.get(message_id) or {
                "chat": chat.profile.chat_json(),
                "message_id": message_id,
                "date": 0,
            }
        return self._world.user_callback(chat, data, message, None)

    def visible_buttons(self) -> dict[str, list[str]]:
        """Inline buttons of the newest keyboard message and the current reply keyboard."""
        chat = self._chat
        inline: list[str] = []
        for message_id in reversed(chat.inline_ids):
            message = chat.messages.get(message_id)
            if message and "reply_markup" in message:
                inline = [
                    b["text"] for row in message["reply_markup"]["inline_keyboard"] for b in row
                ]
                break
        keyboard: list[str] = []
        if chat.reply_keyboard is not None:
            keyboard = [
                b if isinstance(b, str) else b["text"]
                for row in chat.reply_keyboard["keyboard"]
                for b in row
            ]
        return {"inline": inline, "keyboard": keyboard}

    def _find_inline(self, text: str) -> tuple[dict[str, Any], dict[str, Any]] | None:
        chat = self._chat
        seen: set[int] = set()
        for message_id in reversed(chat.inline_ids):
            if message_id in seen:
                continue
            seen.add(message_id)
            message = chat.messages.get(message_id)
            if message is None or "reply_markup" not in message:
                continue
            for row in message["reply_markup"]["inline_keyboard"]:
                for button in row:
                    if button.get("text") == text:
                        return message, button
        return None

    def _find_keyboard_button(self, text: str) -> str | dict[str, Any] | None:
        markup = self._chat.reply_keyboard
        if markup is None:
            return None
        for row in markup["keyboard"]:
            for button in row:
                label = button if isinstance(button, str) else button.get("text")
                if label == text:
                    return button  # type: ignore[no-any-return]
        return None

    # --- chat state ---------------------------------------------------------------------

    def block_bot(self) -> None:
        """From now on the bot's sends to this chat fail with 403. Sending anything as this
        user unblocks again, as the Telegram app's "Restart" button does."""
        self._world.set_blocked(self._chat, True)

    def unblock_bot(self) -> None:
        self._world.set_blocked(self._chat, False)

    def delete_chat(self) -> None:
        """From now on the bot's sends fail 400 "chat not found" until the user writes again."""
        self._world.delete_chat(self._chat)

    # --- replies ------------------------------------------------------------------------

    async def next_reply(self, timeout: float = 10.0) -> TranscriptEntry:
        """The next bot message, edit or callback answer in this chat not yet consumed."""
        chat = self._chat
        arrived = await chat.pulse.wait_until(
            lambda: chat.reply_cursor < len(chat.bot_entries), timeout
        )
        if not arrived:
            raise TimeoutError(
                f"no reply from the bot to user {self.id} within {timeout:g}s; "
                f"transcript so far:\n{self.render_transcript() or '(empty)'}"
            )
        entry = chat.bot_entries[chat.reply_cursor]
        chat.reply_cursor += 1
        return entry

    async def replies_until(
        self,
        predicate: Callable[[TranscriptEntry], bool],
        timeout: float = 10.0,
    ) -> list[TranscriptEntry]:
        """Consume replies until one satisfies ``predicate``; returns all consumed."""
        deadline = time.monotonic() + timeout
        taken: list[TranscriptEntry] = []
        while True:
            try:
                entry = await self.next_reply(max(deadline - time.monotonic(), 0.0))
            except TimeoutError:
                raise TimeoutError(
                    f"no matching reply for user {self.id} within {timeout:g}s "
                    f"({len(taken)} other replies); transcript so far:\n"
                    f"{self.render_transcript() or '(empty)'}"
                ) from None
            taken.append(entry)
            if predicate(entry):
                return taken

    def drain_replies(self) -> list[TranscriptEntry]:
        """Consume and return every reply already received, without waiting."""
        chat = self._chat
        entries = chat.bot_entries[chat.reply_cursor :]
        chat.reply_cursor = len(chat.bot_entries)
        return entries

    async def assert_no_reply(self, within: float = 0.3) -> None:
        """Fail if the bot sends this chat anything (unconsumed) within ``within`` seconds."""
        chat = self._chat
        if await chat.pulse.wait_until(lambda: chat.reply_cursor < len(chat.bot_entries), within):
            entry = chat.bot_entries[chat.reply_cursor]
            raise AssertionError(f"unexpected reply to user {self.id}: {entry.kind} {entry.text!r}")

    def transcript(self) -> list[TranscriptEntry]:
        return list(self._chat.transcript)

    def render_transcript(self) -> str:
        return render_entries(self._chat.transcript)
