"""A small HTTP control API under ``/_fake/`` so another process can drive users.

POST /_fake/users/{id}                  {"first_name", "language_code", "phone", ...}
POST /_fake/users/{id}/text             {"text": "..."}
POST /_fake/users/{id}/command          {"command": "start", "args": ["ABC"]}
POST /_fake/users/{id}/press            {"text": "Ya"}
POST /_fake/users/{id}/press_data       {"data": "...", "message_id": null}
POST /_fake/users/{id}/contact          {"phone": null, "user_id": null}
POST /_fake/users/{id}/photo|voice|sticker|location|document   (optional fields)
POST /_fake/users/{id}/block|unblock|delete_chat
GET  /_fake/users/{id}/next_reply?timeout=10      -> entry, or 408 on timeout
GET  /_fake/chats/{id}/transcript[?format=text]
GET  /_fake/calls           GET /_fake/webhook
POST /_fake/faults {"method", "status", "retry_after", "delay", "times"}
DELETE /_fake/faults
"""

from __future__ import annotations

import base64
from typing import Any, Protocol

from aiohttp import web

from bot.sandbox.fakeapi.faults import Faults
from bot.sandbox.fakeapi.routes import json_response
from bot.sandbox.fakeapi.state import ApiCall
from bot.sandbox.fakeapi.transcript import TranscriptEntry
from bot.sandbox.fakeapi.user import FakeUser


class Controlled(Protocol):
    """What the control routes drive: FakeTelegram, which mounts them (and so is not
    imported here)."""

    @property
    def faults(self) -> Faults: ...

    @property
    def calls(self) -> list[ApiCall]: ...

    def user(
        self,
        user_id: int,
        first_name: str | None = None,
        *,
        last_name: str | None = None,
        username: str | None = None,
        language_code: str | None = None,
        phone: str | None = None,
        started: bool = False,
    ) -> FakeUser: ...

    def transcript(self, chat_id: int) -> list[TranscriptEntry]: ...

    def render_transcript(self, chat_id: int) -> str: ...

    def webhook_info(self) -> dict[str, Any]: ...


def add_control_routes(app: web.Application, tg: Controlled) -> None:
    async def body(request: web.Request) -> dict[str, Any]:
        if not request.body_exists:
            return {}
        data = await request.json()
        if not isinstance(data, dict):
            raise web.HTTPBadRequest(text="JSON object expected")
        return data

    def user_of(request: web.Request) -> FakeUser:
        return tg.user(int(request.match_info["user_id"]))

    async def upsert_user(request: web.Request) -> web.Response:
        data = await body(request)
        user = tg.user(
            int(request.match_info["user_id"]),
            data.get("first_name"),
            last_name=data.get("last_name"),
            username=data.get("username"),
            language_code=data.get("language_code"),
            phone=data.get("phone"),
            started=bool(data.get("started", False)),
        )
        return json_response({"ok": True, "result": {"id": user.id}})

    async def act(request: web.Request) -> web.Response:
        user = user_of(request)
        data = await body(request)
        action = request.match_info["action"]
        result: Any
        try:
            match action:
                case "text":
                    result = await user.send_text(str(data["text"]))
                case "command":
                    result = await user.send_command(str(data["command"]), *data.get("args", []))
                case "press":
                    result = await user.press(str(data["text"]))
                case "press_data":
                    result = await user.press_data(str(data["data"]), data.get("message_id"))
                case "contact":
                    result = await user.share_contact(data.get("phone"), data.get("user_id"))
                case "photo":
                    content = (
                        base64.b64decode(data["content_b64"]) if "content_b64" in data else None
                    )
                    result = await user.send_photo(content, data.get("caption"))
                case "voice":
                    result = await user.send_voice(int(data.get("duration", 3)))
                case "sticker":
                    result = await user.send_sticker(str(data.get("emoji", "👍")))
                case "location":
                    result = await user.send_location(
                        float(data.get("latitude", -6.2088)), float(data.get("longitude", 106.8456))
                    )
                case "document":
                    result = await user.send_document(
                        base64.b64decode(data.get("content_b64", "")) or b"%PDF-1.4\n",
                        str(data.get("file_name", "document.pdf")),
                        str(data.get("mime_type", "application/pdf")),
                        data.get("caption"),
                    )
                case "block":
                    user.block_bot()
                    result = True
                case "unblock":
                    user.unblock_bot()
                    result = True
                case "delete_chat":
                    user.delete_chat()
                    result = True
                case _:
                    raise web.HTTPNotFound(text=f"unknown action {action}")
        except (KeyError, LookupError, ValueError) as exc:
            return json_response({"ok": False, "description": str(exc)}, status=400)
        return json_response({"ok": True, "result": result})

    async def next_reply(request: web.Request) -> web.Response:
        timeout = float(request.query.get("timeout", "10"))
        try:
            entry = await user_of(request).next_reply(timeout)
        except TimeoutError as exc:
            return json_response({"ok": False, "description": str(exc)}, status=408)
        return json_response({"ok": True, "result": entry.to_dict()})

    async def transcript(request: web.Request) -> web.Response:
        chat_id = int(request.match_info["chat_id"])
        if request.query.get("format") == "text":
            return web.Response(text=tg.render_transcript(chat_id))
        entries = [entry.to_dict() for entry in tg.transcript(chat_id)]
        return json_response({"ok": True, "result": entries})

    async def calls(request: web.Request) -> web.Response:
        return json_response({"ok": True, "result": [list(call) for call in tg.calls]})

    async def webhook(request: web.Request) -> web.Response:
        return json_response({"ok": True, "result": tg.webhook_info()})

    async def add_fault(request: web.Request) -> web.Response:
        data = await body(request)
        tg.faults.add(
            str(data.get("method", "*")),
            status=data.get("status"),
            retry_after=int(data.get("retry_after", 1)),
            delay=float(data.get("delay", 0.0)),
            times=data.get("times", 1),
        )
        return json_response({"ok": True, "result": True})

    async def clear_faults(request: web.Request) -> web.Response:
        tg.faults.clear()
        return json_response({"ok": True, "result": True})

    router = app.router
    router.add_post("/_fake/users/{user_id:\\d+}", upsert_user)
    router.add_post("/_fake/users/{user_id:\\d+}/{action}", act)
    router.add_get("/_fake/users/{user_id:\\d+}/next_reply", next_reply)
    router.add_get("/_fake/chats/{chat_id:-?\\d+}/transcript", transcript)
    router.add_get("/_fake/calls", calls)
    router.add_get("/_fake/webhook", webhook)
    router.add_post("/_fake/faults", add_fault)
    router.add_delete("/_fake/faults", clear_faults)
