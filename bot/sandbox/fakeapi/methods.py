"""Bot API method implementations, registered by case-insensitive method name."""

from __future__ import annotations

import re
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Any

from bot.sandbox.fakeapi.api_errors import bad_request, polling_conflict, webhook_conflict
from bot.sandbox.fakeapi.files import PLACEHOLDER_JPEG, StoredFile, photo_sizes
from bot.sandbox.fakeapi.formatting import plain_text
from bot.sandbox.fakeapi.params import Params
from bot.sandbox.fakeapi.state import Chat, World
from bot.sandbox.fakeapi.transcript import TranscriptEntry, inline_buttons

MAX_TEXT = 4096
MAX_CAPTION = 1024
_INLINE_ACTIONS = (
    "callback_data", "url", "login_url", "switch_inline_query",
    "switch_inline_query_current_chat", "switch_inline_query_chosen_chat", "copy_text",
    "callback_game", "pay", "web_app",
)  # fmt: skip
_COMMAND_RE = re.compile(r"^[a-z0-9_]{1,32}$")
_SECRET_RE = re.compile(r"^[A-Za-z0-9_-]{1,256}$")
_GLOBAL_SCOPES = frozenset(
    {"default", "all_private_chats", "all_group_chats", "all_chat_administrators"}
)
_CHAT_SCOPES = frozenset({"chat", "chat_administrators", "chat_member"})
_NOT_MODIFIED = (
    "message is not modified: specified new message content and reply markup are exactly "
    "the same as a current content and reply markup of the message"
)

CommandKey = tuple[str, int | None, int | None, str]


@dataclass(slots=True)
class CallContext:
    world: World
    bot_id: int
    params: Params
    chat_id: int | None = None  # set by handlers once the target chat is known


Handler = Callable[[CallContext], Awaitable[Any]]
METHODS: dict[str, tuple[str, Handler]] = {}


def method(name: str) -> Callable[[Handler], Handler]:
    def register(handler: Handler) -> Handler:
        METHODS[name.lower()] = (name, handler)
        return handler

    return register


# --- shared helpers ---------------------------------------------------------------------


def _target_chat(ctx: CallContext) -> Chat:
    chat = ctx.world.chat_for_bot(ctx.params.chat_id())
    ctx.chat_id = chat.profile.id
    return chat


def _reply_markup(p: Params) -> dict[str, Any] | None:
    markup = p.get_json("reply_markup")
    if markup is None:
        return None
    if not isinstance(markup, dict):
        raise bad_request("can't parse reply keyboard markup JSON object")
    if "inline_keyboard" in markup:
        _check_rows(markup["inline_keyboard"], "inline_keyboard")
        for row in markup["inline_keyboard"]:
            for button in row:
                _check_inline_button(button)
    elif "keyboard" in markup:
        _check_rows(markup["keyboard"], "keyboard")
        for row in markup["keyboard"]:
            for button in row:
                text = (
                    button
                    if isinstance(button, str)
                    else (button.get("text") if isinstance(button, dict) else None)
                )
                if not text:
                    raise bad_request("can't parse keyboard button: Text must be non-empty")
    return markup


def _check_rows(rows: Any, name: str) -> None:
    if not isinstance(rows, list) or any(not isinstance(row, list) for row in rows):
        raise bad_request(f'field "{name}" must be an Array of Arrays')


def _check_inline_button(button: Any) -> None:
    if not isinstance(button, dict) or not button.get("text"):
        raise bad_request("can't parse inline keyboard button: Text must be non-empty")
    if not any(key in button for key in _INLINE_ACTIONS):
        raise bad_request(
            "can't parse inline keyboard button: Text buttons are unallowed in the inline keyboard"
        )
    data = button.get("callback_data")
    if data is not None and not 1 <= len(str(data).encode()) <= 64:
        raise bad_request("BUTTON_DATA_INVALID")


def _message_text(p: Params, name: str = "text") -> str:
    raw = p.get_str(name)
    if raw is None or not raw.strip():
        raise bad_request("message text is empty")
    text = plain_text(raw, p.get_str("parse_mode"))
    if not text.strip():
        raise bad_request("message text is empty")
    if len(text) > MAX_TEXT:
        raise bad_request("message is too long")
    return text


def _caption(p: Params) -> str | None:
    raw = p.get_str("caption")
    if not raw:
        return None
    caption = plain_text(raw, p.get_str("parse_mode"))
    if len(caption) > MAX_CAPTION:
        raise bad_request("message caption is too long")
    return caption


def _input_file(
    ctx: CallContext, name: str, *, folder: str, extension: str, mime_type: str
) -> StoredFile:
    """An uploaded part, an ``attach://`` reference, a known file_id or a URL."""
    p, files = ctx.params, ctx.world.files
    value = p.get_str(name)
    upload = p.uploads.get(name)
    if upload is None and value and value.startswith("attach://"):
        upload = p.uploads.get(value.removeprefix("attach://"))
    if upload is not None:
        suffix = PurePosixPath(upload.filename).suffix.lstrip(".")
        return files.add(
            upload.content,
            folder=folder,
            extension=suffix or extension,
            mime_type=upload.content_type or mime_type,
            file_name=upload.filename,
        )
    if not value:
        raise bad_request(f"there is no {name} in the request")
    stored = files.get(value)
    if stored is not None:
        return stored
    if value.startswith(("http://", "https://")):
        # No network here: the URL is remembered and a placeholder body is served.
        content = PLACEHOLDER_JPEG if folder == "photos" else b""
        name_part = PurePosixPath(value.split("?", 1)[0]).name or None
        return files.add(
            content,
            folder=folder,
            extension=extension,
            mime_type=mime_type,
            file_name=name_part,
            url=value,
        )
    raise bad_request("wrong file identifier/HTTP URL specified")


def _editable(ctx: CallContext) -> tuple[Chat, dict[str, Any]]:
    p = ctx.params
    if p.has("inline_message_id") and not p.has("chat_id"):
        raise bad_request("message to edit not found")  # inline mode is not modelled
    chat = _target_chat(ctx)
    message_id = p.get_int("message_id")
    if message_id is None:
        raise bad_request("message identifier is not specified")
    message = chat.messages.get(message_id)
    if message is None:
        raise bad_request("message to edit not found")
    if not message["from"].get("is_bot"):
        raise bad_request("message can't be edited")
    return chat, message


def _store_edit(chat: Chat, old: dict[str, Any], new: dict[str, Any]) -> None:
    chat.messages[old["message_id"]] = new
    if "reply_markup" in new and (not chat.inline_ids or chat.inline_ids[-1] != new["message_id"]):
        chat.inline_ids.append(new["message_id"])


def _inline_markup(p: Params) -> dict[str, Any] | None:
    markup = _reply_markup(p)
    if markup is not None and "inline_keyboard" not in markup:
        raise bad_request("inline keyboard expected")
    return markup


# --- identity and lifecycle ---------------------------------------------------------------


@method("getMe")
async def get_me(ctx: CallContext) -> Any:
    return {
        **ctx.world.bot_user(ctx.bot_id),
        "can_join_groups": True,
        "can_read_all_group_messages": False,
        "supports_inline_queries": False,
        "can_connect_to_business": False,
        "has_main_web_app": False,
    }


@method("close")
async def close(ctx: CallContext) -> Any:
    return True


@method("logOut")
async def log_out(ctx: CallContext) -> Any:
    return True


# --- updates ------------------------------------------------------------------------------


@method("getUpdates")
async def get_updates(ctx: CallContext) -> Any:
    world, p = ctx.world, ctx.params
    queue = world.queue_for(ctx.bot_id)
    if world.webhook.url and queue is world.updates:
        raise webhook_conflict()
    queue.set_allowed(p.get_json("allowed_updates"))
    offset = p.get_int("offset")
    if offset is not None:
        queue.confirm(offset)
    limit = min(max(p.get_int("limit", 100) or 100, 1), 100)
    timeout = max(p.get_float("timeout", 0.0) or 0.0, 0.0)
    # A newer getUpdates ends an older waiting one with 409, like Telegram.
    queue.poll_generation += 1
    generation = queue.poll_generation
    queue.pulse.fire()
    if not len(queue) and timeout > 0:
        await queue.pulse.wait_until(
            lambda: (
                bool(len(queue))
                or queue.poll_generation != generation
                or world.closing
                or (bool(world.webhook.url) and queue is world.updates)
            ),
            timeout,
        )
        if queue.poll_generation != generation:
            raise polling_conflict()
    return queue.peek(limit)


@method("setWebhook")
async def set_webhook(ctx: CallContext) -> Any:
    world, p = ctx.world, ctx.params
    url = p.get_str("url") or ""
    secret = p.get_str("secret_token")
    if secret is not None and not _SECRET_RE.match(secret):
        raise bad_request("secret token contains unallowed characters")
    if url and not url.startswith(("http://", "https://")):
        raise bad_request("bad webhook: An HTTPS URL must be provided for webhook")
    if p.get_bool("drop_pending_updates"):
        world.updates.clear()
    world.updates.set_allowed(p.get_json("allowed_updates"))
    world.webhook.url = url
    world.webhook.secret_token = secret if url else None
    world.webhook.max_connections = p.get_int("max_connections", 40) or 40
    world.webhook.last_error_date = None
    world.webhook.last_error_message = None
    world.updates.pulse.fire()
    return True


@method("deleteWebhook")
async def delete_webhook(ctx: CallContext) -> Any:
    world = ctx.world
    if ctx.params.get_bool("drop_pending_updates"):
        world.updates.clear()
    world.webhook.url = ""
    world.webhook.secret_token = None
    world.updates.pulse.fire()
    return True


@method("getWebhookInfo")
async def get_webhook_info(ctx: CallContext) -> Any:
    return webhook_info(ctx.world)


def webhook_info(world: World) -> dict[str, Any]:
    hook = world.webhook
    info: dict[str, Any] = {
        "url": hook.url,
        "has_custom_certificate": False,
        "pending_update_count": len(world.updates),
    }
    if hook.url:
        info["max_connections"] = hook.max_connections
        if world.updates.allowed_updates is not None:
            info["allowed_updates"] = world.updates.allowed_updates
        if hook.last_error_date is not None:
            info["last_error_date"] = hook.last_error_date
            info["last_error_message"] = hook.last_error_message
    return info


# --- sending ------------------------------------------------------------------------------


@method("sendMessage")
async def send_message(ctx: CallContext) -> Any:
    p = ctx.params
    chat = _target_chat(ctx)
    text = _message_text(p)
    fields: dict[str, Any] = {"text": text}
    entities = p.get_json("entities")
    if entities:
        fields["entities"] = entities
    return ctx.world.bot_message(chat, ctx.bot_id, fields, _reply_markup(p), "text", text)


@method("sendPhoto")
async def send_photo(ctx: CallContext) -> Any:
    chat = _target_chat(ctx)
    caption = _caption(ctx.params)
    stored = _input_file(ctx, "photo", folder="photos", extension="jpg", mime_type="image/jpeg")
    fields: dict[str, Any] = {"photo": photo_sizes(ctx.world.files, stored)}
    if caption:
        fields["caption"] = caption
    markup = _reply_markup(ctx.params)
    return ctx.world.bot_message(chat, ctx.bot_id, fields, markup, "photo", caption or "")


@method("sendVoice")
async def send_voice(ctx: CallContext) -> Any:
    chat = _target_chat(ctx)
    caption = _caption(ctx.params)
    stored = _input_file(ctx, "voice", folder="voice", extension="oga", mime_type="audio/ogg")
    voice: dict[str, Any] = {
        "file_id": stored.file_id,
        "file_unique_id": stored.file_unique_id,
        "duration": ctx.params.get_int("duration", 0) or 0,
        "mime_type": stored.mime_type,
        "file_size": len(stored.content),
    }
    fields: dict[str, Any] = {"voice": voice}
    if caption:
        fields["caption"] = caption
    markup = _reply_markup(ctx.params)
    return ctx.world.bot_message(chat, ctx.bot_id, fields, markup, "voice", caption or "")


@method("sendDocument")
async def send_document(ctx: CallContext) -> Any:
    chat = _target_chat(ctx)
    caption = _caption(ctx.params)
    stored = _input_file(
        ctx, "document", folder="documents", extension="bin", mime_type="application/octet-stream"
    )
    document: dict[str, Any] = {
        "file_id": stored.file_id,
        "file_unique_id": stored.file_unique_id,
        "file_size": len(stored.content),
        "mime_type": stored.mime_type,
    }
    if stored.file_name:
        document["file_name"] = stored.file_name
    fields: dict[str, Any] = {"document": document}
    if caption:
        fields["caption"] = caption
    text = " ".join(part for part in (stored.file_name, caption) if part)
    markup = _reply_markup(ctx.params)
    return ctx.world.bot_message(chat, ctx.bot_id, fields, markup, "document", text)


@method("sendChatAction")
async def send_chat_action(ctx: CallContext) -> Any:
    chat = _target_chat(ctx)
    action = ctx.params.get_str("action")
    if not action:
        raise bad_request("wrong parameter action in request")
    chat.actions.append(action)
    return True


@method("getFile")
async def get_file(ctx: CallContext) -> Any:
    file_id = ctx.params.get_str("file_id") or ""
    stored = ctx.world.files.get(file_id)
    if stored is None:
        raise bad_request("invalid file_id")
    return {**stored.file_object(), "file_id": file_id}


# --- editing ------------------------------------------------------------------------------


@method("editMessageText")
async def edit_message_text(ctx: CallContext) -> Any:
    p = ctx.params
    chat, old = _editable(ctx)
    if "text" not in old:
        raise bad_request("there is no text in the message to edit")
    text = _message_text(p)
    markup = _inline_markup(p)
    new = {**old, "text": text, "edit_date": int(time.time())}
    entities = p.get_json("entities")
    if entities:
        new["entities"] = entities
    else:
        new.pop("entities", None)
    if markup is not None:
        new["reply_markup"] = markup
    else:
        # Like Telegram: an edit without reply_markup drops the inline keyboard.
        new.pop("reply_markup", None)
    if (
        new["text"] == old["text"]
        and new.get("reply_markup") == old.get("reply_markup")
        and new.get("entities") == old.get("entities")
    ):
        raise bad_request(_NOT_MODIFIED)
    _store_edit(chat, old, new)
    chat.add_bot_entry(
        TranscriptEntry(
            who="bot",
            kind="edit",
            text=text,
            buttons=inline_buttons(markup),
            message_id=old["message_id"],
            time=time.monotonic(),
            raw=new,
        )
    )
    return new


@method("editMessageReplyMarkup")
async def edit_message_reply_markup(ctx: CallContext) -> Any:
    chat, old = _editable(ctx)
    markup = _inline_markup(ctx.params)
    new = {**old, "edit_date": int(time.time())}
    if markup is not None:
        new["reply_markup"] = markup
    else:
        new.pop("reply_markup", None)
    if new.get("reply_markup") == old.get("reply_markup"):
        raise bad_request(_NOT_MODIFIED)
    _store_edit(chat, old, new)
    chat.add_bot_entry(
        TranscriptEntry(
            who="bot",
            kind="edit_markup",
            text=str(old.get("text") or old.get("caption") or ""),
            buttons=inline_buttons(markup),
            message_id=old["message_id"],
            time=time.monotonic(),
            raw=new,
        )
    )
    return new


@method("deleteMessage")
async def delete_message(ctx: CallContext) -> Any:
    chat = _target_chat(ctx)
    message_id = ctx.params.get_int("message_id")
    message = chat.messages.pop(message_id, None) if message_id is not None else None
    if message is None:
        raise bad_request("message to delete not found")
    chat.add_bot_entry(
        TranscriptEntry(
            who="bot", kind="delete", message_id=message_id, time=time.monotonic(), raw=message
        )
    )
    return True


@method("answerCallbackQuery")
async def answer_callback_query(ctx: CallContext) -> Any:
    p, world = ctx.params, ctx.world
    query_id = p.get_str("callback_query_id") or ""
    record = world.callbacks.get(query_id)
    if record is None or record.answered:
        raise bad_request("query is too old and response timeout expired or query ID is invalid")
    record.answered = True
    ctx.chat_id = record.chat_id
    text = p.get_str("text") or ""
    if len(text) > 200:
        raise bad_request("MESSAGE_TOO_LONG")
    raw: dict[str, Any] = {
        "callback_query_id": query_id,
        "text": text,
        "show_alert": p.get_bool("show_alert"),
    }
    if p.has("url"):
        raw["url"] = p.get_str("url")
    world.chats[record.chat_id].add_bot_entry(
        TranscriptEntry(
            who="bot", kind="callback_answer", text=text, time=time.monotonic(), raw=raw
        )
    )
    return True


# --- commands -----------------------------------------------------------------------------


def _command_key(ctx: CallContext) -> CommandKey:
    p = ctx.params
    scope = p.get_json("scope") or {"type": "default"}
    if not isinstance(scope, dict):
        raise bad_request("can't parse BotCommandScope JSON object")
    kind = str(scope.get("type", "default"))
    language = p.get_str("language_code") or ""
    if kind in _GLOBAL_SCOPES:
        return (kind, None, None, language)
    if kind not in _CHAT_SCOPES:
        raise bad_request("can't parse BotCommandScope: Unsupported type specified")
    chat_id = Params({"chat_id": scope.get("chat_id")}).chat_id()
    if not isinstance(chat_id, int):
        raise bad_request("chat not found")
    ctx.world.known_chat(chat_id)
    ctx.chat_id = chat_id
    user_id = scope.get("user_id") if kind == "chat_member" else None
    return (kind, chat_id, None if user_id is None else int(user_id), language)


def scope_key(scope: dict[str, Any] | None, language_code: str = "") -> CommandKey:
    """The storage key for a BotCommandScope dict (for the Python API)."""
    scope = scope or {"type": "default"}
    user_id = scope.get("user_id")
    chat_id = scope.get("chat_id")
    return (
        str(scope.get("type", "default")),
        None if chat_id is None else int(chat_id),
        None if user_id is None else int(user_id),
        language_code,
    )


@method("setMyCommands")
async def set_my_commands(ctx: CallContext) -> Any:
    commands = ctx.params.get_json("commands")
    if not isinstance(commands, list) or len(commands) > 100:
        raise bad_request("can't parse commands JSON object")
    cleaned: list[dict[str, str]] = []
    for item in commands:
        if not isinstance(item, dict) or not _COMMAND_RE.match(str(item.get("command", ""))):
            raise bad_request("BOT_COMMAND_INVALID")
        description = str(item.get("description", ""))
        if not 1 <= len(description) <= 256:
            raise bad_request("BOT_COMMAND_DESCRIPTION_INVALID")
        cleaned.append({"command": str(item["command"]), "description": description})
    key = _command_key(ctx)
    if cleaned:
        ctx.world.commands[key] = cleaned
    else:
        ctx.world.commands.pop(key, None)
    return True


@method("getMyCommands")
async def get_my_commands(ctx: CallContext) -> Any:
    return ctx.world.commands.get(_command_key(ctx), [])


@method("deleteMyCommands")
async def delete_my_commands(ctx: CallContext) -> Any:
    ctx.world.commands.pop(_command_key(ctx), None)
    return True


def effective_commands(world: World, chat_id: int, language_code: str = "") -> list[dict[str, str]]:
    """What a private chat's menu shows: chat scope, then all_private_chats, then default."""
    languages = [language_code, ""] if language_code else [""]
    for kind, scoped in (("chat", chat_id), ("all_private_chats", None), ("default", None)):
        for language in languages:
            found = world.commands.get((kind, scoped, None, language))
            if found:
                return found
    return []
