"""Sends an outbox row (Bot API method + JSON) as it is stored.

The stored JSON goes out as is and only `message_id` is read back: building PTB objects
for the request and parsing the full Message of every reply was the largest single cost of
the sender (about 0.5 ms a message in a profile). PTB's request object still does the HTTP,
the timeouts and the mapping of errors (RetryAfter, Forbidden, BadRequest, TimedOut,
NetworkError).
"""

from __future__ import annotations

import base64
from typing import Any

from telegram import Bot, InputFile
from telegram.request import RequestData
from telegram.request._requestparameter import RequestParameter


async def call(bot: Bot, method: str, payload: dict[str, Any]) -> int | None:
    """Make the call; returns the id of the message sent or edited, if there is one."""
    if "photo_b64" in payload:
        payload = dict(payload)
        photo = base64.b64decode(payload.pop("photo_b64"))
        payload["photo"] = InputFile(photo, filename="chart.png")
        result = await raw_request(bot, method, payload)
    else:
        result = await _post_json(bot, method, payload)
    if isinstance(result, dict):
        message_id = result.get("message_id")
        return int(message_id) if message_id is not None else None
    return None


async def raw_request(
    bot: Bot, method: str, payload: dict[str, Any], *, read_timeout: float | None = None
) -> Any:
    """POST `payload` as JSON to `method`; the decoded `result`, no PTB objects built.

    Bot API method names are case-insensitive; the lower-case name keeps PTB from warning
    that a dedicated method exists (building its objects is what this avoids).
    """
    if read_timeout is None:
        return await bot.do_api_request(method.lower(), api_kwargs=dict(payload))
    return await bot.do_api_request(
        method.lower(), api_kwargs=dict(payload), read_timeout=read_timeout
    )


async def _post_json(bot: Bot, method: str, payload: dict[str, Any]) -> Any:
    """`raw_request` for a payload that is JSON already (an outbox row holds no files).

    PTB's `Bot` walks every value of a request to find files and convert its objects (the
    nested keyboards most of all) and fills in defaults: about 6% of `kabar run`'s CPU in a
    profile of a busy check-in. An outbox row has none of these, so its fields go to the
    request object as they are. `bot.request` is the transport Kabar gave the bot
    (bot/tg/http.py), and `post` still maps HTTP errors to PTB's exceptions.
    `RequestParameter` is PTB-internal; the dependency is pinned below PTB 23.
    """
    data = RequestData([RequestParameter(k, v, None) for k, v in payload.items() if v is not None])
    return await bot.request.post(url=f"{bot.base_url}/{method}", request_data=data)
