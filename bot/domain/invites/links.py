"""Deep links to the bot: https://t.me/<bot>?start=<code>."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import BotState

BOT_USERNAME_KEY = "bot_username"


async def bot_username(session: AsyncSession, configured: str | None) -> str | None:
    """KABAR_BOT_USERNAME if set, else the username `kabar run` last saw from getMe."""
    if configured:
        return configured.removeprefix("@")
    state = await session.get(BotState, BOT_USERNAME_KEY)
    if state is None:
        return None
    username = state.value.get("username")
    return username.removeprefix("@") if isinstance(username, str) and username else None


def invite_link(username: str | None, code: str) -> str:
    """The deep link for `code`, or "" when the bot's username is not known."""
    return f"https://t.me/{username}?start={code}" if username else ""
