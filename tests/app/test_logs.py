"""What `kabar run` writes to its log: one line per event, JSON when asked, and nothing
personal at INFO and above."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import pytest

from bot.db.database import Database
from bot.lib.logs import configure_logging
from bot.sandbox.fakeapi import FakeTelegram
from tests.support.chat import kabar_command, said
from tests.support.process import KabarProcess
from tests.support.programme import CODES, COHORT, seed_programme

pytestmark = pytest.mark.e2e


async def test_a_json_log_is_one_object_a_line_and_names_no_family(
    database_url: str, tmp_path: Path, db: Database
) -> None:
    await seed_programme(db, round_open=False)  # the test opens the round itself
    async with FakeTelegram() as tg:
        kabar = KabarProcess(tg, database_url, tmp_path, extra_env={"KABAR_LOG_FORMAT": "json"})
        await kabar.start()
        siti = tg.user(2001, first_name="Siti", language_code="id", phone="+6281300002001")
        await siti.send_command("start", CODES["KPM-01"])
        await said(siti, "Pilih bahasa")
        await siti.press("Bahasa Indonesia")
        await said(siti, "Apakah Anda setuju?")
        await siti.press("Saya setuju")
        await said(siti, "Terima kasih, Siti Rahayu!")
        await kabar_command(database_url, tmp_path, "checkin", "send", "--cohort", COHORT)
        await said(siti, "Apakah Anda memproduksi")
        await siti.press("Ya")
        await said(siti, "Berapa banyak yang Anda produksi")
        await siti.send_text("17 kg pelepah kering")  # refused: a refusal logs no answer either
        await said(siti, "Saya tidak mengerti angka itu")
        await siti.send_text("17")
        await said(siti, "Berapa banyak yang terjual")
        assert await kabar.stop() == 0

    # The log file holds standard output too: the one line `kabar run` prints as it ends.
    lines = kabar.log().splitlines()
    assert [line for line in lines if not line.startswith("{")] == ["Kabar berhenti."]
    events = [json.loads(line) for line in lines if line.startswith("{")]
    assert {"time", "level", "logger", "message"} <= set(events[0])
    assert any("Kabar is running" in event["message"] for event in events)
    personal = ("Siti", "Rahayu", "6281300002001", "pelepah kering", CODES["KPM-01"])
    for event in events:
        if event["level"] in ("INFO", "WARNING", "ERROR", "CRITICAL"):
            assert not any(word in json.dumps(event) for word in personal), event


def test_a_text_log_keeps_an_error_on_its_own_line(capsys: pytest.CaptureFixture[str]) -> None:
    configure_logging("text")
    try:
        try:
            int("x")
        except ValueError:
            logging.getLogger("bot.test").exception("handling update %s failed", 42)
        lines = capsys.readouterr().err.splitlines()
    finally:
        logging.getLogger().handlers.clear()
    assert len(lines) == 1
    here = test_a_text_log_keeps_an_error_on_its_own_line.__code__
    raised_at = f"{here.co_filename}:{here.co_firstlineno + 4} in {here.co_name}"
    assert lines[0].endswith(
        "ERROR bot.test: handling update 42 failed | ValueError: invalid literal for int() with "
        f"base 10: 'x' at {raised_at}"
    )
