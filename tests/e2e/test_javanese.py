"""Javanese end to end: a family who chooses Basa Jawa at the language question, one the
roster lists as Javanese, and a facilitator who chooses it. Kabar runs in this process on a
fake clock, against the fake Bot API (as in test_escalation.py)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.db.database import Database
from bot.db.models import Person, TelegramAccount
from bot.lib.clock import FakeClock
from bot.sandbox.fakeapi import FakeTelegram, FakeUser, TranscriptEntry, render_entries
from tests.e2e.test_escalation import MONDAY, answer_producing, kabar, register, until
from tests.support.chat import said
from tests.support.golden import assert_golden
from tests.support.programme import CODES, NOW, seed_programme

pytestmark = pytest.mark.e2e


async def register_in_javanese(user: FakeUser, code: str) -> str:
    """Their invitation, Basa Jawa at the language question, consent; the welcome's text."""
    await user.send_command("start", code)
    await said(user, "Pilih bahasa")
    await user.press("Basa Jawa")
    await said(user, "Napa sampeyan setuju?")
    await user.press("Kula setuju")
    return (await said(user, "Matur nuwun,")).text


async def test_a_family_who_chooses_basa_jawa_is_asked_in_javanese(
    database_url: str, db: Database
) -> None:
    await seed_programme(db)
    clock = FakeClock(NOW + timedelta(hours=1))
    async with FakeTelegram() as tg, kabar(tg, database_url, clock):
        # Siti is on the roster in Indonesian, and her phone is in Indonesian.
        siti = tg.user(3101, first_name="Siti", language_code="id")
        await siti.send_command("start", CODES["KPM-01"])
        question = await said(siti, "Pilih bahasa / Choose your language:")
        assert question.buttons == [["Bahasa Indonesia"], ["Basa Jawa"], ["English"]]
        # Budi is `jv` on the roster: the question, and his help, speak Javanese first.
        budi = tg.user(3103, first_name="Budi", language_code="id")
        await budi.send_command("start", CODES["KPM-03"])
        await said(budi, "Pilih basa / Pilih bahasa / Choose your language:")
        await budi.send_command("bantuan")
        await said(budi, "Cara kerja Kabar:\n• Kala-kala Kabar tanglet")
        # People not yet registered whose Telegram is in Javanese get a Javanese menu.
        assert {"command": "start", "description": "miwiti malih"} in tg.commands(
            language_code="jv"
        )

        await siti.press("Basa Jawa")
        consent = await said(siti, "Napa sampeyan setuju?")
        # The language question became this one, its answer kept atop.
        assert consent.text.startswith(
            "Pilih basa / Pilih bahasa / Choose your language:\n→ Basa Jawa"
        )
        assert "\n\nSakderengipun miwiti, bab data sampeyan:" in consent.text
        assert "/berhenti" in consent.text and "/dataku" in consent.text
        assert consent.buttons == [["Kula setuju"], ["Kula mboten setuju"]]
        await siti.press("Kula setuju")
        await said(siti, "Matur nuwun, Siti Rahayu! Sampeyan sampun kadaftar.")
        chat = {"type": "chat", "chat_id": siti.id}
        await until(lambda: bool(tg.commands(scope=chat)))  # her menu follows the welcome
        menu = {c["command"]: c["description"] for c in tg.commands(scope=chat)}
        assert menu["berhenti"] == "mandhegaken pesen"
        assert menu["batal"] == "batalaken laporan"

        clock.set(MONDAY)  # the cohort's round opens
        first = await said(siti, "Halo, Siti Rahayu! Sampun wancine laporan Kabar")
        assert "\n\nNapa sampeyan produksi napa-napa" in first.text  # one message
        assert first.buttons == [["Nggih", "Mboten"]]
        await siti.press("Nggih")
        await said(siti, "Pinten ingkang sampeyan produksi? Ketik angka ing kg.")
        await siti.send_text("-5")
        again = await said(siti, "Pinten ingkang sampeyan produksi?")
        assert again.text.startswith("Angka mboten pareng negatif.\nConto: 5 utawi 2,5")
        await siti.send_text("2,5")
        await said(siti, "Pinten ingkang sampeyan sade?")
        await siti.send_text("2")
        await said(siti, "Pinten arta ingkang sampeyan tampi")
        await siti.send_text("150rb")
        offer = await said(siti, "Sawetawis produk sampeyan dereng payu.")  # 0,5 kg left over
        assert offer.buttons == [["Nggih", "Mboten"]]
        await siti.press("Nggih")
        problems = await said(siti, "Napa wonten ingkang dados alangan usaha sampeyan?")
        assert problems.buttons[-1] == ["Mboten wonten kendala"]
        await siti.press("Mboten wonten kendala")
        photo = await said(siti, "Menawi saged, kirim foto produk sampeyan.")
        assert photo.buttons == [["Liwati"]]
        await siti.press("Liwati")
        summary = await said(siti, "Monggo dipriksa wangsulan sampeyan:")
        assert "Asil produksi: 2,5 kg" in summary.text
        assert "Pangasilan: Rp150.000" in summary.text
        assert summary.buttons == [["✅ Kirim"], ["✏️ Gantos wangsulan"]]
        await siti.press("✅ Kirim")
        await said(siti, "Matur nuwun! Wangsulan sampeyan sampun disimpen.")

        await siti.send_command("dataku")
        data = await said(siti, "Data sampeyan ing Kabar:")
        assert "• Basa: Basa Jawa" in data.text
        assert "• Wangsulan laporan ingkang disimpen: 1" in data.text


async def test_a_family_the_roster_lists_as_javanese_reads_javanese(
    database_url: str, db: Database
) -> None:
    await seed_programme(db)  # Budi Maryam (KPM-03) is `jv` on the roster
    async with db.transaction() as session:
        # Linked and agreed before Javanese was offered: only the roster says `jv`.
        session.add(
            TelegramAccount(
                person_id="KPM-03",
                telegram_user_id=3102,
                chat_id=3102,
                linked_at=NOW,
                linked_by="invitation",
            )
        )
        budi = await session.get(Person, "KPM-03")
        assert budi is not None and budi.language == "jv"
        budi.consent_at = NOW
    clock = FakeClock(NOW + timedelta(hours=1))
    async with FakeTelegram() as tg, kabar(tg, database_url, clock):
        budi_tg = tg.user(3102, first_name="Budi", language_code="id")  # his phone: Indonesian
        await budi_tg.send_command("bantuan")
        await said(budi_tg, "Cara kerja Kabar:\n• Kala-kala Kabar tanglet")
        clock.set(MONDAY)
        opened = await said(budi_tg, "Halo, Budi Maryam! Sampun wancine laporan Kabar")
        assert "\n\nNapa sampeyan produksi napa-napa" in opened.text

        clock.set(MONDAY + timedelta(hours=25))  # a day without an answer
        reminder = await said(budi_tg, "Pangeling saking Kabar")
        assert "\n\nNapa sampeyan produksi napa-napa" in reminder.text  # one message

        await budi_tg.send_text("mangan")
        await said(budi_tg, "Monggo pencet salah setunggal tombol ing ngandhap, utawi ketik")
        await budi_tg.send_command("dataku")
        data = await said(budi_tg, "Data sampeyan ing Kabar:")
        assert "• Basa: Basa Jawa" in data.text
        await budi_tg.send_command("batal")
        await said(budi_tg, "Laporan dibatalaken")
        await budi_tg.send_command("berhenti")
        await said(budi_tg, "Kabar mboten badhe ngirim pesen malih.")
        await budi_tg.send_command("mulai")
        await said(budi_tg, "Sugeng wangsul!")


async def test_a_facilitator_who_chooses_basa_jawa_gets_their_alerts_in_javanese(
    database_url: str, db: Database
) -> None:
    """From the welcome to the alert card and its buttons, one language: the welcome and
    the card were Indonesian after a Javanese consent, and /bantuan mixed the two."""
    await seed_programme(db)
    clock = FakeClock(NOW + timedelta(hours=1))
    async with FakeTelegram() as tg, kabar(tg, database_url, clock):
        wagiyem = tg.user(3201, first_name="Wagiyem", language_code="id")
        siti = tg.user(3203, first_name="Siti", language_code="id")
        welcome = await register_in_javanese(wagiyem, CODES["PDP-01"])
        assert welcome.startswith(
            "Matur nuwun, Wagiyem Sulistyo! Sampeyan sampun kadaftar dados pendamping."
        )
        await wagiyem.send_command("bantuan")
        help_text = await said(wagiyem, "Kabar kangge pendamping, koordinator lan petugas program.")
        assert "/peserta – kulawarga dampingan kula lan statusipun" in help_text.text
        assert "/dataku – data kula ing Kabar" in help_text.text

        await register(siti, CODES["KPM-01"])
        clock.set(MONDAY)
        await said(siti, "Apakah Anda memproduksi")
        await siti.send_command("tolong")
        card = await said(wagiyem, "⚠️ Siti Rahayu (KPM-01), Jorongan\nnyuwun bantuan")
        assert "Laporan pungkasan:\nDereng wonten laporan." in card.text
        assert card.buttons == [
            ["📞 Sampun dipun hubungi", "🏠 Badhe dipun rawuhi"],
            ["✅ Sampun rampung", "📝 Tambah cathetan"],
        ]
        await wagiyem.press("📞 Sampun dipun hubungi")
        await said(wagiyem, "→ 📞 Sampun dipun hubungi dening Wagiyem Sulistyo")
        await wagiyem.press("📝 Tambah cathetan")
        await said(wagiyem, "Serat cathetan sampeyan babagan kulawarga punika")
        await wagiyem.send_text("Sampun kula telpon")
        await said(wagiyem, "Cathetan sampun dipun simpen.")

        # Their families and their alerts, every day's commands.
        await wagiyem.send_command("peserta")
        listed = await said(wagiyem, "Kulawarga dampingan sampeyan: 3\n🟢 Aktif: 3")
        assert "Kaca 1 saking 1. Kirim /peserta lajeng nami utawi ID" in listed.text
        await wagiyem.send_command("peserta", "siti")
        history = await said(wagiyem, "Siti Rahayu (KPM-01)\n• Desa: Jorongan")
        assert "Peringatan ingkang taksih bikak:\n• nyuwun bantuan (wiwit 12 Jan)" in history.text
        await wagiyem.send_command("peringatan")
        await said(wagiyem, "Peringatan ingkang taksih bikak kangge sampeyan: 1.")


async def test_a_javanese_facilitator_reads_the_figures_stock_and_digest_in_javanese(
    database_url: str, db: Database
) -> None:
    """/laporan (figures, chart, change against the start, graduation review), /stok and the
    Monday digest, in the facilitator's Basa Jawa: they were Indonesian, under a Javanese
    welcome and Javanese alert cards."""
    await seed_programme(db)
    clock = FakeClock(NOW + timedelta(hours=1))
    async with FakeTelegram() as tg, kabar(tg, database_url, clock):
        wagiyem = tg.user(3201, first_name="Wagiyem", language_code="id")
        siti = tg.user(3203, first_name="Siti", language_code="id")
        john = tg.user(3205, first_name="John", language_code="id")
        await register_in_javanese(wagiyem, CODES["PDP-01"])
        await register(siti, CODES["KPM-01"])
        await register(john, CODES["KPM-02"])

        clock.set(MONDAY)
        await answer_producing(siti, produced="6 kg", sold="2", income="50rb", offer="Ya")
        await answer_producing(john, produced="3 kg", sold="1", income="25rb", offer="Tidak")
        start = len(wagiyem.transcript())
        await wagiyem.send_command("laporan")
        figures = await said(wagiyem, "📊 Angka program: kulawarga dampingan sampeyan")
        assert "• Dipun tangleti 2, mangsuli 2: 100,0%" in figures.text.splitlines()
        await said(wagiyem, "📈 Owah-owahan dipun bandhingaken kaliyan wiwitan saben kulawarga")
        await wagiyem.send_command("stok")
        stock = await said(wagiyem, "Stok siap dipundhut, ingkang dipun tawakaken kulawarga:")
        assert "• pelepah-pisang-2026: 4 kg, wiwit 12 Jan 2026" in stock.text
        assert_golden("laporan_facilitator_jv.txt", render_entries(wagiyem.transcript()[start:]))

        # The next Monday's digest: a chart and a caption in Javanese.
        def digests() -> list[TranscriptEntry]:
            return [e for e in wagiyem.transcript()[start:] if e.kind == "photo"][1:]

        clock.set(MONDAY + timedelta(days=7))
        await until(lambda: bool(digests()))
        caption = digests()[0].text
        assert caption.startswith("Ringkesan mingguan, laporan pungkasan:"), caption
        assert caption.endswith("Kirim /peringatan kangge ningali."), caption
