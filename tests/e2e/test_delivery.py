"""Delivery through crashes and downtime, with `kabar run` as a real process."""

from __future__ import annotations

import asyncio
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from bot.db.database import Database
from bot.db.facts import recall
from bot.db.models import Cohort, OutboxMessage, OutboxStatus, Round
from bot.domain.rounds.opening import open_round
from bot.sandbox.fakeapi import FakeTelegram
from tests.domain.rounds.support import seed_cohort
from tests.support.process import KabarProcess

pytestmark = pytest.mark.e2e

NO_QUIET = ("00:00", "00:00")


async def _until(condition, timeout: float = 60.0) -> None:  # type: ignore[no-untyped-def]
    async with asyncio.timeout(timeout):
        while not await condition():
            await asyncio.sleep(0.1)


async def _unsent(db: Database) -> int:
    async with db.sessions() as session:
        return int(
            await session.scalar(
                select(func.count())
                .select_from(OutboxMessage)
                .where(OutboxMessage.status != OutboxStatus.SENT)
            )
            or 0
        )


async def test_kill_9_in_the_middle_of_a_round_then_restart_delivers_everything(
    database_url: str, db: Database, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    families = 1000  # one message each, the greeting atop the first question
    now = datetime.now(UTC)
    await seed_cohort(db, families, quiet=NO_QUIET, created=now)
    async with db.transaction() as session:
        cohort = (await session.execute(select(Cohort))).scalar_one()
        await open_round(session, cohort, now=now)
    fast = {"KABAR_SEND_PER_SECOND": "250", "KABAR_SEND_CHAT_INTERVAL": "0"}
    async with FakeTelegram() as tg:
        for number in range(families):
            tg.user(10_000 + number, started=True)
        kabar = KabarProcess(tg, database_url, tmp_path, extra_env=fast)
        await kabar.start()

        async def some_sent() -> bool:
            return len(tg.sent_messages()) >= 300

        await _until(some_sent)
        await kabar.kill()
        before_restart = len(tg.sent_messages())
        # Telegram took these, but the database had not yet recorded them as sent.
        unrecorded = before_restart - (families - await _unsent(db))
        await kabar.start()

        async def all_recorded() -> bool:
            return await _unsent(db) == 0

        await _until(all_recorded, timeout=90)
        assert await kabar.stop() == 0
        sent = Counter((m["chat"]["id"], m["text"][:20]) for m in tg.sent_messages())
    assert len(sent) == families, "every message delivered"
    duplicates = sum(count - 1 for count in sent.values())
    with capsys.disabled():
        print(
            f"\nkill -9 after {before_restart} of 1000 sent: {unrecorded} not yet recorded, "
            f"{duplicates} sent twice"
        )
    # Nothing recorded as sent goes out again: the repeats are exactly the messages Telegram
    # took whose outcome was not yet written when the process died.
    assert duplicates == unrecorded
    # Those are the requests in flight (at most 8) and the outcomes waiting to be written:
    # a batch of at most 25, plus what arrives while one is being committed (0.1 s of
    # sending at the test's 250 messages a second).
    assert unrecorded <= 8 + 25 + 250 * 0.1


async def test_a_round_due_while_kabar_was_down_opens_once_at_start(
    database_url: str, db: Database, tmp_path: Path
) -> None:
    # Created three weeks ago, weekly: two or three slots passed with nobody running.
    await seed_cohort(
        db,
        5,
        schedule="mon 08:00",
        quiet=NO_QUIET,
        created=datetime.now(UTC) - timedelta(days=21),
    )
    async with FakeTelegram() as tg:
        for number in range(5):
            tg.user(10_000 + number, started=True)
        for _ in range(2):  # start, stop, start again
            kabar = KabarProcess(tg, database_url, tmp_path)
            async with db.sessions() as session:
                before = await recall(session, "round_clock")
            await kabar.start()

            async def ticked(previous: object = before) -> bool:
                async with db.sessions() as session:
                    return await recall(session, "round_clock") not in (None, previous)

            await _until(ticked)
            await _until(lambda: _no_unsent(db))
            assert await kabar.stop() == 0
        greetings = [m for m in tg.sent_messages() if m["text"].startswith("Halo")]
    async with db.sessions() as session:
        rounds = (await session.execute(select(Round))).scalars().all()
    assert len(rounds) == 1 and rounds[0].kind == "scheduled"
    assert len(greetings) == 5


async def _no_unsent(db: Database) -> bool:
    return await _unsent(db) == 0
