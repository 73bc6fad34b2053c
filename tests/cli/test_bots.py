"""`kabar bot add` checks a token with Telegram and gives the bot its cohorts; `kabar bot
list` shows every bot with its token masked."""

from __future__ import annotations

import asyncio
from pathlib import Path

from sqlalchemy import select

from bot.db.database import Database
from bot.db.models import Bot, Cohort
from bot.sandbox.fakeapi import FakeTelegram
from tests.cli.support import closed_port, run_kabar
from tests.domain.rounds.support import seed_cohort

DEFAULT_TOKEN = "111:" + "A" * 35


async def test_a_bot_added_for_a_cohort_is_listed_with_its_token_masked(
    db: Database, database_url: str, tmp_path: Path
) -> None:
    await seed_cohort(db, 2, name="tenun")
    async with FakeTelegram() as tg:
        token = tg.add_bot(222, "kabar_dua_bot")
        env = {
            "KABAR_DATABASE_URL": database_url,
            "KABAR_TELEGRAM_API_URL": tg.api_url,
            "KABAR_BOT_TOKEN": DEFAULT_TOKEN,
            "KABAR_BOT_USERNAME": "kabar_satu_bot",
        }
        added = await asyncio.to_thread(
            run_kabar, tmp_path, "bot", "add", token, "--cohort", "tenun", "--paid-broadcast", **env
        )
        listed = await asyncio.to_thread(run_kabar, tmp_path, "bot", "list", **env)
    assert added.code == 0, added.err
    assert added.out[0] == "Added bot @kabar_dua_bot (222:…BBB)."
    async with db.sessions() as session:
        bot = (await session.execute(select(Bot))).scalar_one()
        cohort = (await session.execute(select(Cohort).where(Cohort.name == "tenun"))).scalar_one()
    assert (bot.username, bot.paid_broadcast, cohort.bot_id) == ("kabar_dua_bot", True, bot.id)
    text = "\n".join(listed.out)
    assert "@kabar_satu_bot (default)" in text
    assert "@kabar_dua_bot" in text and "222:…BBB" in text and "tenun" in text
    assert token not in text and DEFAULT_TOKEN not in text


async def test_a_token_telegram_does_not_know_changes_nothing(
    db: Database, database_url: str, tmp_path: Path
) -> None:
    async with FakeTelegram() as tg:
        tg.faults.add("getMe", status=401, description="Unauthorized")
        ran = await asyncio.to_thread(
            run_kabar,
            tmp_path,
            "bot",
            "add",
            "333:" + "C" * 35,
            KABAR_DATABASE_URL=database_url,
            KABAR_TELEGRAM_API_URL=tg.api_url,
        )
    assert (ran.code, ran.err) == (1, ["Telegram does not know the token 333:…CCC."])
    async with db.sessions() as session:
        assert (await session.execute(select(Bot))).first() is None


async def test_a_cohort_that_does_not_exist_is_named_and_nothing_is_added(
    db: Database, database_url: str, tmp_path: Path
) -> None:
    async with FakeTelegram() as tg:
        token = tg.add_bot(444, "kabar_tiga_bot")
        ran = await asyncio.to_thread(
            run_kabar,
            tmp_path,
            "bot",
            "add",
            token,
            "--cohort",
            "nope",
            KABAR_DATABASE_URL=database_url,
            KABAR_TELEGRAM_API_URL=tg.api_url,
        )
    assert ran.code == 1 and ran.err[0].startswith('There is no cohort "nope".')
    async with db.sessions() as session:
        assert (await session.execute(select(Bot))).first() is None


def test_what_the_database_refuses_is_said_before_telegram_is_asked(
    db: Database, database_url: str, tmp_path: Path
) -> None:
    # Telegram out of reach (nothing listens there): a wrong cohort or the default bot's
    # own token is still named, not hidden behind "try again".
    nowhere = f"http://127.0.0.1:{closed_port()}/bot"
    env = {"KABAR_DATABASE_URL": database_url, "KABAR_TELEGRAM_API_URL": nowhere}
    token = "555:" + "D" * 35
    wrong_cohort = run_kabar(tmp_path, "bot", "add", token, "--cohort", "nope", **env)
    assert wrong_cohort.code == 1 and wrong_cohort.err[0].startswith('There is no cohort "nope".')
    own_token = run_kabar(tmp_path, "bot", "add", token, KABAR_BOT_TOKEN=token, **env)
    assert (own_token.code, own_token.err) == (
        1,
        ["This token is the default bot's (KABAR_BOT_TOKEN): it needs no `kabar bot add`."],
    )
    unreachable = run_kabar(tmp_path, "bot", "add", token, **env)
    assert unreachable.err == ["Could not reach Telegram to check the token; try again."]
