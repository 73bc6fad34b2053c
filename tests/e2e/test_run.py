"""`kabar run` as a real process, talking HTTP to the fake Bot API."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from bot.db.database import Database
from bot.db.models import InboxUpdate, OutboxMessage, OutboxStatus
from bot.sandbox.fakeapi import FakeTelegram
from tests.support.process import KabarProcess

pytestmark = pytest.mark.e2e


async def test_start_and_help_are_answered_in_the_users_language(
    database_url: str, tmp_path: Path, db: Database
) -> None:
    async with FakeTelegram() as tg, KabarProcess(tg, database_url, tmp_path) as kabar:
        siti = tg.user(1001, first_name="Siti", language_code="id")
        john = tg.user(1002, first_name="John", language_code="en")

        await siti.send_command("start")
        assert "Untuk bergabung, buka tautan undangan" in (await siti.next_reply()).text

        await john.send_command("help")
        assert "You are not registered yet" in (await john.next_reply()).text

        # A sticker from someone not registered gets the way in, with the phone button.
        await siti.send_sticker()
        welcome = await siti.next_reply()
        assert "Untuk bergabung" in welcome.text
        assert welcome.keyboard == [["📱 Bagikan nomor HP saya"]]

        # The menu was published in both languages.
        commands = tg.commands(language_code="en")
        assert [c["command"] for c in commands] == ["start", "bantuan"]

        assert await kabar.stop() == 0

    async with db.sessions() as session:
        stored = (await session.execute(select(InboxUpdate))).scalars().all()
        sent = (await session.execute(select(OutboxMessage))).scalars().all()
    assert len(stored) == 3
    assert all(row.processed_at is not None for row in stored)
    assert [row.status for row in sent] == [OutboxStatus.SENT] * 3
    assert all(row.telegram_message_id for row in sent)
