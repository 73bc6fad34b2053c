"""Webhook mode: an update is stored before it is acknowledged, checked, and handled once."""

from __future__ import annotations

from pathlib import Path

import aiohttp
import pytest
from sqlalchemy import select, text
from telegram import Bot

from bot.app.runtime import Runtime
from bot.db.database import Database
from bot.db.models import InboxUpdate
from bot.lib.config import Settings
from bot.sandbox.fakeapi import FakeTelegram
from bot.tg.webhook import SECRET_HEADER, WebhookServer
from tests.app.support import SECRET, Worker, start_update, until
from tests.domain.cohorts.support import run_kabar
from tests.support.process import TEST_TOKEN, KabarProcess

pytestmark = pytest.mark.e2e


async def _stored(db: Database) -> list[InboxUpdate]:
    async with db.sessions() as session:
        return list(
            (await session.execute(select(InboxUpdate).order_by(InboxUpdate.update_id))).scalars()
        )


async def test_webhook_mode_checks_stores_and_handles_each_update_once(
    database_url: str, tmp_path: Path, db: Database
) -> None:
    async with FakeTelegram() as tg:
        worker = Worker(tg, database_url, tmp_path)
        await worker.start()
        try:
            info = tg.webhook_info()
            assert info["url"] == worker.url
            assert set(info["allowed_updates"]) >= {"message", "callback_query"}

            # Telegram pushes what a user sends; Kabar answers through the outbox.
            siti = tg.user(3001, first_name="Siti", language_code="id")
            await siti.send_command("start")
            assert "Untuk bergabung" in (await siti.next_reply()).text

            # A stranger without the secret is refused and nothing is stored.
            before = len(await _stored(db))
            forged = start_update(3002)
            assert await worker.post(forged, secret=None) == 403
            assert await worker.post(forged, secret="not-the-secret") == 403
            assert await worker.post(b"{not json", secret=SECRET) == 400
            assert await worker.post({"message": {}}, secret=SECRET) == 400
            assert len(await _stored(db)) == before

            # Stored (committed) by the time Telegram hears 200; delivered twice, handled once.
            john = tg.user(3003, first_name="John", started=True)
            update = start_update(john.id)
            assert await worker.post(update) == 200
            assert update["update_id"] in [row.update_id for row in await _stored(db)]
            assert await worker.post(update) == 200
            await john.next_reply()

            async def handled() -> bool:
                rows = await _stored(db)
                return all(row.processed_at is not None for row in rows)

            await until(handled)
            rows = await _stored(db)
            assert [row.update_id for row in rows].count(update["update_id"]) == 1
            assert len(tg.sent_messages(john.id)) == 1
            assert tg.sent_messages(3002) == []
            # The webhook's port also answers a load balancer's health and readiness checks.
            async with aiohttp.ClientSession() as http:
                base = f"http://127.0.0.1:{worker.port}"
                async with http.get(f"{base}/healthz") as alive:
                    assert alive.status == 200
                async with http.get(f"{base}/readyz") as ready:
                    assert (ready.status, (await ready.json())["failing"]) == (200, [])
                async with http.get(f"{base}/metrics") as scraped:
                    assert "kabar_updates_received_total" in await scraped.text()
            assert await worker.process.stop() == 0
        finally:
            await worker.process.kill()


async def test_an_update_that_cannot_be_stored_is_answered_500(
    database_url: str, db: Database
) -> None:
    runtime = Runtime(settings=Settings(database_url=database_url), db=db)
    server = WebhookServer(runtime, path="/hook", secret="s3cret")
    await server.start("127.0.0.1", 0)
    url = f"http://127.0.0.1:{server.port}/hook"
    update = start_update(3100)
    try:
        async with aiohttp.ClientSession() as http:

            async def post() -> int:
                headers = {SECRET_HEADER: "s3cret"}
                async with http.post(url, json=update, headers=headers) as response:
                    return response.status

            async with db.transaction() as session:  # the inbox is unavailable
                await session.execute(text("ALTER TABLE inbox_updates RENAME TO inbox_away"))
            assert await post() == 500  # so Telegram delivers it again
            async with db.transaction() as session:
                await session.execute(text("ALTER TABLE inbox_away RENAME TO inbox_updates"))
            assert await post() == 200
    finally:
        await server.stop()
    rows = await _stored(db)
    assert [row.update_id for row in rows] == [update["update_id"]]
    assert rows[0].chat_id == 3100
    assert runtime.inbox_wakeup.is_set()


async def test_polling_mode_removes_a_webhook_first(database_url: str, tmp_path: Path) -> None:
    async with FakeTelegram() as tg:
        async with Bot(TEST_TOKEN, base_url=tg.api_url) as bot:
            await bot.set_webhook("http://127.0.0.1:9/left-over")
        async with KabarProcess(tg, database_url, tmp_path) as kabar:
            siti = tg.user(3201, first_name="Siti", language_code="id")
            await siti.send_command("start")
            assert "Untuk bergabung" in (await siti.next_reply(timeout=15)).text
            assert tg.webhook_info()["url"] == ""
            assert await kabar.stop() == 0


@pytest.mark.parametrize(
    ("args", "complaint"),
    [
        (
            ["--webhook-url", "http://127.0.0.1:1/x", "--secret-token", "has space"],
            "--secret-token",
        ),
        (["--webhook-url", "telegram.example.org/x"], "--webhook-url"),
        (["--port", "8443"], "need --webhook-url"),
    ],
)
def test_wrong_webhook_options_are_one_clear_line(
    database_url: str, tmp_path: Path, args: list[str], complaint: str
) -> None:
    result = run_kabar(
        database_url, "run", *args, workdir=tmp_path, env={"KABAR_BOT_TOKEN": TEST_TOKEN}
    )
    assert result.exit_code == 1
    assert complaint in result.output
    assert len(result.output.strip().splitlines()) == 1


async def test_the_default_secret_is_the_same_for_every_worker_and_valid() -> None:
    from bot.tg.webhook import SECRET_RE, default_secret

    assert default_secret(TEST_TOKEN) == SECRET
    assert SECRET_RE.match(SECRET)
    assert default_secret("654321:OTHER-abcdefghijklmnopqrstuvwxyz") != SECRET
