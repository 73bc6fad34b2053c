"""Deep links to the bot: https://t.me/<bot>?start=<code>."""

from __future__ import annotations

from collections.abc import Mapping

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import Bot, BotState, Cohort

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


async def cohort_bots(session: AsyncSession) -> dict[str, str]:
    """The cohorts given to an extra bot (`kabar bot add --cohort`): name -> its username."""
    rows = await session.execute(
        select(Cohort.name, Bot.username).join(Bot, Bot.id == Cohort.bot_id)
    )
    return {name: username for name, username in rows}


def username_for(
    default: str | None, by_cohort: Mapping[str, str] | None, cohort: str | None
) -> str | None:
    """The bot a person's invitation opens: their cohort's, else the default bot."""
    if by_cohort and cohort is not None:
        return by_cohort.get(cohort, default)
    return default
