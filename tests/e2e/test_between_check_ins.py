"""A family who writes while no check-in is waiting for them is told why Kabar does not
take it and what they can do: /ulang while the round's check-in is still to answer, /tolong
otherwise. "Sorry, I did not understand" left them guessing."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.db.database import Database
from bot.sandbox.fakeapi import FakeTelegram
from tests.e2e.test_escalation import answer_not_producing, register
from tests.support.chat import kabar_command, said
from tests.support.process import KabarProcess
from tests.support.programme import CODES, COHORT, seed_programme

pytestmark = pytest.mark.e2e


async def test_a_family_writing_between_check_ins_is_told_what_to_do(
    database_url: str, tmp_path: Path, db: Database
) -> None:
    await seed_programme(db, round_open=False)  # the rounds are the ones opened below
    async with FakeTelegram() as tg, KabarProcess(tg, database_url, tmp_path) as kabar:
        siti = tg.user(2001, first_name="Siti", language_code="id")
        budi = tg.user(2003, first_name="Budi", language_code="id")
        await budi.send_command("start", CODES["KPM-03"])
        await said(budi, "Pilih basa")
        await budi.press("Basa Jawa")
        await said(budi, "Napa sampeyan setuju?")
        await budi.press("Kula setuju")
        await said(budi, "Matur nuwun")
        # A round opens before Siti registers: it is still hers to answer, asked at once.
        await kabar_command(database_url, tmp_path, "checkin", "send", "--cohort", COHORT)
        await said(budi, "Napa sampeyan produksi")
        await register(siti, CODES["KPM-01"])
        await said(siti, "Laporan putaran ini sedang dibuka. Ini pertanyaan pertamanya:")
        # Cancelled, the round's check-in is still hers: what she writes is met with /ulang.
        await siti.send_command("batal")
        await said(siti, "/ulang")
        await siti.send_text("minggu ini 5 kg")
        waiting = await said(siti, "/ulang")
        assert waiting.text.startswith("Maaf, Kabar tidak mengerti pesan itu. Laporan putaran")
        await siti.send_command("ulang")
        await said(siti, "Apakah Anda memproduksi")
        await answer_not_producing(siti)

        # Answered: what she writes now waits for the next check-in, or for /tolong.
        await siti.send_text("5 kg")
        between = await said(siti, "/tolong")
        assert between.text.startswith("Kabar membaca jawaban saat laporan berlangsung")
        await siti.send_sticker()
        await said(siti, "Kabar membaca jawaban saat laporan berlangsung")

        # Budi, who reads Javanese, cancelled his check-in: /ulang, in Javanese.
        await budi.send_command("batal")
        await said(budi, "/ulang")
        await budi.send_text("halo")
        await said(budi, "Laporan putaran menika taksih dibikak: kirim /ulang")
        assert await kabar.stop() == 0
