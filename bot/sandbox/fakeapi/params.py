"""Decoding of Bot API request parameters.

PTB sends ``application/x-www-form-urlencoded`` (or ``multipart/form-data`` when uploading),
where every value is a string: strings as-is, everything else JSON-encoded (ints as ``"5"``,
booleans as ``"true"``, markups/lists as JSON text). JSON bodies and query strings are accepted
too, so the getters below take both raw strings and already-typed JSON values.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from aiohttp import web

from bot.sandbox.fakeapi.api_errors import ApiError, bad_request

_TRUE = frozenset({"true", "1", "yes", "True"})


@dataclass(frozen=True, slots=True)
class Upload:
    """A file part of a multipart request."""

    field: str
    filename: str
    content_type: str
    content: bytes


class Params:
    """Request parameters with typed getters that raise Telegram-style 400s."""

    __slots__ = ("uploads", "values")

    def __init__(
        self, values: dict[str, Any] | None = None, uploads: dict[str, Upload] | None = None
    ) -> None:
        self.values: dict[str, Any] = values or {}
        self.uploads: dict[str, Upload] = uploads or {}

    def has(self, name: str) -> bool:
        return self.values.get(name) is not None or name in self.uploads

    def get_str(self, name: str, default: str | None = None) -> str | None:
        value = self.values.get(name)
        if value is None:
            return default
        return value if isinstance(value, str) else json.dumps(value)

    def get_int(self, name: str, default: int | None = None) -> int | None:
        value = self.values.get(name)
        if value is None or value == "":
            return default
        if isinstance(value, bool):
            return int(value)
        if isinstance(value, int):
            return value
        try:
            return int(float(value)) if isinstance(value, float) else int(str(value))
        except ValueError:
            raise bad_request(f"invalid {name} specified") from None

    def get_float(self, name: str, default: float | None = None) -> float | None:
        value = self.values.get(name)
        if value is None or value == "":
            return default
        try:
            return float(value)
        except (TypeError, ValueError):
            raise bad_request(f"invalid {name} specified") from None

    def get_bool(self, name: str, default: bool = False) -> bool:
        value = self.values.get(name)
        if value is None:
            return default
        if isinstance(value, bool):
            return value
        return str(value) in _TRUE

    def get_json(self, name: str) -> Any:
        value = self.values.get(name)
        if not isinstance(value, str):
            return value
        if value == "":
            return None
        try:
            return json.loads(value)
        except ValueError:
            raise bad_request(f"can't parse {name} JSON object") from None

    def chat_id(self, name: str = "chat_id") -> int | str:
        """An int chat id or an ``@channelusername``; 400 if missing or malformed."""
        value = self.values.get(name)
        if value is None or value == "":
            raise bad_request(f"{name} is empty")
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        text = str(value).strip()
        if text.startswith("@"):
            return text
        try:
            return int(text)
        except ValueError:
            raise bad_request("chat not found") from None

    def chat_id_or_none(self) -> int | None:
        """Best-effort chat id for call records; never raises."""
        value = self.values.get("chat_id")
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        if isinstance(value, str):
            try:
                return int(value)
            except ValueError:
                return None
        return None


async def read_params(request: web.Request) -> Params:
    """Collect query, form, multipart and JSON parameters of a request."""
    values: dict[str, Any] = dict(request.query) if request.query_string else {}
    uploads: dict[str, Upload] = {}
    if request.method != "POST" or not request.body_exists:
        return Params(values, uploads)
    content_type = request.content_type
    if content_type == "application/json":
        try:
            body = await request.json()
        except ValueError:
            raise bad_request("can't parse JSON request body") from None
        if not isinstance(body, dict):
            raise bad_request("request body must be a JSON object")
        values.update(body)
    elif content_type in ("application/x-www-form-urlencoded", "multipart/form-data"):
        form = await request.post()
        for key, value in form.items():
            if isinstance(value, str):
                values[key] = value
            elif isinstance(value, bytes | bytearray):
                values[key] = bytes(value).decode("utf-8", "replace")
            else:
                uploads[key] = Upload(
                    field=key,
                    filename=value.filename,
                    content_type=value.content_type,
                    content=value.file.read(),
                )
    else:
        raise ApiError(400, f"Bad Request: unsupported content type {content_type}")
    return Params(values, uploads)
