"""Posts to the Bot API with JSON parameters as they are, reading back only the result.

Building PTB objects for the request and parsing the full Message of every reply was the
largest single cost of the sender (about 0.5 ms a message in a profile). PTB's request
object still does the HTTP, the timeouts and the mapping of errors (RetryAfter, Forbidden,
BadRequest, TimedOut, NetworkError). Which call makes which of Kabar's messages is
bot/tg/botapi.py's business.
"""

from __future__ import annotations

from typing import Any

from telegram import Bot
from telegram.request import RequestData
from telegram.request._requestparameter import RequestParameter


async def raw_request(
    bot: Bot, method: str, payload: dict[str, Any], *, read_timeout: float | None = None
) -> Any:
    """POST `payload` to `method` (files as uploads); the decoded `result`, no PTB objects.

    Bot API method names are case-insensitive; the lower-case name keeps PTB from warning
    that a dedicated method exists (building its objects is what this avoids).
    """
    if read_timeout is None:
        return await bot.do_api_request(method.lower(), api_kwargs=dict(payload))
    return await bot.do_api_request(
        method.lower(), api_kwargs=dict(payload), read_timeout=read_timeout
    )


async def post_json(bot: Bot, method: str, payload: dict[str, Any]) -> Any:
    """`raw_request` for parameters that are JSON already (no files).

    PTB's `Bot` walks every value of a request to find files and convert its objects (the
    nested keyboards most of all) and fills in defaults: about 6% of `kabar run`'s CPU in a
    profile of a busy check-in. Plain JSON has none of these, so its fields go to the
    request object as they are. `bot.request` is the transport Kabar gave the bot
    (bot/tg/http.py), and `post` still maps HTTP errors to PTB's exceptions.
    `RequestParameter` is PTB-internal; the dependency is pinned below PTB 23.
    """
    data = RequestData([RequestParameter(k, v, None) for k, v in payload.items() if v is not None])
    return await bot.request.post(url=f"{bot.base_url}/{method}", request_data=data)
