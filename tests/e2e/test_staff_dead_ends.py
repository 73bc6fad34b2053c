"""Facilitators, coordinators and buying partners where a family's command or a half-done
step would trap them: /tolong opens no alert about a facilitator, /batal leaves a note
asked for on an alert card and a /siaran being written, and a partner is not told that a
check-in will come. Kabar runs in this process on a fake clock, against the fake Bot API."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from bot.db.database import Database
from bot.db.models import Alert, AlertAction, Broadcast, Invitation
from bot.lib.clock import FakeClock
from bot.sandbox.fakeapi import FakeTelegram, FakeUser
from tests.e2e.test_escalation import MONDAY, alert_cards, kabar, register, until
from tests.e2e.test_stock import PARTNER_CODE
from tests.e2e.test_stock import seed as seed_with_partner
from tests.support.chat import said
from tests.support.programme import CODES, NOW

pytestmark = pytest.mark.e2e

COORDINATOR_CODE = "krd01-aaaaa-bbbbb-ccccc"


async def note_asked_for(clock: FakeClock, family: FakeUser, facilitator: FakeUser) -> None:
    """A round opens, the family asks for help, and the facilitator taps "add a note"."""
    clock.set(MONDAY)
    await said(family, "Apakah Anda memproduksi")
    await family.send_command("tolong")
    await until(lambda: len(alert_cards(facilitator)) == 1)
    await facilitator.press("📝 Tambah catatan")
    await said(facilitator, "Ketik catatan Anda")


async def test_staff_commands_do_what_their_words_say(database_url: str, db: Database) -> None:
    await seed_with_partner(db)
    async with db.transaction() as session:
        session.add(
            Invitation(person_id="KRD-01", code=COORDINATOR_CODE, created_at=NOW,
                       expires_at=NOW + timedelta(days=3650))
        )  # fmt: skip
    clock = FakeClock(NOW + timedelta(hours=1))
    async with FakeTelegram() as tg, kabar(tg, database_url, clock):
        facilitator = tg.user(3001, first_name="Wagiyem", language_code="id")
        coordinator = tg.user(3002, first_name="Arif", language_code="id")
        partner = tg.user(3009, first_name="Mitra", language_code="id")
        siti = tg.user(3003, first_name="Siti", language_code="id")
        for user, code in (
            (facilitator, CODES["PDP-01"]),
            (coordinator, COORDINATOR_CODE),
            (partner, PARTNER_CODE),
            (siti, CODES["KPM-01"]),
        ):
            await register(user, code)

        # /tolong is the families': from a facilitator, no alert about them reaches the
        # coordinator's board.
        await facilitator.send_command("tolong")
        await said(facilitator, "Maaf, /tolong untuk keluarga")

        # A family asks for help; the facilitator taps "add a note", then thinks better of it.
        await note_asked_for(clock, siti, facilitator)
        await facilitator.send_command("batal")
        await said(facilitator, "Catatan dibatalkan: tidak ada yang disimpan.")
        # What they type later is not taken for the note.
        await facilitator.send_text("halo")
        await said(facilitator, "Maaf, saya tidak mengerti")

        # The coordinator starts an announcement to everyone, and stops it with /batal.
        await coordinator.send_command("siaran")
        await said(coordinator, "Siapa yang akan menerimanya?")
        await coordinator.press("Semua")
        await said(coordinator, "Sekarang tulis teksnya")
        await coordinator.send_command("batal")
        await said(coordinator, "📣 Dibatalkan: tidak ada yang dikirim.")
        await coordinator.send_text("Rapat Kamis")
        await said(coordinator, "Maaf, saya tidak mengerti")
        await coordinator.send_command("batal")
        await said(coordinator, "Saat ini tidak ada yang perlu dibatalkan.")
        # {nama} as a phone types it is still each family's name.
        await coordinator.send_command("siaran")
        await said(coordinator, "Siapa yang akan menerimanya?")
        await coordinator.press("Semua")
        await said(coordinator, "Sekarang tulis teksnya")
        await coordinator.send_text("Halo {Nama}, rapat Kamis")
        await said(coordinator, "Halo Siti Rahayu, rapat Kamis")
        await said(coordinator, "📣 Pratinjau")
        # Seen in the preview, changed by writing it again.
        await coordinator.send_text("Halo {nama}, rapat Jumat")
        await said(coordinator, "Halo Siti Rahayu, rapat Jumat")
        await said(coordinator, "📣 Pratinjau")
        await coordinator.send_command("batal")
        await said(coordinator, "📣 Dibatalkan: tidak ada yang dikirim.")

        # A partner is never asked for a check-in, and is not told one will come.
        await partner.send_command("start")
        welcome = await said(partner, "Halo, Koperasi Serat Leces!")
        assert "usaha" not in welcome.text
        await partner.send_command("ulang")
        await said(partner, "Maaf, /ulang untuk keluarga")
        await partner.send_command("batal")
        await said(partner, "Saat ini tidak ada yang perlu dibatalkan.")
        # What Kabar holds about a partner or a facilitator: no village, cohort or check-ins.
        await partner.send_command("dataku")
        data = await said(partner, "Data Anda di Kabar:")
        assert "• Peran: mitra pembeli" in data.text
        assert "Angkatan" not in data.text and "Pendamping" not in data.text
        assert "hubungi petugas program" in data.text
        await facilitator.send_command("dataku")
        data = await said(facilitator, "Data Anda di Kabar:")
        assert "• Peran: pendamping\n• Kecamatan: Leces\n• Atasan: Arif Kurniawan" in data.text
        # A facilitator's stop is told to their coordinator, by name.
        await facilitator.send_command("berhenti")
        await said(facilitator, "Kabar tidak akan mengirim pesan lagi. Arif Kurniawan sudah diberi")
        await said(coordinator, "Wagiyem Sulistyo (PDP-01, Leces) berhenti menerima pesan")
        await facilitator.send_command("mulai")
        await said(facilitator, "Selamat datang kembali! Kabar akan mengirim pesan lagi")

    async with db.sessions() as session:
        alerted = (await session.scalars(select(Alert.person_id))).all()
        notes = await session.scalar(select(func.count()).select_from(AlertAction))
        drafts = await session.scalar(select(func.count()).select_from(Broadcast))
    assert alerted == ["KPM-01"]
    assert alert_cards(coordinator) == []
    assert (notes, drafts) == (0, 0)


async def test_a_photo_left_as_a_note_is_shown_with_the_card(
    database_url: str, db: Database, tmp_path: Path
) -> None:
    """The card said “[photo]”, and the photo was kept where nobody could see it."""
    await seed_with_partner(db)
    clock = FakeClock(NOW + timedelta(hours=1))
    async with FakeTelegram() as tg, kabar(tg, database_url, clock, media_dir=str(tmp_path)):
        facilitator = tg.user(3001, first_name="Wagiyem", language_code="id")
        siti = tg.user(3003, first_name="Siti", language_code="id")
        await register(facilitator, CODES["PDP-01"])
        await register(siti, CODES["KPM-01"])
        await note_asked_for(clock, siti, facilitator)
        await facilitator.send_photo()  # the dryer, broken: no words needed
        await said(facilitator, "Catatan tersimpan.")
        edited = await said(facilitator, "→ 📷 Foto oleh Wagiyem Sulistyo, 12 Jan 08:00")
        assert "[photo]" not in edited.text

        await facilitator.send_command("peringatan")
        await said(facilitator, "Peringatan terbuka untuk Anda: 1.")
        await facilitator.press("1")
        shown = await facilitator.replies_until(
            lambda e: e.kind == "photo" and "Foto pada peringatan" in e.text
        )
        assert shown[-1].text == (
            "Foto pada peringatan tentang Siti Rahayu, dari Wagiyem Sulistyo, 12 Jan 2026 08:00"
        )
