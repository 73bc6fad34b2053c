"""/siaran end to end: Kabar runs in this process on a fake clock against the fake Bot API;
staff and coordinators write broadcasts with buttons, families receive them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from bot.db.database import Database
from bot.db.models import (
    AuditEntry,
    Broadcast,
    BroadcastStatus,
    OutboxMessage,
    ParticipantStatus,
    Person,
)
from bot.domain.broadcasts import choices, screens
from bot.domain.broadcasts.choices import Choice
from bot.domain.facilitators.views import STATUS_LABELS
from bot.lib import callback_data
from bot.lib.clock import FakeClock
from bot.lib.i18n import translator
from bot.sandbox.fakeapi import FakeTelegram, FakeUser, TranscriptEntry
from tests.domain.broadcasts.support import NOW, chat_of, seed_province
from tests.domain.facilitators.test_lookups import answers, edits
from tests.e2e.test_escalation import kabar, until
from tests.support.chat import said

pytestmark = pytest.mark.e2e

ID = translator("id")


def user(tg: FakeTelegram, pid: str, name: str) -> FakeUser:
    return tg.user(chat_of(pid), first_name=name, language_code="id", started=True)


async def siaran(who: FakeUser) -> None:
    """/siaran, and the audience menu it answers with."""
    await who.send_command("siaran")
    await said(who, "Siaran baru")


def last_edit(who: FakeUser) -> TranscriptEntry:
    return [e for e in who.transcript() if e.who == "bot" and e.kind == "edit"][-1]


async def pressed(who: FakeUser, label: str) -> TranscriptEntry:
    """Press an inline button and wait for the message it edits."""
    before = len(edits(who))
    await who.press(label)
    await until(lambda: len(edits(who)) > before)
    return last_edit(who)


async def toast_after(who: FakeUser, data: str, message_id: int | None = None) -> str:
    before = len(answers(who))
    await who.press_data(data, message_id=message_id)
    await until(lambda: len(answers(who)) > before)
    return answers(who)[-1]


async def draft_of(db: Database, pid: str) -> Broadcast:
    async with db.sessions() as session:
        found = await session.scalar(
            select(Broadcast).where(
                Broadcast.created_by_id == pid, Broadcast.status == BroadcastStatus.DRAFT
            )
        )
    assert found is not None
    return found


async def broadcasts(db: Database) -> list[Broadcast]:
    async with db.sessions() as session:
        found = await session.scalars(
            select(Broadcast).where(Broadcast.status != BroadcastStatus.DRAFT)
        )
        return list(found)


async def test_staff_send_to_a_cohort_see_the_preview_and_the_families_get_it(
    database_url: str, db: Database
) -> None:
    await seed_province(db)
    async with FakeTelegram() as tg, kabar(tg, database_url, FakeClock(NOW)):
        staff = user(tg, "STF-01", "Rina")
        siti, john = user(tg, "KPM-01", "Siti"), user(tg, "KPM-02", "John")

        await staff.send_command("siaran")
        menu = await said(staff, "📣 Siaran baru. Siapa yang akan menerimanya?")
        assert menu.buttons == [
            ["Semua", "Satu angkatan"],
            ["Satu kecamatan", "Satu desa"],
            ["Keluarga dampingan satu pendamping", "Keluarga dengan status tertentu"],
            ["Belum menjawab putaran ini", "Semua pendamping"],
            ["Batal"],
        ]
        cohorts = await pressed(staff, "Satu angkatan")
        assert cohorts.text == "📣 Satu angkatan: pilih salah satu."
        assert cohorts.buttons == [["kopi", "pisang"], ["‹ Kembali", "Batal"]]
        prompt = await pressed(staff, "pisang")
        assert prompt.text.startswith("📣 Sasaran: Satu angkatan: pisang.\nSekarang tulis teksnya")

        await staff.send_text("Halo {nama}, pengering tiba Kamis di balai desa.")
        sample = await said(staff, "Halo ")
        assert sample.text == "Halo Siti Rahayu, pengering tiba Kamis di balai desa."
        preview = await said(staff, "📣 Pratinjau")
        assert preview.text == (
            "📣 Pratinjau: di atas adalah pesan seperti yang akan dilihat Siti Rahayu.\n"
            "Sasaran: Satu angkatan: pisang\n"
            "Penerima: 2\n"
            "Dilewati: 2 (1 berhenti sementara, 1 tidak terjangkau)"
        )
        assert preview.buttons == [
            ["Kirim sekarang", "Jadwalkan"],
            ["Tambah bahasa lain", "Batal"],
        ]

        going = await pressed(staff, "Kirim sekarang")
        sent = (await broadcasts(db))[0]
        assert going.message_id == preview.message_id  # the preview becomes the progress
        assert going.text == "📣 Siaran " + str(sent.id) + " sedang dikirim ke 2 penerima."
        assert going.buttons == [["Batalkan siaran"]]
        assert (await said(siti, "pengering")).text == (
            "Halo Siti Rahayu, pengering tiba Kamis di balai desa."
        )
        assert (await said(john, "pengering")).text == (
            "Halo John Purnomo, pengering tiba Kamis di balai desa."
        )
        report = await said(staff, "📣 Siaran " + str(sent.id) + " selesai.")
        assert "Terkirim: 2\nDilewati: 2 (1 berhenti sementara, 1 tidak terjangkau)" in (
            report.text
        )
        assert (sent.created_by_id, sent.audience) == ("STF-01", "cohort=pisang")
        assert sent.progress_message_id == preview.message_id


async def test_a_coordinator_picks_only_from_their_district_and_a_forged_button_is_refused(
    database_url: str, db: Database
) -> None:
    await seed_province(db)
    async with FakeTelegram() as tg, kabar(tg, database_url, FakeClock(NOW)):
        staff = user(tg, "STF-01", "Rina")
        coordinator = user(tg, "KRD-01", "Arif")
        await siaran(staff)
        await siaran(coordinator)

        districts = await pressed(coordinator, "Satu kecamatan")
        assert districts.buttons == [["Leces"], ["‹ Kembali", "Batal"]]
        await pressed(coordinator, "‹ Kembali")
        facilitators = await pressed(coordinator, "Keluarga dampingan satu pendamping")
        assert facilitators.buttons == [["Wagiyem"], ["‹ Kembali", "Batal"]]

        # Forged: an index past the coordinator's own list, and the staff member's draft.
        draft = await draft_of(db, "KRD-01")
        theirs = await draft_of(db, "STF-01")
        assert await toast_after(coordinator, "s:" + str(draft.id) + ":i:1") == (
            "Tombol ini sudah tidak berlaku."
        )
        assert await toast_after(coordinator, "s:" + str(theirs.id) + ":k:all") == (
            "Tombol ini bukan untuk Anda."
        )
        async with db.sessions() as session:
            forged = await session.scalar(
                select(func.count())
                .select_from(AuditEntry)
                .where(AuditEntry.action == "button.forged", AuditEntry.actor == "KRD-01")
            )
        assert forged == 2
        assert (await draft_of(db, "KRD-01")).step == "f"  # nothing changed
        assert (await draft_of(db, "STF-01")).step == "audience"

        # "Everyone" for a coordinator is everyone in their district.
        await pressed(coordinator, "‹ Kembali")
        await pressed(coordinator, "Semua")
        await coordinator.send_text("Rapat kelompok Senin.")
        preview = await said(coordinator, "📣 Pratinjau")
        assert "Penerima: 2\nDilewati: 2" in preview.text  # not Komodo's family

        # A status nobody in the district has: one line, and the draft stays where it was.
        await siaran(coordinator)
        await pressed(coordinator, "Keluarga dengan status tertentu")
        await coordinator.press(ID.gettext(STATUS_LABELS[ParticipantStatus.NOT_PRODUCING]))
        await said(coordinator, "Tidak ada orang terdaftar yang cocok dengan sasaran ini")
        assert (await draft_of(db, "KRD-01")).step == "st"


async def test_participants_and_facilitators_cannot_broadcast(
    database_url: str, db: Database
) -> None:
    await seed_province(db)
    async with FakeTelegram() as tg, kabar(tg, database_url, FakeClock(NOW)):
        for pid, name in (("KPM-01", "Siti"), ("PDP-01", "Wagiyem")):
            who = user(tg, pid, name)
            await who.send_command("siaran")
            refusal = await said(who, "Maaf, /siaran untuk staf program dan koordinator.")
            assert "\n" not in refusal.text
            assert refusal.buttons == []
    async with db.sessions() as session:
        assert await session.scalar(select(func.count()).select_from(Broadcast)) == 0


async def test_a_time_in_the_past_is_refused_and_a_repeating_schedule_is_stored(
    database_url: str, db: Database
) -> None:
    await seed_province(db)
    async with FakeTelegram() as tg, kabar(tg, database_url, FakeClock(NOW)):
        staff = user(tg, "STF-01", "Rina")
        await siaran(staff)
        await pressed(staff, "Satu angkatan")
        await pressed(staff, "pisang")
        await staff.send_sticker()
        await said(staff, "Silakan tulis pengumumannya sebagai teks, atau kirim foto")
        # A word in braces Kabar does not fill in is pointed out before anything is sent.
        await staff.send_text("Pertemuan bulanan di balai {desa}.")
        preview = await said(staff, "📣 Pratinjau")
        assert preview.text.splitlines()[-1] == (
            "⚠️ Hanya {nama} yang diisi oleh Kabar: {desa} akan dikirim apa adanya."
        )
        draft = await draft_of(db, "STF-01")
        await staff.press("Jadwalkan")
        # The zone as staff say it (WIB), as `kabar cohort` shows it.
        await said(staff, "Kapan dikirim? Tulis tanggal dan jam menurut waktu WIB")

        await staff.send_text("2026-03-01 08:00")
        await said(staff, "2026-03-01 08:00 sudah lewat: berikan waktu yang akan datang.")
        await staff.send_text("besok pagi")
        await said(staff, "Tidak dapat membaca “besok pagi”: tulis tanggal dan jam")
        assert await broadcasts(db) == []
        assert (await draft_of(db, "STF-01")).step == "at"

        await staff.send_text("bulanan jumat terakhir 08:00")
        confirmed = await said(staff, "dijadwalkan pada")
        [made] = await broadcasts(db)
        assert confirmed.text == (
            "📣 Siaran " + str(made.id) + " dijadwalkan pada Jumat 27 Maret 2026 08:00 "
            "(WIB).\nLalu diulang: monthly last fri 08:00."
        )
        assert made.status is BroadcastStatus.SCHEDULED
        assert made.repeat == "monthly last fri 08:00"
        assert made.send_at.replace(tzinfo=UTC) == datetime(2026, 3, 27, 1, 0, tzinfo=UTC)
        assert made.progress_message_id == preview.message_id
        assert last_edit(staff).message_id == preview.message_id
        assert last_edit(staff).buttons == [["Batalkan siaran"]]
        async with db.sessions() as session:
            assert (
                await session.scalar(
                    select(func.count())
                    .select_from(OutboxMessage)
                    .where(OutboxMessage.broadcast_id.is_not(None))
                )
                == 0
            )
        # An old button of the finished draft does nothing.
        old = "s:" + str(draft.id) + ":go"
        assert await toast_after(staff, old, preview.message_id) == (
            "Tombol ini sudah tidak berlaku."
        )


async def test_another_language_and_a_photo_reach_each_family_in_theirs(
    database_url: str, db: Database
) -> None:
    await seed_province(db)
    clock = FakeClock(NOW)
    async with FakeTelegram() as tg:
        staff = user(tg, "STF-01", "Rina")
        siti, john = user(tg, "KPM-01", "Siti"), user(tg, "KPM-02", "John")
        async with kabar(tg, database_url, clock):
            await siaran(staff)
            await pressed(staff, "Satu desa")
            await pressed(staff, "Clarak")
            await staff.send_photo(caption="x" * 1100)
            await said(staff, "Keterangan foto panjangnya 1.100 karakter; Telegram menerima")
            await staff.send_photo(caption="Halo {nama}, ini alat pengering baru.")
            sample = await staff.replies_until(lambda e: e.kind == "photo")
            assert sample[-1].text == "Halo John Purnomo, ini alat pengering baru."
            await said(staff, "📣 Pratinjau")
            await staff.press("Tambah bahasa lain")
            languages = await said(staff, "Bahasa apa yang ingin Anda tambahkan?")
            assert languages.buttons == [["English", "Basa Jawa"], ["Batal"]]
            await pressed(staff, "English")

        # Kabar restarts: the draft is in the database, and waits for the English text.
        async with kabar(tg, database_url, clock):
            await staff.send_voice()
            await said(staff, "Silakan tulis teks untuk bahasa ini sebagai pesan")
            await staff.send_text("Hi {nama}, this is the new dryer.")
            english = await staff.replies_until(lambda e: e.kind == "photo")
            assert english[-1].text == "Hi John Purnomo, this is the new dryer."
            preview = await said(staff, "📣 Pratinjau")
            assert "Juga dalam: English" in preview.text
            assert "Penerima: 1\nDilewati: 2" in preview.text  # Budi paused, Ani unreachable
            await pressed(staff, "Kirim sekarang")

            got = await john.replies_until(lambda e: e.kind == "photo")
            assert got[-1].text == "Hi John Purnomo, this is the new dryer."
            await said(staff, "selesai.")
        assert all(e.who == "user" for e in siti.transcript())  # Jorongan: not Clarak


async def test_at_night_it_waits_for_the_morning_and_the_cancel_button_stops_it(
    database_url: str, db: Database
) -> None:
    await seed_province(db)
    night = datetime(2026, 3, 2, 15, 0, tzinfo=UTC)  # 22:00 in Jakarta: quiet hours
    clock = FakeClock(night)
    async with FakeTelegram() as tg, kabar(tg, database_url, clock):
        staff = user(tg, "STF-01", "Rina")
        coordinator = user(tg, "KRD-01", "Arif")
        siti = user(tg, "KPM-01", "Siti")
        await siaran(staff)
        await pressed(staff, "Satu angkatan")
        await pressed(staff, "pisang")
        await staff.send_text("Pasar murah Sabtu.")
        preview = await said(staff, "📣 Pratinjau")
        assert preview.text.endswith(
            "Ini jatuh pada jam tenang: pesan menunggu sampai Selasa 06:00."
        )
        await pressed(staff, "Kirim sekarang")
        [made] = await broadcasts(db)
        await until(lambda: "menunggu jam tenang berakhir" in last_edit(staff).text)
        assert last_edit(staff).text == (
            "📣 Siaran " + str(made.id) + " sedang dikirim: 0 terkirim, 2 lagi, 0 gagal.\n"
            "Sisanya menunggu jam tenang berakhir: dikirim mulai Selasa 06:00."
        )

        # Not the coordinator's broadcast: refused, whatever the button says.
        assert await toast_after(coordinator, "bx:" + str(made.id)) == (
            "Tombol ini bukan untuk Anda."
        )
        toasts = len(answers(staff))
        await staff.press("Batalkan siaran")
        await said(staff, "📣 Siaran " + str(made.id) + " dibatalkan: 0 sudah terkirim, 2 tidak")
        # That press's own answer first, so the next toast read is the second press's.
        await until(lambda: len(answers(staff)) > toasts)
        # Pressed again, the button says what became of it in the presser's words.
        assert await toast_after(staff, "bx:" + str(made.id)) == (
            "Siaran " + str(made.id) + " sudah dibatalkan: tidak ada lagi yang bisa dibatalkan."
        )
        clock.set(night + timedelta(hours=10))  # the morning
        await siti.assert_no_reply(within=1)
    async with db.sessions() as session:
        cancelled = await session.get(Broadcast, made.id)
        assert cancelled is not None and cancelled.status is BroadcastStatus.CANCELLED
        audited = await session.scalar(
            select(func.count())
            .select_from(AuditEntry)
            .where(AuditEntry.action == "broadcast.cancelled", AuditEntry.actor == "STF-01")
        )
    assert audited == 1


async def test_a_coordinator_who_reads_javanese_writes_and_follows_a_broadcast_in_javanese(
    database_url: str, db: Database
) -> None:
    """The audience buttons, the preview, the progress and the delivery report in the
    coordinator's Basa Jawa (they were Indonesian); each family still reads their own."""
    await seed_province(db)
    async with db.transaction() as session:
        arif = await session.get(Person, "KRD-01")
        assert arif is not None
        arif.language = "jv"
    async with FakeTelegram() as tg, kabar(tg, database_url, FakeClock(NOW)):
        coordinator = user(tg, "KRD-01", "Arif")
        siti, john = user(tg, "KPM-01", "Siti"), user(tg, "KPM-02", "John")
        await coordinator.send_command("siaran")
        menu = await said(coordinator, "📣 Siaran enggal. Sinten ingkang badhe nampi?")
        assert menu.buttons == [
            ["Sedaya", "Setunggal angkatan"],
            ["Setunggal kecamatan", "Setunggal desa"],
            ["Kulawarga dampingan setunggal pendamping", "Kulawarga kanthi status tartamtu"],
            ["Dereng mangsuli putaran punika", "Sedaya pendamping"],
            ["Batal"],
        ]
        villages = await pressed(coordinator, "Setunggal desa")
        assert villages.text == "📣 Setunggal desa: pilih salah setunggal."
        assert villages.buttons[-1] == ["‹ Wangsul", "Batal"]
        await pressed(coordinator, "‹ Wangsul")
        prompt = await pressed(coordinator, "Sedaya")
        assert prompt.text.startswith("📣 Sasaran: Sedaya.\nSakniki serat teksipun")

        await coordinator.send_text("Rapat kelompok Senin.")
        preview = await said(coordinator, "📣 Tampilan")
        assert preview.text == (
            "📣 Tampilan: ing nginggil punika pesenipun kados ingkang badhe dipun tingali "
            "Siti Rahayu.\n"
            "Sasaran: Sedaya\n"
            "Ingkang nampi: 2\n"
            "Dipun liwati: 2 (1 mandhegaken pesen, 1 mboten saged dipun hubungi)"
        )
        assert preview.buttons == [
            ["Kirim sakniki", "Jadwalaken"],
            ["Tambah basa sanes", "Batal"],
        ]
        going = await pressed(coordinator, "Kirim sakniki")
        [sent] = await broadcasts(db)
        assert going.text == "📣 Siaran " + str(sent.id) + " nembe dipun kirim dhateng 2 tiyang."
        assert going.buttons == [["Batalaken siaran"]]
        assert (await said(siti, "Rapat")).text == "Rapat kelompok Senin."
        assert (await said(john, "Rapat")).text == "Rapat kelompok Senin."
        report = await said(coordinator, "📣 Siaran " + str(sent.id) + " sampun rampung.")
        assert report.text.splitlines()[1:] == [
            "Dumugi: 2",
            "Dipun liwati: 2 (1 mandhegaken pesen, 1 mboten saged dipun hubungi)",
            "Ngeblokir bot nalika dipun kirim: 0",
            "Gagal: 0",
            "Sinten ingkang mboten nampi, lan napa sebabipun: kabar broadcast status "
            + str(sent.id),
        ]


def test_a_long_list_is_paged_and_each_button_names_its_index_in_the_whole_list() -> None:
    draft = Broadcast(id=7)
    values = [Choice("Desa " + str(n), "Desa " + str(n)) for n in range(30)]
    text, first = screens.page(draft, choices.VILLAGE, values, 0, ID)
    assert text == "📣 Satu desa: pilih salah satu."
    assert sum(len(row) for row in first[:-2]) == choices.PAGE_SIZE
    assert [b.text for b in first[-2]] == ["›"]
    _, second = screens.page(draft, choices.VILLAGE, values, 1, ID)
    assert [b.data for b in second[0]] == ["s:7:i:24", "s:7:i:25"]
    assert [b.text for b in second[-2]] == ["‹"]
    assert callback_data.draft("s:7:i:24") == callback_data.DraftPress(7, "i", "24")
    assert callback_data.draft("s:99999999999:go") is None


async def test_each_village_its_own_figures_is_refused_before_any_round_closed(
    database_url: str, db: Database
) -> None:
    await seed_province(db)
    async with FakeTelegram() as tg, kabar(tg, database_url, FakeClock(NOW)):
        staff = user(tg, "STF-01", "Rina")
        await siaran(staff)
        await pressed(staff, ID.gettext(choices.KIND_LABELS[choices.EVERYONE]))
        await staff.press(ID.gettext(screens.RESULTS))
        refusal = await said(staff, "Belum ada desa")
        assert "\n" not in refusal.text
    draft = await draft_of(db, "STF-01")
    assert (draft.kind, draft.step) == ("text", "text")
