"""/healthz, /readyz and /metrics of a running `kabar run`, scraped as a service manager,
a load balancer and Prometheus would."""

from __future__ import annotations

import asyncio
import socket
from datetime import timedelta
from pathlib import Path

import aiohttp
import pytest
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import text

from bot.db.database import Database
from bot.db.migrate import head_revision
from bot.db.models import OutboxMessage, OutboxStatus, Priority
from bot.lib.clock import SystemClock
from bot.sandbox.demo.families import Behaviour, Family
from bot.sandbox.fakeapi import FakeTelegram
from tests.domain.rounds.support import seed_cohort
from tests.support.chat import kabar_command, settled
from tests.support.process import KabarProcess

pytestmark = pytest.mark.e2e


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def samples(text: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    """Every sample of a scrape, by name and labels."""
    found = {}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            found[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return found


async def test_health_readiness_and_metrics_of_a_running_kabar(
    database_url: str, db: Database, tmp_path: Path
) -> None:
    await seed_cohort(db, 3, quiet=("00:00", "00:00"), created=SystemClock().now())
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    async with (
        FakeTelegram() as tg,
        KabarProcess(tg, database_url, tmp_path, args=("--health-port", str(port))) as kabar,
        aiohttp.ClientSession() as http,
    ):
        users = [tg.user(10_000 + n, started=True) for n in range(3)]
        await kabar_command(database_url, tmp_path, "checkin", "send", "--cohort", "tenun-2026")
        await asyncio.gather(*(Family(u, Behaviour(), "id", "kg").check_in() for u in users))
        await settled(db)

        async with http.get(f"{base}/healthz") as alive:
            assert alive.status == 200
        async with http.get(f"{base}/readyz") as ready:
            assert (ready.status, (await ready.json())["failing"]) == (200, [])
        async with http.get(f"{base}/metrics") as scraped:
            assert scraped.status == 200
            assert scraped.headers["Content-Type"].startswith("text/plain")
            found = samples(await scraped.text())
        # Every press and typed answer of the three families was received and handled.
        received = found[("kabar_updates_received_total", ())]
        assert received >= 3 * 5
        assert found[("kabar_updates_handled_total", ())] == received
        assert found[("kabar_handler_failures_total", ())] == 0
        assert found[("kabar_outbox_messages", (("state", "due"),))] == 0
        assert found[("kabar_round_families", (("cohort", "tenun-2026"),))] == 3
        assert found[("kabar_is_leader", ())] == 1
        # Every question went out, and each reply's wait is in the histogram.
        assert found[("kabar_messages_sent_total", (("kind", "text"),))] >= 3 * 5
        assert found[("kabar_reply_send_seconds_count", ())] >= 3 * 4

        # A message held for quiet hours is queued, and not late.
        now = SystemClock().now()
        async with db.transaction() as session:
            session.add(
                OutboxMessage(
                    chat_id=10_000,
                    kind="text",
                    payload={"text": "…"},
                    priority=Priority.REPLY,
                    status=OutboxStatus.PENDING,
                    not_before=now + timedelta(hours=8),
                    created_at=now,
                )
            )
        async with http.get(f"{base}/readyz") as ready:
            assert ready.status == 200
        async with http.get(f"{base}/metrics") as scraped:
            found = samples(await scraped.text())
        assert found[("kabar_outbox_messages", (("state", "queued"),))] == 1
        assert found[("kabar_outbox_lag_seconds", ())] == 0

        # A schema this Kabar does not know (a migration that failed half-way): not ready.
        async with db.transaction() as session:
            await session.execute(text("UPDATE alembic_version SET version_num = '0007'"))
        async with http.get(f"{base}/readyz") as ready:
            assert (ready.status, (await ready.json())["failing"]) == (503, ["migration"])
        async with db.transaction() as session:
            await session.execute(
                text("UPDATE alembic_version SET version_num = :head"),
                {"head": head_revision(database_url)},
            )
        assert await kabar.stop() == 0
