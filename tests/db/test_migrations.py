"""Migrations take an empty database to head, and the models agree with them."""

from __future__ import annotations

import asyncio
import base64
from datetime import UTC, datetime, timedelta, timezone

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Connection, column, insert, select, table
from telegram import Bot

from bot.db.database import Database
from bot.db.migrate import current_revision, head_revision, upgrade
from bot.db.models import AuditEntry, Base, OutboxMessage, OutboxStatus, Priority
from bot.db.types import JSONType, UTCDateTime
from bot.messaging.limits import SendLimits
from bot.sandbox.fakeapi import FakeTelegram
from tests.messaging.support import drain
from tests.support.process import TEST_TOKEN


async def test_upgrade_from_empty_to_head_matches_models(empty_database_url: str) -> None:
    upgrade(empty_database_url)
    upgrade(empty_database_url)  # a second run is a no-op, not an error

    database = Database(empty_database_url)
    try:
        async with database.engine.connect() as connection:

            def check(sync: Connection) -> tuple[str | None, list[object]]:
                context = MigrationContext.configure(sync, opts={"compare_type": True})
                return current_revision(sync), compare_metadata(context, Base.metadata)

            revision, differences = await connection.run_sync(check)
    finally:
        await database.dispose()
    assert revision == head_revision(empty_database_url)
    assert differences == [], "models and migrations disagree: write a migration"


async def test_timestamps_come_back_timezone_aware_in_utc(db: Database) -> None:
    wib = timezone(timedelta(hours=7))
    written = datetime(2025, 8, 17, 8, 0, tzinfo=wib)
    async with db.transaction() as session:
        session.add(AuditEntry(at=written, actor="cli", action="test"))
    async with db.sessions() as session:
        stored = (await session.execute(select(AuditEntry.at))).scalar_one()
    assert stored == written
    assert stored.tzinfo is not None
    assert stored.utcoffset() == UTC.utcoffset(None)


async def test_messages_queued_in_the_bot_api_form_are_sent_after_the_upgrade(
    empty_database_url: str,
) -> None:
    """0003: the outbox holds Kabar's messages; what was still waiting in the Bot API's
    form when Kabar was upgraded goes out as it would have before."""
    upgrade(empty_database_url, "0002")
    database = Database(empty_database_url)
    png = b"\x89PNG\r\n\x1a\n" + bytes(range(64))
    try:
        async with FakeTelegram() as tg:
            sri = tg.user(9301, first_name="Sri")
            await sri.send_text("halo")
            async with Bot(TEST_TOKEN, base_url=tg.api_url) as bot:
                earlier = await bot.send_message(sri.id, "Apakah Anda berproduksi?")
            press = await sri.press_data("f:7:1:yes", message_id=earlier.message_id)
            skip = {"text": "Lewati", "callback_data": "f:7:2:skip"}
            contact = {"text": "Bagikan nomor", "request_contact": True}
            queued = [
                ("answerCallbackQuery", {"callback_query_id": press["id"], "text": "Tersimpan"}),
                (
                    "editMessageText",
                    {"chat_id": sri.id, "message_id": earlier.message_id, "text": "Ya, sudah"},
                ),
                (
                    "sendMessage",
                    {
                        "chat_id": sri.id,
                        "text": "Berapa banyak?",
                        "reply_markup": {"inline_keyboard": [[skip]]},
                    },
                ),
                (
                    "sendMessage",
                    {
                        "chat_id": sri.id,
                        "text": "Nomor Anda?",
                        "reply_markup": {
                            "keyboard": [[contact]],
                            "resize_keyboard": True,
                            "one_time_keyboard": True,
                        },
                    },
                ),
                (
                    "setMyCommands",
                    {
                        "commands": [{"command": "bantuan", "description": "bantuan"}],
                        "scope": {"type": "chat", "chat_id": sri.id},
                    },
                ),
                (
                    "sendPhoto",
                    {
                        "chat_id": sri.id,
                        "caption": "Ringkasan",
                        "photo_b64": base64.b64encode(png).decode("ascii"),
                    },
                ),
                ("sendSticker", {"chat_id": sri.id, "sticker": "x"}),
            ]
            old = table(
                "outbox_messages",
                *(column(name) for name in ("chat_id", "method", "priority", "status", "attempts")),
                column("payload", JSONType),
                column("not_before", UTCDateTime()),
                column("created_at", UTCDateTime()),
            )
            at = datetime(2026, 1, 12, 1, 0, tzinfo=UTC)
            rows = [
                {
                    "chat_id": sri.id,
                    "method": method,
                    "payload": payload,
                    "priority": Priority.REPLY,
                    "status": "pending",
                    "not_before": at,
                    "attempts": 0,
                    "created_at": at,
                }
                for method, payload in queued
            ]
            async with database.transaction() as session:
                await session.execute(insert(old), rows)

            upgrade(empty_database_url)
            await drain(
                tg,
                database,
                SendLimits(chat_interval_s=0),
                until=lambda: len(tg.sent_messages(sri.id)) == 4,
            )
            async with database.sessions() as session:
                outcome = {
                    row.kind: (row.status, row.error)
                    for row in (await session.execute(select(OutboxMessage))).scalars()
                }
            sent = tg.sent_messages(sri.id)
            assert [m.get("text") for m in sent[1:3]] == ["Berapa banyak?", "Nomor Anda?"]
            assert sent[1]["reply_markup"]["inline_keyboard"] == [[skip]]
            keyboard = tg.world.chats[sri.id].reply_keyboard or {}
            assert keyboard["keyboard"] == [[contact]] and keyboard["one_time_keyboard"]
            assert tg.file_content(sent[3]["photo"][-1]["file_id"]) == png
            assert sent[3]["caption"] == "Ringkasan"
            assert (tg.message(sri.id, earlier.message_id) or {})["text"] == "Ya, sudah"
            assert tg.commands_for_chat(sri.id) == [
                {"command": "bantuan", "description": "bantuan"}
            ]
            assert [c.ok for c in tg.calls if c.method == "answerCallbackQuery"] == [True]
    finally:
        await database.dispose()
    assert {kind: status for kind, (status, _) in outcome.items()} == {
        "answer": OutboxStatus.SENT,
        "edit": OutboxStatus.SENT,
        "text": OutboxStatus.SENT,
        "menu": OutboxStatus.SENT,
        "photo": OutboxStatus.SENT,
        "sendSticker": OutboxStatus.FAILED,
    }
    assert outcome["sendSticker"][1], "a call Kabar cannot read is set aside, with a reason"


def test_a_downgrade_gives_queued_messages_back_in_the_bot_api_form(
    empty_database_url: str,
) -> None:
    """0003 undone: what Kabar queued goes back to the form the older sender posts."""
    from alembic import command

    from bot.db.migrate import alembic_config
    from bot.messaging.messages import Button, ButtonAnswer, CommandMenu, Edit, Outgoing, Photo
    from bot.messaging.outbox import enqueue
    from bot.tg.botapi import request

    queued = [
        Outgoing(7, "Apakah?", ((Button("Ya", "f:1:1:yes"), Button("Tidak", "f:1:1:no")),)),
        Outgoing(7, "Oke", remove_keyboard=True),
        Edit(7, 41, "Apakah?\n→ Ya"),
        ButtonAnswer(7, "q1", toast="Tersimpan"),
        CommandMenu(7, (("bantuan", "bantuan"),), "id"),
    ]
    png = b"\x89PNG\r\n"

    async def write() -> None:
        database = Database(empty_database_url)
        try:
            async with database.transaction() as session:
                photo = Photo(7, content=png, caption="Ringkasan")
                await enqueue(session, [*queued, photo], now=datetime(2026, 1, 12, tzinfo=UTC))
        finally:
            await database.dispose()

    async def read() -> list[tuple[str, dict[str, object]]]:
        database = Database(empty_database_url)
        old = table("outbox_messages", column("id"), column("method"), column("payload", JSONType))
        try:
            async with database.sessions() as session:
                rows = await session.execute(select(old.c.method, old.c.payload).order_by(old.c.id))
                return [(method, payload) for method, payload in rows]
        finally:
            await database.dispose()

    upgrade(empty_database_url)
    asyncio.run(write())
    command.downgrade(alembic_config(empty_database_url), "0002")
    rows = asyncio.run(read())
    assert rows[:-1] == [request(message) for message in queued]
    assert rows[-1] == (
        "sendPhoto",
        {"chat_id": 7, "caption": "Ringkasan", "photo_b64": base64.b64encode(png).decode()},
    )
