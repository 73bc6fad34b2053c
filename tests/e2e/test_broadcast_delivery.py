"""A broadcast to a thousand families through crashes, several workers, the clock and a
cancel, with `kabar run` as a real process (or in this process on a fake clock)."""

from __future__ import annotations

import asyncio
import os
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from bot.db.database import Database
from bot.db.models import Broadcast, BroadcastStatus, OutboxMessage, OutboxStatus
from bot.lib.clock import FakeClock
from bot.sandbox.fakeapi import FakeTelegram
from tests.app.support import Worker, until
from tests.domain.broadcasts.support import broadcast_to_all
from tests.domain.rounds.support import seed_cohort
from tests.e2e.test_escalation import kabar
from tests.support.chat import kabar_command, kabar_outcome, kabar_refusal
from tests.support.process import KabarProcess

pytestmark = pytest.mark.e2e

FAMILIES = 1000
NO_QUIET = ("00:00", "00:00")
FAST = {"KABAR_SEND_PER_SECOND": "250", "KABAR_SEND_CHAT_INTERVAL": "0"}
TEXT = "Pelatihan di balai desa hari Senin, {nama}."


async def _unrecorded(db: Database) -> int:
    """Broadcast rows whose outcome is not yet written as sent."""
    async with db.sessions() as session:
        return int(
            await session.scalar(
                select(func.count())
                .select_from(OutboxMessage)
                .where(
                    OutboxMessage.broadcast_id.is_not(None),
                    OutboxMessage.status != OutboxStatus.SENT,
                )
            )
            or 0
        )


def _received(tg: FakeTelegram) -> Counter[int]:
    return Counter(
        m["chat"]["id"] for m in tg.sent_messages() if m.get("text", "").startswith("Pelatihan")
    )


async def _broadcast(database_url: str, workdir: Path) -> None:
    out = await kabar_command(database_url, workdir, "broadcast", "--text", TEXT)
    assert f"Recipients: {FAMILIES:,}" in out


async def test_kill_9_in_the_middle_of_a_broadcast_then_restart_reaches_everyone_once(
    database_url: str, db: Database, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    await seed_cohort(db, FAMILIES, quiet=NO_QUIET, created=datetime.now(UTC))
    await _broadcast(database_url, tmp_path)
    async with FakeTelegram() as tg:
        for number in range(FAMILIES):
            tg.user(10_000 + number, started=True)
        kabar_run = KabarProcess(tg, database_url, tmp_path, extra_env=FAST)
        await kabar_run.start()

        async def some_sent() -> bool:
            return sum(_received(tg).values()) >= 300

        await until(some_sent, timeout=60)
        await kabar_run.kill()
        taken = sum(_received(tg).values())
        # Telegram took these, but the database had not yet written them down as sent.
        unrecorded = taken - (FAMILIES - await _unrecorded(db))
        await kabar_run.start()

        async def all_recorded() -> bool:
            return await _unrecorded(db) == 0

        await until(all_recorded, timeout=90)
        assert await kabar_run.stop() == 0
        received = _received(tg)
    with capsys.disabled():
        _everyone_once(received, unrecorded, f"kill -9 after {taken} of {FAMILIES}")


def _everyone_once(received: Counter[int], unrecorded: int, what: str) -> None:
    assert set(received) == {10_000 + n for n in range(FAMILIES)}, "every family got it"
    duplicates = sum(count - 1 for count in received.values())
    print(f"\nbroadcast, {what}: {unrecorded} not yet recorded, {duplicates} sent twice")
    # Only what Telegram took and the process had not yet written down goes out again: the
    # requests in flight (at most 8) and outcomes waiting up to 20 ms to be written.
    assert duplicates == unrecorded
    assert unrecorded <= 8 + 250 * 0.1


@pytest.mark.skipif(
    not os.environ.get("KABAR_TEST_DATABASE_URL", "").startswith("postgres"),
    reason="several workers need PostgreSQL (KABAR_TEST_DATABASE_URL=postgresql://…)",
)
async def test_two_workers_and_the_leader_killed_mid_broadcast_reach_everyone_once(
    database_url: str, db: Database, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    await seed_cohort(db, FAMILIES, quiet=NO_QUIET, created=datetime.now(UTC))
    async with FakeTelegram() as tg:
        for number in range(FAMILIES):
            tg.user(10_000 + number, started=True)
        first = Worker(tg, database_url, tmp_path / "a", extra_env=FAST)
        second = Worker(tg, database_url, tmp_path / "b", extra_env=FAST)
        try:
            await asyncio.gather(first.start(), second.start())
            await _broadcast(database_url, tmp_path)

            async def some_sent() -> bool:
                return sum(_received(tg).values()) >= 300

            await until(some_sent, timeout=60)
            leader = first if first.leads() else second
            follower = second if leader is first else first
            await leader.process.kill()
            taken = sum(_received(tg).values())
            unrecorded = taken - (FAMILIES - await _unrecorded(db))

            async def all_recorded() -> bool:
                return await _unrecorded(db) == 0

            await until(all_recorded, timeout=90)
            assert follower.leads()
            received = _received(tg)
            assert await follower.process.stop() == 0
        finally:
            await first.process.kill()
            await second.process.kill()
    with capsys.disabled():
        _everyone_once(received, unrecorded, f"two workers, leader killed after {taken}")


async def test_a_scheduled_broadcast_goes_out_at_its_time_but_not_in_quiet_hours(
    database_url: str, db: Database, tmp_path: Path
) -> None:
    # Monday 20:00 in Jakarta; quiet hours 21:00-06:00.
    start = datetime(2026, 3, 2, 13, 0, tzinfo=UTC)
    await seed_cohort(db, 3, quiet=("21:00", "06:00"), created=start)
    await broadcast_to_all(db, TEXT, now=start, at="2026-03-02 22:30")
    clock = FakeClock(start)
    async with FakeTelegram() as tg, kabar(tg, database_url, clock):
        for number in range(3):
            tg.user(10_000 + number, started=True)
        await asyncio.sleep(0.5)
        assert not _received(tg), "not before its time"
        clock.advance(timedelta(hours=2, minutes=31))  # 22:31: due, but quiet
        await asyncio.sleep(0.5)
        assert not _received(tg), "not during quiet hours"
        clock.advance(timedelta(hours=7, minutes=30))  # Tuesday 06:01
        async with asyncio.timeout(10):
            while sum(_received(tg).values()) < 3:
                await asyncio.sleep(0.05)
    assert sorted(_received(tg).values()) == [1, 1, 1]


async def test_a_cancelled_broadcast_stops_what_is_not_yet_sent(
    database_url: str, db: Database, tmp_path: Path
) -> None:
    families = 200
    await seed_cohort(db, families, quiet=NO_QUIET, created=datetime.now(UTC))
    async with FakeTelegram() as tg:
        for number in range(families):
            tg.user(10_000 + number, started=True)
        tg.faults.add("sendMessage", delay=0.05, times=None)  # slow, so the cancel lands mid-way
        kabar_run = KabarProcess(
            tg, database_url, tmp_path, extra_env={"KABAR_SEND_PER_SECOND": "20"}
        )
        await kabar_run.start()
        out = await kabar_command(database_url, tmp_path, "broadcast", "--text", TEXT)
        assert f"Recipients: {families}" in out

        async def some_sent() -> bool:
            return sum(_received(tg).values()) >= 10

        await until(some_sent, timeout=60)
        out = await kabar_command(database_url, tmp_path, "broadcast", "cancel", "1")
        assert "Broadcast 1 is cancelled" in out
        at_cancel = sum(_received(tg).values())

        async def quiet() -> bool:
            # Nothing more arrives for a second: what the sender held is not sent either.
            before = sum(_received(tg).values())
            await asyncio.sleep(1)
            return sum(_received(tg).values()) == before

        await until(quiet, timeout=30)
        assert await kabar_run.stop() == 0
        # Counted once the bot has stopped, so no request still in flight is missed.
        after = sum(_received(tg).values())
    # At most the requests already in flight when the cancel was written, and those the
    # sender sent before it next asked (every 0.2 s at 20 a second; a second's worth here,
    # as a loaded machine may ask late).
    assert after - at_cancel <= 8 + 20
    assert after < families
    report = await kabar_command(database_url, tmp_path, "broadcast", "status", "1")
    assert f"Delivered: {after}" in report
    async with db.sessions() as session:
        cancelled = await session.scalar(
            select(func.count())
            .select_from(OutboxMessage)
            .where(OutboxMessage.error == "cancelled")
        )
        state = await session.get(Broadcast, 1)
    assert cancelled == families - after
    assert state is not None and state.status is BroadcastStatus.CANCELLED
    # kabar status counts them as the cancel's, in the operator's words, not as failures.
    status = await kabar_outcome(database_url, tmp_path, ("status",), "id")
    lines = [line for line in status[1].splitlines() if "siarannya dibatalkan" in line]
    assert len(lines) == 1 and lines[0].split()[-2] == str(families - after), status[1]
    assert "Tidak terkirim dalam sehari terakhir" in lines[0]
    last_day = [line for line in status[1].splitlines() if "sehari terakhir" in line]
    assert not any("cancelled" in line or "Gagal" in line for line in last_day), status[1]


async def test_cancelling_a_sent_broadcast_names_its_status_in_the_operators_words(
    database_url: str, db: Database, tmp_path: Path
) -> None:
    start = datetime(2026, 3, 2, 3, 0, tzinfo=UTC)
    await seed_cohort(db, 2, quiet=NO_QUIET, created=start)
    await broadcast_to_all(db, TEXT, now=start)
    async with FakeTelegram() as tg, kabar(tg, database_url, FakeClock(start)):
        for number in range(2):
            tg.user(10_000 + number, started=True)

        async def sent() -> bool:
            async with db.sessions() as session:
                found = await session.get(Broadcast, 1)
                return found is not None and found.status is BroadcastStatus.DONE

        await until(sent, timeout=15)
    indonesian = await kabar_refusal(
        database_url, tmp_path, "broadcast", "cancel", "1", locale="id"
    )
    assert indonesian == "Siaran 1 sudah terkirim: tidak ada lagi yang bisa dibatalkan."
    english = await kabar_refusal(database_url, tmp_path, "broadcast", "cancel", "1", locale="en")
    assert english == "Broadcast 1 is already sent: there is nothing left to cancel."
    assert "done" not in indonesian + english
    # The list of broadcasts says it the same way.
    listed = await kabar_command(database_url, tmp_path, "broadcast", "status", locale="id")
    assert "terkirim" in listed and "done" not in listed
