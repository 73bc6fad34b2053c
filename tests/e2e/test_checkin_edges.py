"""Everything besides the happy path, end to end: odd answers, stale and forged buttons,
commands in the middle of a check-in, restarts, registration refusals, pausing.

Each bad input must get a clear answer in the person's language and lose nothing. The tests
are few and long on purpose: each one starts `kabar run` once and drives many behaviours.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.db.database import Database
from bot.db.models import (
    Attachment,
    AuditEntry,
    FollowUpRecord,
    Invitation,
    ParticipantStatus,
    Person,
    RecordStatus,
    Role,
)
from bot.sandbox.fakeapi import FakeTelegram, FakeUser, TranscriptEntry
from tests.support.chat import kabar_command, said
from tests.support.process import KabarProcess
from tests.support.programme import CODES, COHORT, NOW, seed_programme

pytestmark = pytest.mark.e2e

PARTICIPANT_MENU = ["bantuan", "dataku", "berhenti", "mulai", "batal", "ulang", "tolong"]
STAFF_MENU = ["peserta", "peringatan", "laporan", "stok", "bantuan", "dataku", "berhenti", "mulai"]


async def register(user: FakeUser, code: str, *, english: bool = False) -> None:
    """Open the invitation link, choose the language, agree."""
    await user.send_command("start", code)
    await said(user, "Pilih bahasa")
    await user.press("English" if english else "Bahasa Indonesia")
    await said(user, "Do you agree?" if english else "Apakah Anda setuju?")
    await user.press("I agree" if english else "Saya setuju")


async def callback_answer(user: FakeUser) -> str:
    entries = await user.replies_until(lambda e: e.kind == "callback_answer")
    return entries[-1].text


def button_data(entry: TranscriptEntry, row: int = 0, column: int = 0) -> str:
    return str(entry.raw["reply_markup"]["inline_keyboard"][row][column]["callback_data"])


async def record_of(db: Database, person_id: str) -> FollowUpRecord:
    async with db.sessions() as session:
        record = (
            await session.execute(
                select(FollowUpRecord).where(FollowUpRecord.person_id == person_id)
            )
        ).scalar_one()
        session.expunge(record)
        return record


async def until(condition: Callable[[], bool], timeout: float = 10.0) -> None:
    async with asyncio.timeout(timeout):
        while not condition():
            await asyncio.sleep(0.02)


def menu(tg: FakeTelegram, chat_id: int) -> list[str]:
    return [command["command"] for command in tg.commands_for_chat(chat_id)]


async def test_odd_answers_buttons_and_commands_in_the_middle_of_a_checkin(
    database_url: str, tmp_path: Path, db: Database
) -> None:
    await seed_programme(db, round_open=False)  # the round is the one staff open below
    async with FakeTelegram() as tg:
        kabar = KabarProcess(tg, database_url, tmp_path)
        await kabar.start()
        siti = tg.user(2001, first_name="Siti", language_code="id")
        john = tg.user(2002, first_name="John", language_code="en")
        await register(siti, CODES["KPM-01"])
        await said(siti, "Terima kasih, Siti Rahayu!")
        await register(john, CODES["KPM-02"], english=True)
        await said(john, "Thank you, John Purnomo!")
        assert "opened for 2 participants" in await kabar_command(
            database_url, tmp_path, "checkin", "send", "--cohort", COHORT
        )
        johns_question = await said(john, "Did you produce")
        first = await said(siti, "Apakah Anda memproduksi")

        # Help, an unknown command, /start with or without her link, her own contact and
        # /dataku: each gets its answer, then the same question again.
        await siti.send_command("bantuan")
        await said(siti, "Cara kerja Kabar")
        again = await said(siti, "Apakah Anda memproduksi")
        assert again.buttons == [["Ya", "Tidak"]]
        await siti.send_command("cuaca")  # no such command
        await said(siti, "Anda sedang mengisi laporan")
        await said(siti, "Apakah Anda memproduksi")
        await siti.send_command("start")
        await said(siti, "Halo, Siti Rahayu!")
        await said(siti, "Apakah Anda memproduksi")
        await siti.send_command("start", CODES["KPM-01"])  # her own link, tapped again
        await said(siti, "Anda sudah terdaftar, Siti Rahayu.")
        await said(siti, "Apakah Anda memproduksi")
        await siti.share_contact(phone="+6281300002001", user_id=2001)
        await said(siti, "Anda sudah terdaftar, Siti Rahayu.")
        await said(siti, "Apakah Anda memproduksi")
        await siti.send_command("dataku")
        await said(siti, "Data Anda di Kabar")
        await said(siti, "Apakah Anda memproduksi")
        await siti.send_location()
        reask = await said(siti, "Apakah Anda memproduksi")
        assert reask.text.startswith("Silakan ketuk salah satu tombol di bawah, atau ketik")
        await siti.press("Ya")
        await said(siti, "Berapa banyak yang Anda produksi")

        # A button from the question already answered, garbage data and a button of
        # John's session: refused, nothing said in the chat, nothing changed.
        await siti.press_data(button_data(first, 0, 1), message_id=first.message_id)  # "Tidak"
        assert await callback_answer(siti) == "Tombol ini sudah tidak berlaku."
        await siti.press_data("hello")
        assert await callback_answer(siti) == "Tombol ini sudah tidak berlaku."
        await siti.press_data(button_data(johns_question, 0, 0))
        assert await callback_answer(siti) == "Tombol ini bukan untuk Anda."
        await siti.assert_no_reply()
        assert (await record_of(db, "KPM-01")).produced is True
        await john.assert_no_reply()

        # Numbers: a photo (kept, thanked, asked again), an ambiguous, a too large, then one
        # that needs a check.
        await siti.send_photo()
        await said(siti, "Terima kasih! Kabar sudah menyimpannya")
        await said(siti, "Berapa banyak yang Anda produksi")
        await siti.send_text("1,500")
        reask = await said(siti, "Berapa banyak yang Anda produksi")
        assert reask.text.startswith(
            "Saya tidak yakin angka mana yang Anda maksud: 1,5 atau 1.500?"
        )
        await siti.send_text("20000")
        reask = await said(siti, "Berapa banyak yang Anda produksi")
        assert reask.text.startswith("Angka itu sepertinya terlalu besar.")
        await siti.send_text("2")
        await said(siti, "Berapa banyak yang terjual")
        await siti.send_sticker()
        await said(siti, "Berapa banyak yang terjual")
        await siti.send_text("1")
        await said(siti, "Berapa uang yang Anda terima")
        await siti.send_text("150 000")
        reask = await said(siti, "Berapa uang yang Anda terima")
        assert reask.text.startswith("Apakah maksud Anda 150.000? Jika ya, ketik 150.000.")
        await siti.send_text("150.000")
        await said(siti, "Bolehkah Kabar menawarkannya")  # 1 kg left over
        await siti.press("Tidak")

        # Two problems tapped before the first edit arrives (both presses carry the same
        # button token, and the session's revision moves in between): both are taken.
        await said(siti, "Apakah ada yang menghambat")
        await siti.press("Alat atau peralatan")
        await siti.press("Modal")
        await siti.replies_until(lambda e: e.kind == "edit")
        second_edit = (await siti.replies_until(lambda e: e.kind == "edit"))[-1]
        assert ["✅ Alat atau peralatan"] in second_edit.buttons
        assert ["✅ Modal"] in second_edit.buttons
        await siti.send_sticker()
        await said(siti, "Ketuk atau ketik setiap jawaban yang sesuai")
        await siti.press("Selesai")

        # The note: a location is refused, a voice note is kept as an attachment.
        await said(siti, "Ceritakan sedikit")
        await siti.send_location()
        reask = await said(siti, "Ceritakan sedikit")
        assert reask.text.startswith("Itu tidak bisa saya pakai di sini.")
        await siti.send_voice()
        await said(siti, "dihubungi pendamping")
        await siti.press("Tidak")

        # The photo: text and a sticker are refused; then /batal keeps what was given.
        await said(siti, "kirim foto produk")
        await siti.send_text("fotonya besok ya")
        reask = await said(siti, "kirim foto produk")
        assert reask.text.startswith("Silakan kirim foto, atau ketuk “Lewati”.")
        await siti.send_sticker()
        await said(siti, "Silakan kirim foto")
        await siti.send_command("batal")
        await said(siti, "Laporan dibatalkan; jawaban yang sudah Anda berikan tetap disimpan.")
        await siti.press("Lewati")  # the photo question's button, now dead
        assert await callback_answer(siti) == "Tombol ini sudah tidak berlaku."
        await siti.send_command("batal")
        await said(siti, "Saat ini tidak ada laporan yang dibuka.")
        # Her facilitator is not on Telegram, so nobody is said to have been told.
        await siti.send_command("berhenti")
        paused = await said(siti, "Kabar tidak akan mengirim pesan lagi.")
        assert "Pendamping" not in paused.text

        partial = await record_of(db, "KPM-01")
        assert partial.status is RecordStatus.PARTIAL
        assert partial.produced is True
        assert partial.quantity_produced == Decimal(2)
        assert partial.quantity_sold == Decimal(1)
        assert partial.revenue_idr == 150_000
        assert partial.problems == ["tools", "capital"]
        assert partial.needs_help is False
        async with db.sessions() as session:
            attachments = (
                (await session.execute(select(Attachment).where(Attachment.person_id == "KPM-01")))
                .scalars()
                .all()
            )
            forged = (
                (
                    await session.execute(
                        select(AuditEntry).where(AuditEntry.action == "button.forged")
                    )
                )
                .scalars()
                .all()
            )
        assert [(a.kind, a.purpose) for a in attachments] == [
            ("photo", "sent_unasked"),
            ("voice", "problem_note"),
        ]
        assert [(e.actor, e.subject) for e in forged] == [("KPM-01", "KPM-02")]

        # John: /ulang starts over, clears the record's answers and takes his voice note
        # off the record (the file itself is kept).
        await john.press("Yes")
        await said(john, "How much did you produce")
        await john.send_text("3")
        await said(john, "How much of it did you sell")
        await john.send_text("1")
        await said(john, "How much money")
        await john.send_text("10rb")
        await said(john, "Shall Kabar offer it to buying partners")
        await john.press("Yes")
        await said(john, "holding your business back")
        await john.press("Raw material")
        await john.replies_until(lambda e: e.kind == "edit")
        await john.press("Done")
        await said(john, "Tell us a little more")
        await john.send_voice()
        await said(john, "Would you like your facilitator")
        await john.send_command("ulang")
        await said(john, "Did you produce")
        cleared = await record_of(db, "KPM-02")
        assert (cleared.produced, cleared.quantity_produced, cleared.revenue_idr) == (None,) * 3
        assert (cleared.problems, cleared.problem_note) == ([], None)
        async with db.sessions() as session:
            voice = (
                await session.execute(select(Attachment).where(Attachment.person_id == "KPM-02"))
            ).scalar_one()
        assert voice.kind == "voice" and voice.record_id is None
        await john.press("Yes")
        await said(john, "How much did you produce")

        # SIGTERM in the middle; after the restart the same question takes the answer.
        assert await kabar.stop() == 0
        await kabar.start()
        await john.send_text("4 kg")
        await said(john, "How much of it did you sell")
        await john.send_text("0")
        await said(john, "Shall Kabar offer it to buying partners")
        await john.press("No")
        await said(john, "holding your business back")
        await john.press("No problems")
        await said(john, "send a photo")
        await john.send_photo()
        summary = await said(john, "Please check your answers")
        assert "4 kg" in summary.text
        await john.press("✅ Send")
        await said(john, "Thank you! Your answers are saved")
        assert await kabar.stop() == 0

    answered = await record_of(db, "KPM-02")
    assert answered.status is RecordStatus.ANSWERED
    assert (answered.produced, answered.quantity_produced) == (True, Decimal(4))
    assert answered.quantity_sold == Decimal(0)


async def test_registration_refusals_menus_consent_and_pausing(
    database_url: str, tmp_path: Path, db: Database
) -> None:
    await seed_programme(db)
    async with db.transaction() as session:
        person = Person(
            id="KPM-04",
            role=Role.PARTICIPANT,
            name="Sari Wulandari",
            phone="+6281300002004",
            village="Jorongan",
            supervisor_id="PDP-01",
            created_at=NOW,
            updated_at=NOW,
            attributes={},
        )
        session.add(person)
        await session.flush()
        session.add(
            Invitation(
                person_id="KPM-04",
                code="sari4-aaaaa-bbbbb-ccccc",
                created_at=NOW,
                expires_at=datetime.now(UTC) - timedelta(days=1),
            )
        )
    async with FakeTelegram() as tg:
        kabar = KabarProcess(tg, database_url, tmp_path)
        await kabar.start()
        wagiyem = tg.user(3001, first_name="Wagiyem", language_code="id")
        siti = tg.user(2001, first_name="Siti", language_code="id")
        john = tg.user(2002, first_name="John", language_code="en")
        budi = tg.user(2003, first_name="Budi", language_code="id")
        sari = tg.user(2004, first_name="Sari", language_code="id")
        stranger = tg.user(2999, first_name="Tono", language_code="id", phone="+62 899-1234-5678")

        # The facilitator and a participant each get their own command menu.
        await register(wagiyem, CODES["PDP-01"])
        await said(wagiyem, "Anda terdaftar sebagai pendamping")
        await register(siti, CODES["KPM-01"])
        await said(siti, "Terima kasih, Siti Rahayu!")
        await until(lambda: all(tg.commands({"type": "chat", "chat_id": c}) for c in (3001, 2001)))
        assert menu(tg, 3001) == STAFF_MENU
        assert menu(tg, 2001) == PARTICIPANT_MENU

        # An unknown command during onboarding is not called a check-in; declining consent
        # pauses, and the facilitator is told.
        await budi.send_command("start", CODES["KPM-03"])
        await said(budi, "Pilih bahasa")
        await budi.press("Bahasa Indonesia")
        await said(budi, "Apakah Anda setuju?")
        await budi.send_command("cuaca")  # no such command
        await said(budi, "Maaf, saya tidak mengerti.")
        await said(budi, "Apakah Anda setuju?")
        await budi.press("Saya tidak setuju")
        await said(budi, "Kabar tidak akan mengirim pesan kepada Anda. Jika berubah pikiran")
        await said(wagiyem, "Budi Maryam (KPM-03, Clarak) sudah mendaftar tetapi tidak setuju")

        # Codes that cannot be used say why, and to ask the facilitator: never who that is,
        # since whoever sent the code may not be the person it was for.
        await sari.send_command("start", "sari4-aaaaa-bbbbb-ccccc")
        expired = await said(sari, "Undangan ini sudah kedaluwarsa.")
        assert (
            expired.text
            == "Undangan ini sudah kedaluwarsa. Minta yang baru kepada pendamping Anda."
        )
        await stranger.send_command("start", "nope0-aaaaa-bbbbb-ccccc")
        unknown = await said(stranger, "Kode undangan ini tidak dikenal.")
        assert "Pendamping Anda:" not in unknown.text
        await stranger.share_contact()
        await said(stranger, "Nomor +62 899-1234-5678 tidak ada dalam daftar program.")
        # Siti's account tries John's code: refused, and the code stays John's.
        await siti.send_command("start", CODES["KPM-02"])
        await said(siti, "Akun Telegram ini sudah terdaftar untuk orang lain.")
        await register(john, CODES["KPM-02"], english=True)
        await said(john, "Thank you, John Purnomo!")

        # /berhenti pauses and tells the facilitator; /dataku shows it, in Indonesian.
        await siti.send_command("berhenti")
        await said(siti, "Kabar tidak akan mengirim pesan lagi.")
        await said(wagiyem, "Siti Rahayu (KPM-01, Jorongan) berhenti menerima pesan")
        await siti.send_command("berhenti")
        await said(siti, "Pesan sudah dihentikan.")
        await siti.send_command("dataku")
        data = await said(siti, "Data Anda di Kabar")
        assert "• Pesan: dihentikan" in data.text
        assert "• Pendamping: Wagiyem Sulistyo" in data.text

        # A round skips the paused and those who did not agree.
        assert "opened for 1 participants" in await kabar_command(
            database_url, tmp_path, "checkin", "send", "--cohort", COHORT
        )
        await said(john, "Did you produce")
        await siti.assert_no_reply(within=0.5)
        await budi.assert_no_reply(within=0.1)

        # /mulai resumes and tells the facilitator; John's /dataku is in English.
        await siti.send_command("mulai")
        await said(siti, "Selamat datang kembali!")
        await said(wagiyem, "Siti Rahayu (KPM-01, Jorongan) menerima pesan dari Kabar lagi.")
        await john.send_command("dataku")
        mine = await said(john, "What Kabar holds about you")
        assert "• Messages: on" in mine.text
        assert "• Name: John Purnomo" in mine.text
        await said(john, "Did you produce")  # and his check-in carries on

        # Who declined at first and then asks for messages is shown the data notice again;
        # agreeing to it turns messages on, with the participant menu and the open round.
        await budi.send_command("mulai")
        await said(budi, "Apakah Anda setuju?")
        await budi.press("Saya setuju")
        await said(budi, "Selamat datang kembali!")
        await said(budi, "Apakah Anda memproduksi")
        await said(wagiyem, "Budi Maryam (KPM-03, Clarak) menerima pesan dari Kabar lagi.")
        await until(lambda: bool(tg.commands({"type": "chat", "chat_id": 2003})))
        assert menu(tg, 2003) == PARTICIPANT_MENU
        assert await kabar.stop() == 0

    async with db.sessions() as session:
        statuses = {
            p.id: p.status
            for p in (await session.execute(select(Person).where(Person.role == Role.PARTICIPANT)))
            .scalars()
            .all()
        }
    assert statuses["KPM-01"] is ParticipantStatus.ACTIVE
    assert statuses["KPM-03"] is ParticipantStatus.ACTIVE
