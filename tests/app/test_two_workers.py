"""Two `kabar run` workers in webhook mode share one PostgreSQL database.

Every worker stores and handles updates; one leader opens rounds and sends. Each message
reaches Telegram once, a round opens once, and when the leader is killed the other worker
takes over and delivers the rest.
"""

from __future__ import annotations

import asyncio
import os
import sys
from collections import Counter, defaultdict
from pathlib import Path

import pytest
from sqlalchemy import func, select

from bot.app.services import Services
from bot.db.database import Database
from bot.db.models import InboxUpdate, OutboxMessage, OutboxStatus, Round
from bot.domain.rounds.scheduler import tick
from bot.lib.clock import SystemClock
from bot.sandbox.fakeapi import FakeTelegram
from tests.app.support import Worker, a_week_ago, seed_families, start_update, until

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(
        not os.environ.get("KABAR_TEST_DATABASE_URL", "").startswith("postgres"),
        reason="several workers need PostgreSQL (KABAR_TEST_DATABASE_URL=postgresql://…)",
    ),
]

FAMILIES = 50


async def _outbox(db: Database) -> list[OutboxMessage]:
    async with db.sessions() as session:
        return list(
            (await session.execute(select(OutboxMessage).order_by(OutboxMessage.id))).scalars()
        )


async def _all_sent(db: Database, at_least: int = 1) -> bool:
    rows = await _outbox(db)
    return len(rows) >= at_least and all(row.status is OutboxStatus.SENT for row in rows)


def _texts_sent(tg: FakeTelegram, chats: list[int]) -> Counter[tuple[int, str]]:
    return Counter((chat, m.get("text", "")) for chat in chats for m in tg.sent_messages(chat))


def _texts_queued(rows: list[OutboxMessage], chats: list[int]) -> Counter[tuple[int, str]]:
    wanted = set(chats)
    return Counter(
        (row.chat_id, row.payload.get("text", ""))
        for row in rows
        if row.chat_id in wanted and row.kind == "text"
    )


async def test_two_workers_open_a_round_once_and_deliver_every_message_once(
    database_url: str, tmp_path: Path, db: Database
) -> None:
    now = SystemClock().now()
    async with FakeTelegram() as tg:
        families = await seed_families(
            db, tg, FAMILIES, name="serat-nanas", created_at=a_week_ago(now)
        )
        first = Worker(tg, database_url, tmp_path / "a")
        second = Worker(tg, database_url, tmp_path / "b")
        try:
            await asyncio.gather(first.start(), second.start())
            # A third and fourth clock tick at the same moment as the leader's first tick.
            runner = Services().runner
            await asyncio.gather(*(tick(db, now=now, runner=runner) for _ in range(2)))

            await until(lambda: _all_sent(db, at_least=FAMILIES), timeout=20)
            async with db.sessions() as session:
                rounds = (await session.execute(select(func.count()).select_from(Round))).scalar()
            assert rounds == 1
            rows = await _outbox(db)
            assert {row.chat_id for row in rows} == set(families)
            queued = _texts_queued(rows, families)
            await until(lambda: sum(_texts_sent(tg, families).values()) >= sum(queued.values()))
            assert _texts_sent(tg, families) == queued  # each exactly once
            assert [first.leads(), second.leads()].count(True) == 1

            # Updates reach either worker (Telegram's webhook, or any worker behind a load
            # balancer), some of them both: each is handled once, a chat's in order.
            strangers = [90_001 + n for n in range(6)]
            for chat in strangers:
                tg.user(chat, started=True)
            updates = []
            for turn in range(4):
                # A chat's updates come one after the other (Telegram waits for each 200);
                # they pile up faster than they are handled, so order matters.
                batch = [start_update(chat) for chat in strangers]
                posts = []
                for number, update in enumerate(batch):
                    if (number + turn) % 3 == 0:
                        targets = [first, second]
                    else:
                        targets = [first] if (number + turn) % 2 else [second]
                    posts += [worker.post(update) for worker in targets]
                assert set(await asyncio.gather(*posts)) == {200}
                updates += batch

            async def handled() -> bool:
                async with db.sessions() as session:
                    waiting = await session.scalar(
                        select(func.count())
                        .select_from(InboxUpdate)
                        .where(InboxUpdate.processed_at.is_(None))
                    )
                return waiting == 0

            await until(handled, timeout=20)
            async with db.sessions() as session:
                inbox = list(
                    (
                        await session.execute(
                            select(InboxUpdate).where(InboxUpdate.chat_id.in_(strangers))
                        )
                    ).scalars()
                )
            assert sorted(row.update_id for row in inbox) == sorted(u["update_id"] for u in updates)
            assert all(row.attempts == 0 and row.error is None for row in inbox)
            by_chat: dict[int, list[InboxUpdate]] = defaultdict(list)
            for row in inbox:
                by_chat[row.chat_id or 0].append(row)
            for rows_of_chat in by_chat.values():
                in_order = sorted(rows_of_chat, key=lambda row: row.update_id)
                handled_at = [row.processed_at for row in in_order]
                assert handled_at == sorted(handled_at)  # type: ignore[type-var]
            # One welcome per /start: no update was handled twice.
            await until(lambda: _all_sent(db))
            await until(lambda: all(len(tg.sent_messages(c)) == 4 for c in strangers))
            await asyncio.sleep(0.3)
            assert all(len(tg.sent_messages(c)) == 4 for c in strangers)

            assert await first.process.stop() == 0
            assert await second.process.stop() == 0
        finally:
            await first.process.kill()
            await second.process.kill()


async def test_when_the_leader_is_killed_mid_send_the_other_worker_delivers_the_rest(
    database_url: str, tmp_path: Path, db: Database
) -> None:
    now = SystemClock().now()
    async with FakeTelegram() as tg:
        # No round is due: it is opened by staff, below.
        families = await seed_families(db, tg, FAMILIES, name="tenun-ikat", created_at=now)
        leader = Worker(tg, database_url, tmp_path / "leader")
        follower = Worker(tg, database_url, tmp_path / "follower")
        try:
            await leader.start()
            await until(leader.leads, timeout=10)
            await follower.start()
            assert not follower.leads()

            # Slow sends, so the kill lands in the middle of the round.
            tg.faults.add("sendMessage", delay=0.05, times=None)
            process = await asyncio.create_subprocess_exec(
                sys.executable,
                "-m",
                "bot",
                "checkin",
                "send",
                "--cohort",
                "tenun-ikat",
                cwd=tmp_path,
                env={"KABAR_DATABASE_URL": database_url, "KABAR_LOCALE": "en", "PATH": "/usr/bin"},
                stdout=asyncio.subprocess.PIPE,
                stderr=asyncio.subprocess.PIPE,
            )
            out, err = await process.communicate()
            assert process.returncode == 0, err.decode()
            assert f"opened for {FAMILIES} participants" in out.decode()

            await until(lambda: len(_texts_sent(tg, families)) >= 10, timeout=15)
            await leader.process.kill()
            sent_before = sum(_texts_sent(tg, families).values())

            # Well before a claim would go stale (minutes): the new leader frees them.
            await until(lambda: _all_sent(db, at_least=FAMILIES), timeout=20)
            assert follower.leads()
            rows = await _outbox(db)
            # Sent rows keep the name (host:pid) of the worker that sent them.
            senders = {(row.claimed_by or "").rsplit(":", 1)[-1] for row in rows}
            assert senders == {str(leader.pid), str(follower.pid)}
            assert sent_before < len(rows), "the kill came after everything was sent"

            queued = _texts_queued(rows, families)
            await until(lambda: set(_texts_sent(tg, families)) >= set(queued))
            delivered = _texts_sent(tg, families)
            assert set(delivered) == set(queued)  # everything arrived
            # Only what was in flight at the kill may arrive twice.
            repeated = sum(count - 1 for count in delivered.values())
            assert repeated <= 8, delivered.most_common(10)

            async with db.sessions() as session:
                rounds = (await session.execute(select(func.count()).select_from(Round))).scalar()
            assert rounds == 1
            assert await follower.process.stop() == 0
        finally:
            await leader.process.kill()
            await follower.process.kill()
