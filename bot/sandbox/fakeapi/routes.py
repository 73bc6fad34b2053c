"""aiohttp routes for the Bot API (``/bot{token}/{method}``) and file downloads."""

from __future__ import annotations

import asyncio
import json
import re
import time
from typing import Any

from aiohttp import web

from bot.sandbox.fakeapi.api_errors import ApiError, not_found
from bot.sandbox.fakeapi.methods import METHODS, CallContext
from bot.sandbox.fakeapi.params import read_params
from bot.sandbox.fakeapi.state import ApiCall, World

_TOKEN_RE = re.compile(r"^(\d+):.+$")
WORLD_KEY: web.AppKey[World] = web.AppKey("fakeapi_world", World)


def json_response(body: Any, status: int = 200) -> web.Response:
    try:
        data = json.dumps(body, ensure_ascii=False).encode()
    except UnicodeEncodeError:  # a lone surrogate (a hostile test's update): as \ud800 escapes
        data = json.dumps(body).encode()
    return web.Response(
        body=data,
        status=status,
        content_type="application/json",
    )


def _error_response(error: ApiError) -> web.Response:
    return json_response(error.payload(), status=error.status)


async def handle_bot_call(request: web.Request) -> web.Response:
    world = request.app[WORLD_KEY]
    started = time.monotonic()
    token_match = _TOKEN_RE.match(request.match_info["token"])
    registered = METHODS.get(request.match_info["method"].lower())
    if token_match is None or registered is None:
        return _error_response(not_found())
    name, handler = registered
    bot_id = int(token_match.group(1))
    world.last_bot_id = bot_id
    ctx: CallContext | None = None
    try:
        params = await read_params(request)
        ctx = CallContext(world, bot_id, params, params.chat_id_or_none())
        # Counted as it arrives: a slow answer was still a message sent at that moment.
        flood = world.flood_for(bot_id)
        if flood is not None:
            refused = flood.check(name.lower(), ctx.chat_id)
            if refused is not None:
                raise refused
        if world.faults.active:
            decision = world.faults.decide(name.lower(), ctx.chat_id)
            if decision is not None:
                if decision.delay > 0:
                    await asyncio.sleep(decision.delay)
                if decision.error is not None:
                    raise decision.error
        result = await handler(ctx)
    except ApiError as error:
        chat_id = ctx.chat_id if ctx is not None else None
        world.calls.append(ApiCall(started, name, chat_id, False, bot_id))
        return _error_response(error)
    world.calls.append(ApiCall(started, name, ctx.chat_id, True, bot_id))
    return json_response({"ok": True, "result": result})


async def handle_file_download(request: web.Request) -> web.Response:
    world = request.app[WORLD_KEY]
    if _TOKEN_RE.match(request.match_info["token"]) is None:
        return _error_response(not_found())
    stored = world.files.by_path(request.match_info["path"])
    if stored is None:
        return _error_response(not_found())
    return web.Response(body=stored.content, content_type=stored.mime_type)


def add_bot_routes(app: web.Application) -> None:
    app.router.add_route("*", "/bot{token}/{method}", handle_bot_call)
    app.router.add_get("/file/bot{token}/{path:.+}", handle_file_download)
