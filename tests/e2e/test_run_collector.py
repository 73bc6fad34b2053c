"""A running bot's start-up objects are left out of the collector's full passes.

Walking them held the event loop for 110-210 ms at each full collection while 200 families
answered: the bulk sender's longest gaps (docs/PERFORMANCE.md, "Bulk at 30/s while 200
answer"). The figure lives in the benchmark; this keeps the freeze from quietly going.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.sandbox.fakeapi import FakeTelegram
from tests.support.process import KabarProcess

pytestmark = pytest.mark.e2e

MODULES_AT_EXIT = Path(__file__).resolve().parents[1] / "support" / "modules_at_exit.py"


async def test_a_running_bot_freezes_what_start_up_made(database_url: str, tmp_path: Path) -> None:
    listing = tmp_path / "modules.txt"
    async with (
        FakeTelegram() as tg,
        KabarProcess(
            tg, database_url, tmp_path, prefix=(str(MODULES_AT_EXIT), str(listing))
        ) as kabar,
    ):
        john = tg.user(1002, first_name="John", language_code="en")
        await john.send_command("start")
        assert "invitation" in (await john.next_reply()).text
        assert await kabar.stop() == 0

    # The imports alone leave some 100,000 objects (SQLAlchemy, PTB, Babel, our modules).
    assert int(listing.with_suffix(".frozen").read_text()) > 50_000
