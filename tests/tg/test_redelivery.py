"""An update Telegram delivers again after it was handled (the bot stopped before it could
confirm it) is not handled a second time: one answer, and the row keeps when it was handled."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from bot.db.database import Database
from bot.db.models import InboxUpdate, OutboxMessage
from tests.app.support import start_update
from tests.support.updates import handle_updates


async def test_an_update_delivered_again_after_it_was_handled_is_not_handled_again(
    database_url: str, db: Database
) -> None:
    chat = 10_500
    update = start_update(chat, "/bantuan")
    first = datetime(2026, 1, 5, 1, 0, tzinfo=UTC)
    assert await handle_updates(db, database_url, [update], first) == 1
    async with db.sessions() as session:
        handled_at = await session.scalar(select(InboxUpdate.processed_at))
        answers = len((await session.execute(select(OutboxMessage.id))).all())
    assert handled_at is not None and answers == 1

    # The same update_id and body again, an hour on.
    assert await handle_updates(db, database_url, [update], first + timedelta(hours=1)) == 0
    async with db.sessions() as session:
        row = (await session.execute(select(InboxUpdate))).scalar_one()
        replies = (await session.execute(select(OutboxMessage.chat_id))).scalars().all()
    assert row.processed_at == handled_at
    assert replies == [chat], "answered once"
