"""Settings for a large sort last as long as the statements that asked for them: the
connection goes back to the pool as it came, for the bot's small statements."""

from __future__ import annotations

from sqlalchemy import text

from bot.db.database import Database
from bot.db.dialect import SORT_THREADS, is_postgresql, large_sorts


async def test_a_large_sort_gets_its_room_and_gives_it_back(db: Database) -> None:
    async with db.sessions() as session:
        if is_postgresql(session):
            setting = text("SELECT current_setting('work_mem')")
            expected_inside = "128MB"
        else:
            setting = text("PRAGMA threads")
            expected_inside = str(SORT_THREADS)
        before = str(await session.scalar(setting))
        async with large_sorts(session, "128MB"):
            inside = str(await session.scalar(setting))
        after = str(await session.scalar(setting))
    assert inside == expected_inside != before
    assert after == before
