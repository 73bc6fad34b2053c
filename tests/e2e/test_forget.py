"""`kabar person forget`: a family asks to be forgotten (UU PDP 27/2022). Afterwards no
table and no file holds their name, phone or Telegram id, and the cohort's figures are
what they were."""

from __future__ import annotations

import asyncio
import json
import sqlite3
import subprocess
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from bot.db.database import Database
from bot.db.models import Attachment, FollowUpRecord
from bot.sandbox.demo.families import Behaviour, Family
from bot.sandbox.fakeapi import FakeTelegram
from tests.cli.support import run_kabar
from tests.conftest import ON_POSTGRES
from tests.support.chat import kabar_command, said, settled
from tests.support.process import KabarProcess
from tests.support.programme import CODES, COHORT, seed_programme

pytestmark = pytest.mark.e2e

SITI = 918_273_645  # her Telegram id: long enough to be found only where it was written
# Her name, her phone as written anywhere (E.164, 0813…, 0813-0000-2001), her Telegram id.
TRACES = (
    "Siti Rahayu",
    "+6281300002001",
    "6281300002001",
    "081300002001",
    "0813-0000-2001",
    "813-0000-2001",
    str(SITI),
)


def dump(database_url: str) -> str:
    """Every row of every table, as text."""
    if ON_POSTGRES:
        from sqlalchemy.engine import make_url

        url = make_url(database_url).set(drivername="postgresql")
        command = ["pg_dump", "--data-only", url.render_as_string(hide_password=False)]
        return subprocess.run(command, check=True, capture_output=True, text=True).stdout
    path = database_url.removeprefix("sqlite:///")
    with sqlite3.connect(path) as connection:
        return "\n".join(connection.iterdump())


def report(database_url: str, workdir: Path) -> dict[str, Any]:
    """`kabar report`'s figures, without the words of the notes (hers are erased)."""
    ran = run_kabar(workdir, "report", "--format", "json", KABAR_DATABASE_URL=database_url)
    assert ran.code == 0, ran.err
    figures: dict[str, Any] = json.loads("\n".join(ran.out))
    for count in figures["problems"]["counts"]:
        count.pop("words")
    return figures


async def test_a_forgotten_family_leaves_no_trace_and_the_figures_stay(
    database_url: str, db: Database, tmp_path: Path
) -> None:
    await seed_programme(db, round_open=False)  # the round is the one staff open below
    media = tmp_path / "media"
    env = {"KABAR_MEDIA_DIR": str(media)}
    async with FakeTelegram() as tg, KabarProcess(tg, database_url, tmp_path, extra_env=env):
        siti = tg.user(SITI, first_name="Siti", last_name="Rahayu", phone="+6281300002001")
        wagiyem = tg.user(2100, first_name="Wagiyem", language_code="id")
        await wagiyem.send_command("start", CODES["PDP-01"])
        await said(wagiyem, "Pilih bahasa")
        await wagiyem.press("Bahasa Indonesia")
        await said(wagiyem, "Apakah Anda setuju?")
        await wagiyem.press("Saya setuju")
        family = Family(
            siti,
            Behaviour(
                produces=False,
                problems=["tools"],
                note="Pengering rusak, hubungi Siti Rahayu di 081300002001",
                wants_help=True,
                photo=True,
            ),
            "id",
            "kg",
        )
        await family.register(CODES["KPM-01"])
        await kabar_command(database_url, tmp_path, "checkin", "send", "--cohort", COHORT)
        await family.check_in()
        # She asked for help: her facilitator's card names her and her phone.
        card = await said(wagiyem, "Siti Rahayu", timeout=30)
        assert "+6281300002001" in card.text or "0813" in card.text
        await settled(db)

        async def downloaded() -> bool:
            async with db.sessions() as session:
                waiting = await session.scalar(
                    select(func.count()).where(Attachment.download_status == "pending")
                )
            return waiting == 0

        async with asyncio.timeout(30):
            while not await downloaded():
                await asyncio.sleep(0.2)
    assert any(media.rglob("*.jpg")) or any(p.is_file() for p in media.rglob("*"))
    before = report(database_url, tmp_path)
    assert any(trace in dump(database_url) for trace in TRACES)  # the test can see them

    ran = await asyncio.to_thread(
        run_kabar,
        tmp_path,
        "person",
        "forget",
        "KPM-01",
        "--yes",
        KABAR_DATABASE_URL=database_url,
        **env,
    )
    assert ran.code == 0, ran.err
    assert ran.out[0].startswith("KPM-01 is forgotten: their check-ins count on as anon-")

    text = dump(database_url)
    for trace in TRACES:
        assert trace not in text, trace
    for path in media.rglob("*"):
        assert "KPM-01" not in str(path)
        if path.is_file():
            content = path.read_bytes()
            assert not any(trace.encode() in content for trace in TRACES)
    # Her answers still count, anonymously: the figures are the same.
    assert report(database_url, tmp_path) == before
    async with db.sessions() as session:
        records = (await session.scalars(select(FollowUpRecord))).all()
    assert [r.person_id.startswith("anon-") for r in records] == [True]
    # The audit log says who did it, under the anonymous id.
    audit = run_kabar(tmp_path, "audit", "--format", "csv", KABAR_DATABASE_URL=database_url)
    assert any("person.forgotten" in line and ",anon-" in line for line in audit.out)


def test_an_unknown_id_is_one_line(database_url: str, tmp_path: Path) -> None:
    ran = run_kabar(
        tmp_path, "person", "forget", "KPM-99", "--yes", KABAR_DATABASE_URL=database_url
    )
    assert (ran.code, ran.err) == (1, ["There is nobody with the id KPM-99."])
