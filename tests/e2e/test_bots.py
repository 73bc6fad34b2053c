"""A deployment on several bots: a family who registered through bot B hears everything
from bot B (its check-ins, reminders, replies and broadcasts), and each bot is held to
Telegram's limits on its own. Kabar runs in this process on a fake clock against the fake
Bot API, which serves both bots' tokens."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from pathlib import Path

import aiohttp
import pytest
from sqlalchemy import select

from bot.app.serve import serve
from bot.db.database import Database
from bot.db.models import Bot, Broadcast, BroadcastStatus, Cohort, TelegramAccount
from bot.domain.rounds.opening import open_round
from bot.lib.clock import FakeClock
from bot.lib.config import Settings
from bot.sandbox.fakeapi import FakeTelegram
from bot.tg.webhook import SECRET_HEADER, WebhookConfig, default_secret
from tests.app.support import free_port
from tests.domain.rounds.support import seed_cohort
from tests.e2e.test_escalation import (
    MONDAY,
    answer_not_producing,
    answer_producing,
    kabar,
    register,
    until,
)
from tests.support.chat import said
from tests.support.process import TEST_TOKEN
from tests.support.programme import CODES, NOW, seed_programme

pytestmark = pytest.mark.e2e

DEFAULT_BOT = int(TEST_TOKEN.split(":")[0])
BOT_B = 222


async def add_bot(db: Database, tg: FakeTelegram, telegram_id: int, username: str) -> int:
    token = tg.add_bot(telegram_id, username)
    async with db.transaction() as session:
        bot = Bot(username=username, token=token, created_at=NOW)
        session.add(bot)
        await session.flush()
        return bot.id


def bots_writing_to(tg: FakeTelegram, chat_id: int) -> set[int]:
    """Which bots called the API about this chat (sends, edits, menus)."""
    return {call.bot_id for call in tg.calls if call.chat_id == chat_id}


async def test_a_family_registered_through_bot_b_hears_everything_from_bot_b(
    database_url: str, db: Database, tmp_path: Path
) -> None:
    await seed_programme(db)
    clock = FakeClock(NOW + timedelta(hours=1))
    async with FakeTelegram() as tg:
        bot_b = await add_bot(db, tg, BOT_B, "kabar_dua_bot")
        async with kabar(tg, database_url, clock):
            siti = tg.user(3003, first_name="Siti", language_code="id").talks_to(BOT_B)
            john = tg.user(3005, first_name="John", language_code="id")
            await register(siti, CODES["KPM-01"])
            await register(john, CODES["KPM-02"])
            async with db.sessions() as session:
                accounts = dict(
                    (
                        await session.execute(
                            select(TelegramAccount.person_id, TelegramAccount.bot_id)
                        )
                    ).all()
                )
            assert accounts == {"KPM-01": bot_b, "KPM-02": None}

            # A round opens: each family's question comes from its own bot; John answers.
            clock.set(MONDAY)
            await said(siti, "Apakah Anda memproduksi")
            await answer_producing(john)
            # A day on, Siti is reminded, from bot B, and answers through it.
            clock.set(MONDAY + timedelta(hours=25))
            await said(siti, "Pengingat dari Kabar")
            await answer_not_producing(siti)

            # An announcement to everyone reaches each from their own bot.
            async with db.transaction() as session:
                session.add(
                    Broadcast(
                        status=BroadcastStatus.SCHEDULED,
                        text="Pelatihan di balai desa hari Senin, {nama}.",
                        send_at=clock.now(),
                        created_at=clock.now(),
                    )
                )
            await said(siti, "Pelatihan di balai desa")
            await said(john, "Pelatihan di balai desa")

        assert bots_writing_to(tg, siti.id) == {BOT_B}
        assert bots_writing_to(tg, john.id) == {DEFAULT_BOT}
        assert {m["from"]["username"] for m in tg.sent_messages(siti.id)} == {"kabar_dua_bot"}


async def test_each_bot_is_held_to_its_own_limits(
    database_url: str, db: Database, tmp_path: Path
) -> None:
    """A round for 120 families, half on each bot, at 20 messages a second per bot (40 in
    all, more than one bot may send): the server counts each bot's messages apart, at
    Telegram's 30 a second, and refuses none."""
    families = 120
    await seed_cohort(
        db, families, quiet=("00:00", "00:00"), created=datetime.now(UTC) - timedelta(days=1)
    )
    async with FakeTelegram() as tg:
        bot_b = await add_bot(db, tg, BOT_B, "kabar_dua_bot")
        on_b: set[int] = set()
        async with db.transaction() as session:
            accounts = await session.execute(select(TelegramAccount).order_by(TelegramAccount.id))
            for number, account in enumerate(accounts.scalars()):
                tg.user(account.chat_id, started=True)
                if number % 2:
                    account.bot_id = bot_b
                    on_b.add(account.chat_id)
            cohort = (await session.execute(select(Cohort))).scalar_one()
            await open_round(session, cohort, now=datetime.now(UTC))
        flood = tg.enforce_limits(30, chat_burst=3)

        def written_by(bot: int) -> set[int]:
            return {c.chat_id for c in tg.calls if c.ok and c.bot_id == bot and c.chat_id}

        async with kabar(tg, database_url, FakeClock(datetime.now(UTC)), send_per_second=20):
            await until(
                lambda: len(written_by(DEFAULT_BOT) | written_by(BOT_B)) >= families, timeout=30
            )
        assert written_by(BOT_B) == on_b
        assert not written_by(DEFAULT_BOT) & on_b
        own = tg.world.flood_for(BOT_B)
        assert own is not None and own is not flood
        assert (flood.refused, own.refused) == (0, 0)


async def test_in_webhook_mode_each_bot_pushes_to_a_path_of_its_own(
    database_url: str, db: Database, tmp_path: Path
) -> None:
    await seed_programme(db)
    port = free_port()
    url = f"http://127.0.0.1:{port}/telegram"
    async with FakeTelegram() as tg:
        bot_b = await add_bot(db, tg, BOT_B, "kabar_dua_bot")
        token_b = f"{BOT_B}:{'B' * 35}"
        siti = tg.user(3003, first_name="Siti", language_code="id", started=True)
        settings = Settings(
            bot_token=TEST_TOKEN, database_url=database_url, telegram_api_url=tg.api_url
        )
        stop = asyncio.Event()
        webhook = WebhookConfig(url=url, port=port)
        task = asyncio.create_task(
            serve(settings, clock=FakeClock(NOW + timedelta(hours=1)), stop=stop, webhook=webhook)
        )
        try:
            start = {
                "update_id": 1,
                "message": {
                    "message_id": 1,
                    "date": 0,
                    "from": {"id": siti.id, "is_bot": False, "first_name": "Siti"},
                    "chat": {"id": siti.id, "type": "private", "first_name": "Siti"},
                    "text": f"/start {CODES['KPM-01']}",
                    "entities": [{"type": "bot_command", "offset": 0, "length": 6}],
                },
            }
            await _listening(f"http://127.0.0.1:{port}/healthz")
            # The default bot's secret does not open bot B's path.
            wrong = await _post(f"{url}/bot{bot_b}", start, default_secret(TEST_TOKEN))
            right = await _post(f"{url}/bot{bot_b}", start, default_secret(token_b))
            assert (wrong, right) == (403, 200)
            await said(siti, "Pilih bahasa")
        finally:
            stop.set()
            await task
    assert bots_writing_to(tg, siti.id) == {BOT_B}


async def _post(url: str, update: dict[str, object], secret: str) -> int:
    async with (
        aiohttp.ClientSession() as session,
        session.post(url, json=update, headers={SECRET_HEADER: secret}) as response,
    ):
        return response.status


async def _listening(url: str) -> None:
    async with asyncio.timeout(15), aiohttp.ClientSession() as session:
        while True:
            try:
                async with session.get(url) as response:
                    if response.status == 200:
                        return
            except aiohttp.ClientError:
                pass
            await asyncio.sleep(0.05)
