"""`kabar broadcast` as staff type it: the count first, one clear line for bad input."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from sqlalchemy import func, select

from bot.db.database import Database
from bot.db.models import Broadcast
from tests.domain.broadcasts.support import seed_province
from tests.domain.cohorts.support import run_kabar


def _seed(database_url: str) -> None:
    async def main() -> None:
        db = Database(database_url)
        try:
            await seed_province(db)
        finally:
            await db.dispose()

    asyncio.run(main())


def _broadcasts(database_url: str) -> int:
    async def main() -> int:
        db = Database(database_url)
        try:
            async with db.sessions() as session:
                return int(await session.scalar(select(func.count()).select_from(Broadcast)) or 0)
        finally:
            await db.dispose()

    return asyncio.run(main())


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["--text", ""], "The message is empty"),
        (["--text", "x" * 4097], "at most 4,096"),
        (["--text", "Info", "--audience", "village=Atlantis"], "Nobody registered matches"),
        (["--text", "Info", "--audience", "kecamatan=Leces"], 'Unknown audience key "kecamatan"'),
        (["--text", "Info", "--at", "2020-01-01 08:00"], "has already passed"),
        (["--text", "Info", "--at", "besok pagi"], 'Cannot read the time "besok pagi"'),
        (["--text", "Info", "--repeat", "setiap hari"], "Cannot read the schedule"),
        (["--text", "Info", "--text-in", "fr=Bonjour"], 'Cannot read --text-in "fr=Bonjour"'),
        ([], "Give the message with --text"),
    ],
)
def test_bad_input_is_one_line_a_non_zero_exit_and_nothing_written(
    database_url: str, tmp_path: Path, args: list[str], expected: str
) -> None:
    _seed(database_url)
    result = run_kabar(database_url, "broadcast", *args, workdir=tmp_path)
    assert result.exit_code != 0
    assert expected in result.output
    assert len(result.output.strip().splitlines()) == 1, result.output
    assert _broadcasts(database_url) == 0


def test_a_dry_run_counts_and_previews_and_writes_nothing(
    database_url: str, tmp_path: Path
) -> None:
    _seed(database_url)
    result = run_kabar(
        database_url,
        "broadcast",
        "--text",
        "Halo {nama}, rapat Senin.",
        "--audience",
        "cohort=pisang",
        "--dry-run",
        workdir=tmp_path,
    )
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    # The count comes first.
    assert lines[0] == "Recipients: 2 (skipped: 1 paused, 1 unreachable)."
    assert "Halo Siti Rahayu, rapat Senin." in lines
    assert lines[-1] == "Nothing was written (--dry-run)."
    assert _broadcasts(database_url) == 0


def test_status_lists_broadcasts_and_cancel_stops_a_scheduled_one(
    database_url: str, tmp_path: Path
) -> None:
    _seed(database_url)
    written = run_kabar(
        database_url, "broadcast", "--text", "Besok", "--at", "2099-01-01 08:00", workdir=tmp_path
    )
    assert "Broadcast 1 is written" in written.output
    listed = run_kabar(database_url, "broadcast", "status", workdir=tmp_path)
    assert "scheduled" in listed.output and "Besok" in listed.output
    cancelled = run_kabar(database_url, "broadcast", "cancel", "1", workdir=tmp_path)
    assert "Broadcast 1 is cancelled; 0 messages will not be sent." in cancelled.output
    again = run_kabar(database_url, "broadcast", "cancel", "1", workdir=tmp_path)
    assert again.exit_code != 0
    assert "already cancelled" in again.output
    missing = run_kabar(database_url, "broadcast", "status", "7", workdir=tmp_path)
    assert missing.exit_code != 0 and "There is no broadcast 7." in missing.output
    audit = run_kabar(database_url, "audit", "--format", "csv", workdir=tmp_path)
    actions = [line.split(",")[2] for line in audit.output.strip().splitlines()[1:]]
    assert actions.count("broadcast.scheduled") == 1 and actions.count("broadcast.cancelled") == 1


def test_the_list_of_broadcasts_shows_their_status_in_the_operators_words(
    database_url: str, tmp_path: Path
) -> None:
    _seed(database_url)
    at = ("--at", "2099-01-01 08:00")
    run_kabar(database_url, "broadcast", "--text", "Besok", *at, workdir=tmp_path)
    run_kabar(database_url, "broadcast", "--text", "Lusa", *at, workdir=tmp_path)
    run_kabar(database_url, "broadcast", "cancel", "2", workdir=tmp_path)
    listed = run_kabar(
        database_url, "broadcast", "status", workdir=tmp_path, env={"KABAR_LOCALE": "id"}
    )
    assert "terjadwal" in listed.output and "dibatalkan" in listed.output
    assert "scheduled" not in listed.output and "cancelled" not in listed.output


def test_an_audience_that_would_all_be_skipped_is_refused(
    database_url: str, tmp_path: Path
) -> None:
    _seed(database_url)
    result = run_kabar(
        database_url, "broadcast", "--text", "Info", "--audience", "status=paused", workdir=tmp_path
    )
    assert result.exit_code != 0
    assert "Everyone in this audience has paused messages (1)" in result.output
