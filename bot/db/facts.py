"""Small facts Kabar remembers between runs (BotState rows)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.dialect import insert_for
from bot.db.models import BotState

BOT_USERNAME = "bot_username"
LEADER = "leader"  # the worker that runs the clocks and the sender, and since when


async def remember(session: AsyncSession, key: str, value: dict[str, Any], now: datetime) -> None:
    """Insert or overwrite in one statement: two workers (or two ticks) may write at once."""
    statement = insert_for(session, BotState).values(key=key, value=value, updated_at=now)
    statement = statement.on_conflict_do_update(
        index_elements=[BotState.key],
        set_={"value": statement.excluded.value, "updated_at": statement.excluded.updated_at},
    )
    await session.execute(statement)


async def recall(session: AsyncSession, key: str) -> dict[str, Any] | None:
    row = await session.get(BotState, key, populate_existing=True)
    return None if row is None else row.value
