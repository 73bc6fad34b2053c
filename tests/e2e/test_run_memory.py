"""What a running bot keeps in memory: only the libraries its own work needs.

Charts (matplotlib), workbooks (openpyxl) and migrations (Alembic) are for the commands that
use them; imported by `kabar run` they would stay resident for as long as the bot runs
(docs/PERFORMANCE.md, "Memory of `kabar run`"). What start-up did import is frozen out of
the collector's full passes, which held the event loop for 110-210 ms each while families
answered (bot/lib/collector.py).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.cli.main import COMMANDS
from bot.sandbox.fakeapi import FakeTelegram
from tests.support.process import KabarProcess

pytestmark = pytest.mark.e2e

MODULES_AT_EXIT = Path(__file__).resolve().parents[1] / "support" / "modules_at_exit.py"
# httpx and what it brings: PTB's default transport; Kabar's is aiohttp (bot/tg/http.py).
HTTPX = ("httpx", "httpcore", "h11", "anyio", "certifi")
# phonenumbers: only once someone registers with a phone number (bot/lib/phones.py).
NOT_FOR_THE_BOT = (
    "matplotlib",
    "openpyxl",
    "alembic",
    "mako",
    "PIL",
    "zxingcpp",
    "rich",
    "phonenumbers",
    *HTTPX,
)


async def test_a_running_bot_imports_only_its_own_work_and_freezes_it(
    database_url: str, tmp_path: Path
) -> None:
    listing = tmp_path / "modules.txt"
    prefix = (str(MODULES_AT_EXIT), str(listing))
    async with (
        FakeTelegram() as tg,
        KabarProcess(tg, database_url, tmp_path, prefix=prefix) as kabar,
    ):
        john = tg.user(1002, first_name="John", language_code="en")
        await john.send_command("start")
        assert "invitation" in (await john.next_reply()).text
        assert await kabar.stop() == 0

    modules = listing.read_text().split()
    assert "bot.tg.processor" in modules  # it did run the bot
    loaded = sorted({name.split(".")[0] for name in modules} & set(NOT_FOR_THE_BOT))
    assert loaded == []
    # aiohttp's server is for --webhook-url and --health-port only.
    assert [name for name in modules if name.startswith("aiohttp.web")] == []
    # Nor the other commands' code (bot/cli/main.py imports a command when it runs).
    others = {module for name, (module, _) in COMMANDS.items() if name != "run"}
    assert sorted(others & set(modules)) == []
    # The imports alone leave some 100,000 objects (SQLAlchemy, PTB, Babel, our modules).
    assert int(listing.with_suffix(".frozen").read_text()) > 50_000


async def test_an_sqlite_database_behind_head_is_still_migrated_when_the_bot_starts(
    tmp_path: Path,
) -> None:
    # SQLite only: on PostgreSQL `kabar run` asks the operator to migrate instead.
    fresh = f"sqlite:///{tmp_path / 'fresh.db'}"
    async with FakeTelegram() as tg, KabarProcess(tg, fresh, tmp_path) as kabar:
        john = tg.user(1002, first_name="John", language_code="en")
        await john.send_command("start")
        assert "invitation" in (await john.next_reply()).text
        assert await kabar.stop() == 0
