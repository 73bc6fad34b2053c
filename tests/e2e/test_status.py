"""`kabar status` against a running `kabar run`: the round's answers so far, the traffic,
who leads; and an exit code of 1 when something needs a person."""

from __future__ import annotations

import asyncio
import json
from datetime import timedelta
from pathlib import Path

import pytest

from bot.db.database import Database
from bot.db.models import InboxUpdate, OutboxMessage, OutboxStatus, Priority
from bot.lib.clock import SystemClock
from bot.sandbox.demo.families import Behaviour, Family
from bot.sandbox.fakeapi import FakeTelegram
from tests.cli.support import run_kabar
from tests.conftest import ON_POSTGRES
from tests.domain.rounds.support import seed_cohort
from tests.support.chat import kabar_command, settled
from tests.support.process import KabarProcess

pytestmark = pytest.mark.e2e


async def status(url: str, workdir: Path) -> tuple[int, dict[str, dict[str, object]]]:
    ran = await asyncio.to_thread(
        run_kabar, workdir, "status", "--format", "json", KABAR_DATABASE_URL=url
    )
    return ran.code, json.loads("\n".join(ran.out))


async def test_status_shows_a_running_round_and_what_needs_a_person(
    database_url: str, db: Database, tmp_path: Path
) -> None:
    await seed_cohort(db, 4, quiet=("00:00", "00:00"), created=SystemClock().now())
    async with FakeTelegram() as tg, KabarProcess(tg, database_url, tmp_path) as kabar:
        users = [tg.user(10_000 + n, started=True) for n in range(4)]
        await kabar_command(database_url, tmp_path, "checkin", "send", "--cohort", "tenun-2026")
        # Two of the four families answer; the others have not yet.
        await asyncio.gather(*(Family(u, Behaviour(), "id", "kg").check_in() for u in users[:2]))
        await settled(db)

        code, shown = await status(database_url, tmp_path)
        assert code == 0, shown
        cohort = shown["cohorts"]["tenun-2026"]
        assert (cohort["last_round"], cohort["asked"], cohort["responded"]) == (1, 4, 2)
        assert cohort["last_closed"] is False and cohort["response_rate"] == 0.5
        overview = shown["overview"]
        assert overview["needs_attention"] == []
        leader = overview["leader"]
        assert isinstance(leader, dict) and leader["worker"] and leader["since"]
        if ON_POSTGRES:
            assert leader["alive"] is True
        else:
            assert overview["kabar_run"] is True
        traffic = shown["traffic"]
        assert isinstance(traffic, dict)
        assert traffic["outbox"]["sent_last_hour"] >= 4 + 2 * 9  # the questions and replies
        assert traffic["inbox"] == {"backlog": 0, "failing": 0, "last_errors": []}
        assert await kabar.stop() == 0

    # Kabar stopped, and a reply has waited eleven minutes: someone must look.
    now = SystemClock().now()
    async with db.transaction() as session:
        session.add(
            OutboxMessage(
                chat_id=10_003,
                kind="text",
                payload={"text": "…"},
                priority=Priority.REPLY,
                status=OutboxStatus.PENDING,
                not_before=now - timedelta(minutes=11),
                created_at=now - timedelta(minutes=11),
            )
        )
        # An update that failed to be handled, and will be tried again: named by its
        # error's kind only (its text could quote what the family wrote).
        session.add(
            InboxUpdate(
                update_id=77,
                chat_id=10_003,
                payload={},
                received_at=now - timedelta(minutes=1),
                attempts=1,
                error="IntegrityError('… Siti wrote: 5 kg …')",
            )
        )
    code, shown = await status(database_url, tmp_path)
    assert code == 1
    inbox = shown["traffic"]["inbox"]
    assert isinstance(inbox, dict)
    assert [(e["update_id"], e["error"]) for e in inbox["last_errors"]] == [(77, "IntegrityError")]
    problems = shown["overview"]["needs_attention"]
    assert problems == (["stale-outbox", "no-leader"] if ON_POSTGRES else ["stale-outbox"])
    ran = await asyncio.to_thread(run_kabar, tmp_path, "status", KABAR_DATABASE_URL=database_url)
    assert ran.code == 1
    assert (
        "⚠ Messages are waiting more than ten minutes to be sent: is `kabar run` running?"
        in ran.out
    )
