"""A broadcast end to end: staff write it with `kabar broadcast`, a running Kabar sends it,
a family answers it, staff read who got it. Kabar runs in this process on a clock set to
the wall clock (the CLI reads the wall clock), against the fake Bot API."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from sqlalchemy import update

from bot.db.database import Database
from bot.db.models import Broadcast, BroadcastStatus, Invitation, ParticipantStatus, Person
from bot.lib.clock import SystemClock
from bot.sandbox.fakeapi import FakeTelegram
from tests.e2e.test_escalation import kabar, register
from tests.support.chat import kabar_command, said
from tests.support.programme import CODES, NOW, seed_programme

pytestmark = pytest.mark.e2e


async def test_a_broadcast_reaches_the_families_and_an_answer_reaches_their_facilitator(
    database_url: str, db: Database, tmp_path: Path
) -> None:
    await seed_programme(db, round_open=False)  # no check-in open: see Siti below
    clock = SystemClock()
    async with FakeTelegram() as tg, kabar(tg, database_url, clock):
        facilitator = tg.user(3001, first_name="Wagiyem", language_code="id")
        siti = tg.user(3002, first_name="Siti", language_code="id")
        john = tg.user(3003, first_name="John", language_code="en")
        await register(facilitator, CODES["PDP-01"])
        await register(siti, CODES["KPM-01"])
        await john.send_command("start", CODES["KPM-02"])
        await said(john, "Choose your language")
        await john.press("English")
        await said(john, "Do you agree?")
        await john.press("I agree")
        await said(john, "Thank you")
        async with db.transaction() as session:
            await session.execute(
                update(Person).where(Person.id == "KPM-03").values(status=ParticipantStatus.PAUSED)
            )

        out = await kabar_command(
            database_url,
            tmp_path,
            "broadcast",
            "--text",
            "Halo {nama}, pengering tiba Kamis di balai desa.",
            "--text-in",
            "en=Hello {nama}, the dryer arrives Thursday at the village hall.",
            "--audience",
            "cohort=pelepah-pisang-2026",
        )
        # Counted first: Budi is paused, and not registered either, so not in the audience.
        assert "Recipients: 2 (skipped: 0 paused, 0 unreachable)" in out
        assert "Halo Siti Rahayu, pengering tiba Kamis" in out

        await said(siti, "Halo Siti Rahayu, pengering tiba Kamis di balai desa.")
        # John chose English, and gets the English text.
        await said(john, "Hello John Purnomo, the dryer arrives Thursday")

        # Siti answers with no check-in open: her facilitator gets it, she is thanked.
        await siti.send_text("Jam berapa pengeringnya datang?")
        await said(siti, "diteruskan ke pendamping")
        note = await said(facilitator, "Siti Rahayu (Jorongan)")
        assert "Jam berapa pengeringnya datang?" in note.text

        await _until_done(db, 1)
        report = await kabar_command(database_url, tmp_path, "broadcast", "status", "1")
        assert "Delivered: 2" in report
        assert "Everyone in the audience got it." in report


async def _until_done(db: Database, broadcast_id: int) -> None:
    async with asyncio.timeout(15):
        while True:
            async with db.sessions() as session:
                found = await session.get(Broadcast, broadcast_id)
                if found is not None and found.status is BroadcastStatus.DONE:
                    return
            await asyncio.sleep(0.05)


async def _status_of(db: Database, person_id: str) -> ParticipantStatus:
    async with db.sessions() as session:
        found = await session.get(Person, person_id)
        assert found is not None
        return found.status


async def test_status_lists_the_people_who_did_not_get_it_and_why(
    database_url: str, db: Database, tmp_path: Path
) -> None:
    await seed_programme(db)
    async with db.transaction() as session:
        session.add(Invitation(person_id="KPM-03", code="budi3-x", created_at=NOW))
    clock = SystemClock()
    async with FakeTelegram() as tg, kabar(tg, database_url, clock):
        siti = tg.user(3002, first_name="Siti", language_code="id")
        john = tg.user(3003, first_name="John", language_code="en")
        budi = tg.user(3004, first_name="Budi", language_code="id")
        await register(siti, CODES["KPM-01"])
        await register(john, CODES["KPM-02"])
        await register(budi, CODES["KPM-03"])
        await budi.send_command("berhenti")
        await said(budi, "tidak akan mengirim pesan lagi")
        john.block_bot()  # Kabar learns it when the broadcast reaches him

        out = await kabar_command(database_url, tmp_path, "broadcast", "--text", "Rapat Senin")
        assert "Recipients: 2 (skipped: 1 paused, 0 unreachable)" in out
        await said(siti, "Rapat Senin")
        await _until_done(db, 1)
        csv_out = await kabar_command(
            database_url, tmp_path, "broadcast", "status", "1", "--format", "csv"
        )
    lines = csv_out.strip().splitlines()
    assert lines[0] == "participant_id,name,village,reason,detail"
    assert await _status_of(db, "KPM-02") is ParticipantStatus.UNREACHABLE
    assert sorted(lines[1:]) == [
        "KPM-02,John Purnomo,Clarak,blocked,Forbidden: bot was blocked by the user",
        "KPM-03,Budi Maryam,Clarak,paused,",
    ]
