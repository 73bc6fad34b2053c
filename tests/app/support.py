"""Helpers for tests that run `kabar run` workers in webhook mode."""

from __future__ import annotations

import asyncio
import itertools
import json
import socket
import time
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import aiohttp

from bot.db.database import Database
from bot.db.models import Cohort, Person, Role, TelegramAccount
from bot.sandbox.fakeapi import FakeTelegram
from bot.tg.webhook import SECRET_HEADER, default_secret
from tests.support.process import TEST_TOKEN, KabarProcess

SECRET = default_secret(TEST_TOKEN)
_update_ids = itertools.count(5_000_000)
_message_ids = itertools.count(1)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class Worker:
    """One `kabar run --webhook-url …` process with its own port and log."""

    def __init__(
        self,
        tg: FakeTelegram,
        database_url: str,
        workdir: Path,
        *,
        extra_env: dict[str, str] | None = None,
    ) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}/telegram"
        workdir.mkdir(parents=True, exist_ok=True)
        self.process = KabarProcess(
            tg,
            database_url,
            workdir,
            extra_env=extra_env,
            args=("--webhook-url", self.url, "--port", str(self.port)),
        )

    @property
    def pid(self) -> int:
        assert self.process.process is not None
        return self.process.process.pid

    async def start(self, timeout: float = 20.0) -> None:
        await self.process.start(ready_timeout=timeout)
        # The command menu is published before the webhook server listens.
        await until(self.listening, timeout=timeout)

    async def listening(self) -> bool:
        try:
            _, writer = await asyncio.open_connection("127.0.0.1", self.port)
        except OSError:
            return False
        writer.close()
        await writer.wait_closed()
        return True

    def log(self) -> str:
        return self.process.log()

    def leads(self) -> bool:
        return " leads: " in self.log()

    async def post(self, body: bytes | dict[str, Any], *, secret: str | None = SECRET) -> int:
        """POST to the webhook as Telegram would; the HTTP status."""
        data = body if isinstance(body, bytes) else json.dumps(body).encode()
        headers = {"Content-Type": "application/json"}
        if secret is not None:
            headers[SECRET_HEADER] = secret
        timeout = aiohttp.ClientTimeout(total=10)
        async with (
            aiohttp.ClientSession(timeout=timeout) as session,
            session.post(self.url, data=data, headers=headers) as response,
        ):
            return response.status


def start_update(chat_id: int, text: str = "/start") -> dict[str, Any]:
    """A private-chat message update like Telegram's, with a fresh update_id."""
    user = {"id": chat_id, "is_bot": False, "first_name": f"User{chat_id}", "language_code": "id"}
    message: dict[str, Any] = {
        "message_id": next(_message_ids),
        "date": int(time.time()),
        "chat": {"id": chat_id, "type": "private", "first_name": user["first_name"]},
        "from": user,
        "text": text,
    }
    if text.startswith("/"):
        message["entities"] = [{"type": "bot_command", "offset": 0, "length": len(text)}]
    return {"update_id": next(_update_ids), "message": message}


async def until(
    condition: Callable[[], bool | Awaitable[bool]], timeout: float = 15.0, every: float = 0.05
) -> None:
    async with asyncio.timeout(timeout):
        while True:
            result = condition()
            if not isinstance(result, bool):
                result = await result
            if result:
                return
            await asyncio.sleep(every)


async def seed_families(
    db: Database,
    tg: FakeTelegram,
    families: int,
    *,
    name: str,
    created_at: datetime,
    first_chat: int = 70_000,
) -> list[int]:
    """A cohort (no quiet hours) of registered, consenting families; their chat ids.

    Each family has started the chat in the fake Telegram, so the bot may write first.
    """
    async with db.transaction() as session:
        cohort = Cohort(
            name=name,
            schedule="mon 08:00",
            timezone="Asia/Jakarta",
            unit="kg",
            created_at=created_at,
            quiet_hours_start="00:00",
            quiet_hours_end="00:00",
        )
        session.add(cohort)
        await session.flush()
        facilitator = f"{name}-F"
        session.add(
            Person(
                id=facilitator,
                role=Role.FACILITATOR,
                name="Fasilitator",
                attributes={},
                created_at=created_at,
                updated_at=created_at,
            )
        )
        await session.flush()
        chats = []
        for number in range(families):
            person_id = f"{name}-{number:03d}"
            chat_id = first_chat + number
            session.add(
                Person(
                    id=person_id,
                    role=Role.PARTICIPANT,
                    name=f"Keluarga {number}",
                    cohort_id=cohort.id,
                    supervisor_id=facilitator,
                    attributes={},
                    consent_at=created_at,
                    created_at=created_at,
                    updated_at=created_at,
                )
            )
            session.add(
                TelegramAccount(
                    person_id=person_id,
                    telegram_user_id=chat_id,
                    chat_id=chat_id,
                    linked_at=created_at,
                    linked_by="invitation",
                )
            )
            tg.user(chat_id, first_name=f"Keluarga{number}", started=True)
            chats.append(chat_id)
    return chats


def a_week_ago(now: datetime) -> datetime:
    """Created before last Monday 08:00 in Jakarta: a weekly slot is due."""
    return now - timedelta(days=8)
