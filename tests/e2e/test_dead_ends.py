"""No dead ends for a family: whatever they do in the middle of things, Kabar says where they
are and how to carry on. Taking a cancelled check-in up again, /berhenti then /mulai within a
round, /start in the middle of signing up or of a check-in, a photo nobody asked for, a phone
number typed instead of shared, and /tolong where a family looks for help."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from bot.db.database import Database
from bot.db.models import Attachment, FollowUpRecord, RecordStatus
from bot.sandbox.fakeapi import FakeTelegram
from tests.e2e.test_escalation import answer_not_producing, register
from tests.support.chat import kabar_command, said
from tests.support.process import KabarProcess
from tests.support.programme import CODES, COHORT, seed_programme

pytestmark = pytest.mark.e2e

FAMILY_MENU = ["bantuan", "dataku", "berhenti", "mulai", "batal", "ulang", "tolong"]
FIRST_QUESTION = "Apakah Anda memproduksi"


async def test_a_family_always_has_a_way_on(
    database_url: str, tmp_path: Path, db: Database
) -> None:
    await seed_programme(db)
    async with FakeTelegram() as tg:
        kabar = KabarProcess(tg, database_url, tmp_path)
        await kabar.start()
        siti = tg.user(2001, first_name="Siti", language_code="id")
        budi = tg.user(2003, first_name="Budi", language_code="id")
        stranger = tg.user(2999, first_name="Tono", language_code="id")

        # A phone number typed by someone not registered: the share button, shown again.
        await stranger.send_text("0812 3456 7890")
        typed = await said(stranger, "Kabar tidak bisa memakai nomor telepon yang diketik.")
        assert typed.keyboard == [["📱 Bagikan nomor HP saya"]]

        # /start in the middle of signing up: where they are, and the same question.
        await budi.send_command("start", CODES["KPM-03"])
        await said(budi, "Pilih bahasa")
        await budi.send_command("start")
        # (In his roster language, Javanese, until he chooses at the question.)
        await said(budi, "Halo, Budi Maryam! Sampeyan nembe ndaftar ing Kabar.")
        await said(budi, "Pilih bahasa")
        await budi.press("Bahasa Indonesia")
        await said(budi, "Apakah Anda setuju?")
        await budi.press("Saya setuju")

        # /tolong is in the family's menu and in /bantuan, which lists every command.
        await register(siti, CODES["KPM-01"])
        await siti.send_command("bantuan")
        help_text = (await said(siti, "Cara kerja Kabar")).text
        for command in FAMILY_MENU:
            assert f"\n/{command} – " in help_text, command
        assert "/tolong – minta bantuan pendamping" in help_text
        assert [c["command"] for c in tg.commands_for_chat(2001)] == FAMILY_MENU

        # A photo with no round open: kept in her file with its caption, and thanked.
        await siti.send_photo(caption="Keripik pelepah")
        await said(siti, "Terima kasih! Kabar sudah menyimpannya")

        assert "opened for 2 participants" in await kabar_command(
            database_url, tmp_path, "checkin", "send", "--cohort", COHORT
        )
        await said(siti, FIRST_QUESTION)
        await said(budi, FIRST_QUESTION)

        # /start in the middle of a check-in says so, then the question again.
        await siti.send_command("start")
        await said(siti, "Halo, Siti Rahayu! Anda sedang mengisi laporan.")
        await said(siti, FIRST_QUESTION)
        # A photo at a question about numbers: kept with the round's record, thanked, and
        # the question again.
        await siti.press("Ya")
        await said(siti, "Berapa banyak yang Anda produksi")
        await siti.send_photo(caption="Hasil minggu ini")
        await said(siti, "Terima kasih! Kabar sudah menyimpannya")
        await said(siti, "Berapa banyak yang Anda produksi")

        # /batal, then /ulang: the round is taken up again from its first question.
        await siti.send_command("batal")
        cancelled = await said(siti, "Laporan dibatalkan")
        assert "Kirim /ulang" in cancelled.text
        await siti.send_command("ulang")
        await said(siti, "Laporan dibuka lagi.")
        await said(siti, FIRST_QUESTION)
        thanks = await answer_not_producing(siti)
        assert thanks.count("/tolong") == 1  # the closing message says where help is

        # /berhenti then /mulai within the round: the question comes again.
        await budi.send_command("berhenti")
        await said(budi, "Kabar tidak akan mengirim pesan lagi.")
        await budi.send_command("mulai")
        await said(budi, "Selamat datang kembali!")
        await said(budi, FIRST_QUESTION)
        # Even after /batal: /berhenti, /mulai takes the round up again.
        await budi.send_command("batal")
        await said(budi, "Laporan dibatalkan")
        await budi.send_command("berhenti")
        await said(budi, "Kabar tidak akan mengirim pesan lagi.")
        await budi.send_command("mulai")
        await said(budi, "Selamat datang kembali!")
        await said(budi, "Laporan dibuka lagi.")
        await said(budi, FIRST_QUESTION)
        await answer_not_producing(budi)

        # Answered: /ulang has nothing to take up any more.
        await siti.send_command("ulang")
        await said(siti, "Saat ini tidak ada laporan yang dibuka.")
        assert await kabar.stop() == 0

    async with db.sessions() as session:
        records = {
            r.person_id: r for r in (await session.execute(select(FollowUpRecord))).scalars()
        }
        files = (await session.execute(select(Attachment).order_by(Attachment.id))).scalars().all()
    assert records["KPM-01"].status is RecordStatus.ANSWERED
    assert records["KPM-01"].produced is False  # the answers of the cancelled try are gone
    assert records["KPM-03"].status is RecordStatus.ANSWERED
    assert [(f.person_id, f.kind, f.record_id, f.caption) for f in files] == [
        ("KPM-01", "photo", None, "Keripik pelepah"),
        ("KPM-01", "photo", records["KPM-01"].id, "Hasil minggu ini"),
    ]
