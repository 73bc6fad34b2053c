"""Which bot a token belongs to: getMe, asked before a token is stored."""

from __future__ import annotations

from typing import Literal

import aiohttp


async def username_of(api_url: str, token: str) -> str | Literal["refused", "unreachable"]:
    """The bot's username for `token` at `api_url` (…/bot, the token appended), or why not:
    "refused" when Telegram does not know the token, "unreachable" when it did not answer."""
    try:
        async with (
            aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=15)) as session,
            session.get(f"{api_url}{token}/getMe") as response,
        ):
            if response.status >= 500:
                return "unreachable"
            body = await response.json(content_type=None)
    except (aiohttp.ClientError, TimeoutError, ValueError):
        return "unreachable"
    result = body.get("result") if isinstance(body, dict) and body.get("ok") else None
    username = result.get("username") if isinstance(result, dict) else None
    return username if isinstance(username, str) and username else "refused"
