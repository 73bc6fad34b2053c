"""A family who registers while their cohort's round is open is asked it at once: the round
opened without them, and they waited a week for their first question (a message to Kabar
meanwhile only said to send /ulang). Kabar runs in this process on a fake clock."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.db.database import Database
from bot.lib.clock import FakeClock
from bot.sandbox.fakeapi import FakeTelegram
from tests.e2e.test_escalation import MONDAY, kabar, register
from tests.e2e.test_paused_families import sign_up
from tests.support.chat import said
from tests.support.golden import assert_golden
from tests.support.programme import CODES, seed_programme

pytestmark = pytest.mark.e2e


async def test_a_family_who_registers_during_a_round_answers_it_at_once(
    database_url: str, db: Database
) -> None:
    await seed_programme(db)
    clock = FakeClock(MONDAY + timedelta(hours=2))  # the round opened, for nobody yet
    async with FakeTelegram() as tg, kabar(tg, database_url, clock):
        siti = tg.user(3501, first_name="Siti", language_code="id")
        await register(siti, CODES["KPM-01"])
        question = await said(siti, "Laporan putaran ini sedang dibuka. Ini pertanyaan")
        assert "Apakah Anda memproduksi" in question.text  # one message: lead and question
        assert question.buttons == [["Ya", "Tidak"]]
        await siti.press("Ya")
        await said(siti, "Berapa banyak yang Anda produksi")
        assert_golden("late_registration_id.txt", siti.render_transcript())

        # In Javanese too; who declines, and staff, are asked nothing.
        budi = tg.user(3503, first_name="Budi", language_code="jv")
        await sign_up(budi, "KPM-03", "jawa", "nggih setuju")
        question = await said(budi, "Laporan putaran niki saweg dipunbikak. Niki pitakenan")
        assert "Napa sampeyan produksi napa-napa" in question.text

        john = tg.user(3502, first_name="John", language_code="en")
        await john.send_command("start", CODES["KPM-02"])
        await said(john, "Pilih bahasa")
        await john.press("English")
        await said(john, "Do you agree?")
        await john.press("I do not agree")
        await said(john, "Kabar will not send you messages.")
        await john.assert_no_reply(within=0.5)

        wagiyem = tg.user(3504, first_name="Wagiyem", language_code="id")
        await register(wagiyem, CODES["PDP-01"])
        await wagiyem.assert_no_reply(within=0.5)


async def test_a_round_that_closes_in_minutes_is_still_asked(
    database_url: str, db: Database
) -> None:
    """Kabar has no "too late to ask" notion: a round's check-in stays open after it closes,
    until the next opens, and a late answer is taken (flagged late)."""
    await seed_programme(db)
    clock = FakeClock(MONDAY + timedelta(days=7, minutes=-10))  # the next opens in 10 minutes
    async with FakeTelegram() as tg, kabar(tg, database_url, clock):
        siti = tg.user(3501, first_name="Siti", language_code="id")
        await register(siti, CODES["KPM-01"])
        question = await said(siti, "Laporan putaran ini sedang dibuka.")
        assert "Apakah Anda memproduksi" in question.text
