"""`kabar status`: the quarantine at a glance, as a table or as JSON."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

from click.testing import Result

from bot.app.runtime import Runtime
from bot.db.database import Database
from bot.db.models import OutboxMessage, OutboxStatus
from bot.lib.clock import FakeClock
from bot.lib.config import Settings
from bot.tg.intake import Received, StoreTries, admit
from tests.conftest import ON_POSTGRES
from tests.domain.cohorts.support import run_kabar
from tests.support.hostile import deep, message

THEN = datetime(2026, 3, 2, 3, 0, tzinfo=UTC)  # 10:00 in Jakarta


def _set_aside(database_url: str) -> None:
    """Two updates set aside five minutes apart (and one ordinary update stored)."""

    async def main() -> None:
        db = Database(database_url)
        clock = FakeClock(THEN)
        runtime = Runtime(settings=Settings(database_url=database_url), db=db, clock=clock)
        try:
            deep_one = message("x", reply_markup=deep(100)) | {"update_id": 701}
            await admit(runtime, [Received(deep_one)], StoreTries())
            clock.advance(timedelta(minutes=5))
            odd_chat = message("x", chat_id="abc") | {"update_id": 702}
            fine = message("halo", chat_id=4_001) | {"update_id": 703}
            await admit(runtime, [Received(odd_chat), Received(fine)], StoreTries())
        finally:
            await db.dispose()

    asyncio.run(main())


def test_status_shows_the_quarantine_latest_first(database_url: str, tmp_path: Path) -> None:
    # No `kabar run` leads: on PostgreSQL that needs a person (tests/e2e/test_status.py).
    calm = 1 if ON_POSTGRES else 0
    empty = run_kabar(database_url, "status", "--format", "json", workdir=tmp_path)
    assert empty.exit_code == calm, empty.output
    assert json.loads(empty.stdout)["quarantine"] == {"count": 0, "latest": []}

    _set_aside(database_url)
    # The notice to the sender, queued in March with no `kabar run` to send it, is overdue.
    calm = 1
    result = run_kabar(database_url, "status", "--format", "json", workdir=tmp_path)
    assert result.exit_code == calm, result.output
    assert "stale-outbox" in json.loads(result.stdout)["overview"]["needs_attention"]
    assert json.loads(result.stdout) == {
        **json.loads(result.stdout),
        "quarantine": {
            "count": 2,
            "latest": [
                {
                    "update_id": 702,
                    "reason": "chat id is not a 64-bit integer",
                    "quarantined_at": "2026-03-02T03:05:00+00:00",
                },
                {
                    "update_id": 701,
                    "reason": "nested too deeply",
                    "quarantined_at": "2026-03-02T03:00:00+00:00",
                },
            ],
        },
    }
    one = run_kabar(database_url, "status", "--format", "json", "--latest", "1", workdir=tmp_path)
    assert [e["update_id"] for e in json.loads(one.stdout)["quarantine"]["latest"]] == [702]

    table = run_kabar(
        database_url,
        "status",
        workdir=tmp_path,
        env={"KABAR_LOCALE": "id", "KABAR_TIMEZONE": "Asia/Jakarta"},
    )
    assert table.exit_code == calm, table.output
    lines = table.stdout.splitlines()
    assert "Karantina: 2 pembaruan disisihkan tanpa dibaca" in [line.strip() for line in lines]
    rows = [line for line in lines if "702" in line or "701" in line]
    assert "2 Mar 2026 10:05" in rows[0] and "chat id is not a 64-bit integer" in rows[0]
    assert "2 Mar 2026 10:00" in rows[1] and "nested too deeply" in rows[1]


def _failed(database_url: str, errors: list[str]) -> None:
    """Outbox rows that failed just now, each with the description Telegram gave."""

    async def main() -> None:
        db = Database(database_url)
        now = datetime.now(UTC)  # `kabar status` counts the last day by the wall clock
        try:
            async with db.transaction() as session:
                session.add_all(
                    OutboxMessage(
                        chat_id=5_000 + number,
                        kind="text",
                        payload={"text": "x"},
                        status=OutboxStatus.FAILED,
                        not_before=now,
                        created_at=now,
                        error=error,
                    )
                    for number, error in enumerate(errors)
                )
        finally:
            await db.dispose()

    asyncio.run(main())


def _last_day(database_url: str, tmp_path: Path) -> tuple[dict[str, str], Result]:
    """`kabar status`'s rows of the last day's undelivered messages, in Indonesian."""
    table = run_kabar(database_url, "status", workdir=tmp_path, env={"KABAR_LOCALE": "id"})
    lines = [line for line in table.stdout.splitlines() if "sehari terakhir" in line]
    return {line.split("│")[1].strip(): line.split("│")[2].strip() for line in lines}, table


def test_status_names_why_messages_failed_in_the_operators_words(
    database_url: str, tmp_path: Path
) -> None:
    _failed(
        database_url,
        ["Forbidden: bot was blocked by the user"] * 3
        + ["aiohttp.ClientConnectorError: Cannot connect to host api.telegram.org:443"] * 2
        + ["aiohttp.ServerDisconnectedError: Server disconnected"]
        + ["Bad Request: MEDIA_CAPTION_TOO_LONG"],
    )
    counts, table = _last_day(database_url, tmp_path)
    assert counts == {
        "Gagal dalam sehari terakhir: memblokir bot": "3",
        # Two ways of not reaching Telegram are one reason to the operator.
        "Gagal dalam sehari terakhir: Telegram tidak bisa dihubungi": "3",
        # One Kabar does not know is shown as Telegram gave it, named as Telegram's.
        'Gagal dalam sehari terakhir: kata Telegram: "Bad Request: MEDIA_CAPTION_TOO_LONG"': "1",
    }, table.stdout


def test_a_cancelled_broadcast_takes_none_of_the_five_reasons(
    database_url: str, tmp_path: Path
) -> None:
    reasons = [
        "Forbidden: bot was blocked by the user",
        "Forbidden: user is deactivated",
        "Bad Request: chat not found",
        "Bad Request: message is too long",
        "Bad Request: can't parse entities: unsupported start tag",
    ]
    _failed(database_url, [reason for reason in reasons for _ in range(2)] + ["cancelled"] * 10)
    counts, table = _last_day(database_url, tmp_path)
    assert counts == {
        "Tidak terkirim dalam sehari terakhir: siarannya dibatalkan": "10",
        "Gagal dalam sehari terakhir: memblokir bot": "2",
        "Gagal dalam sehari terakhir: akun Telegram-nya sudah dihapus": "2",
        "Gagal dalam sehari terakhir: obrolannya sudah tidak ada": "2",
        "Gagal dalam sehari terakhir: pesannya terlalu panjang": "2",
        "Gagal dalam sehari terakhir: format pesannya rusak": "2",
    }, table.stdout
    # The JSON keeps Telegram's descriptions and the cancel's marker, as it always has.
    as_json = run_kabar(database_url, "status", "--format", "json", workdir=tmp_path)
    failed = json.loads(as_json.stdout)["traffic"]["outbox"]["failed_last_day"]
    assert failed == {reason: 2 for reason in reasons} | {"cancelled": 10}
