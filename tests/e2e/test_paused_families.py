"""Families who said no, by mistake or on purpose: typed consent as people write it, and a
paused family who writes, taps their link or /start is told how to turn messages back on
(it used to hear "Kabar will ask on schedule" or "not understood"). Kabar runs in this
process on a fake clock, against the fake Bot API (as in test_escalation.py)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from bot.db.database import Database
from bot.db.models import Attachment, Conversation, ParticipantStatus, Person
from bot.lib.clock import FakeClock
from bot.sandbox.fakeapi import FakeTelegram, FakeUser
from tests.e2e.test_escalation import MONDAY, kabar
from tests.support.chat import said
from tests.support.programme import CODES, NOW, seed_programme

pytestmark = pytest.mark.e2e


async def attachments_of(db: Database, person_id: str) -> int:
    async with db.sessions() as session:
        count = await session.scalar(
            select(func.count()).select_from(Attachment).where(Attachment.person_id == person_id)
        )
    return count or 0


# How a paused family is answered: Kabar reads nothing until /mulai.
PAUSED = "Saat ini Kabar tidak mengirim laporan kepada Anda"


async def consent_of(db: Database, person_id: str) -> tuple[object, ParticipantStatus]:
    async with db.sessions() as session:
        person = await session.get(Person, person_id)
        assert person is not None
        return person.consent_at, person.status


async def answers_of(db: Database, person_id: str) -> dict[str, object]:
    """The answers held in the family's latest check-in."""
    async with db.sessions() as session:
        state = await session.scalar(
            select(Conversation.state)
            .where(Conversation.person_id == person_id, Conversation.flow == "checkin")
            .order_by(Conversation.id.desc())
            .limit(1)
        )
    return dict((state or {}).get("answers", {}))


async def sign_up(user: FakeUser, person_id: str, language: str, consent: str) -> None:
    """Their invitation link, then the language and the consent typed as they would."""
    await user.send_command("start", CODES[person_id])
    await said(user, "Pilih bahasa / Choose your language:")
    await user.send_text(language)
    await said(user, "setuju?")
    await user.send_text(consent)


@asynccontextmanager
async def at_the_notice_again(
    database_url: str, db: Database, user_id: int
) -> AsyncIterator[FakeUser]:
    """Siti (KPM-01) declined at registration, then sent /mulai: the data notice is open
    again; Kabar runs until the block ends."""
    await seed_programme(db)
    clock = FakeClock(NOW + timedelta(hours=1))
    async with FakeTelegram() as tg, kabar(tg, database_url, clock):
        siti = tg.user(user_id, first_name="Siti", language_code="id")
        await sign_up(siti, "KPM-01", "indonesia", "tidak setuju")
        await said(siti, "Kabar tidak akan mengirim pesan kepada Anda.")
        await siti.send_command("mulai")
        await said(siti, "Apakah Anda setuju?")
        yield siti


async def agrees_to_the_notice(siti: FakeUser, db: Database) -> None:
    """ "I agree" on the notice shown last: her messages are on again."""
    await siti.press("Saya setuju")
    await said(siti, "Selamat datang kembali!")
    consent_at, status = await consent_of(db, "KPM-01")
    assert consent_at is not None and status is ParticipantStatus.ACTIVE


async def at_the_first_question(siti: FakeUser, clock: FakeClock) -> None:
    """Signed up, then asked the first question of Monday's check-in."""
    await sign_up(siti, "KPM-01", "indonesia", "setuju")
    await said(siti, "Terima kasih, Siti Rahayu! Anda sudah terdaftar.")
    clock.set(MONDAY)
    await said(siti, "Apakah Anda memproduksi")


async def test_typed_consent_and_a_paused_family_know_where_they_stand(
    database_url: str, db: Database
) -> None:
    await seed_programme(db)
    clock = FakeClock(NOW + timedelta(hours=1))
    async with FakeTelegram() as tg, kabar(tg, database_url, clock):
        # "nggih setuju" (yes, agree) was read as "nggak setuju" (do not agree).
        budi = tg.user(3303, first_name="Budi", language_code="jv")
        await sign_up(budi, "KPM-03", "jowo", "nggih setuju")
        await said(budi, "Matur nuwun, Budi Maryam! Sampeyan sampun kadaftar.")

        siti = tg.user(3301, first_name="Siti", language_code="id")
        await sign_up(siti, "KPM-01", "indonesia", "iya bu")  # said as to a person
        await said(siti, "Terima kasih, Siti Rahayu! Anda sudah terdaftar.")

        # Siti stops messages; what she writes, sends or taps next says how to resume.
        await siti.send_command("berhenti")
        await said(siti, "Kabar tidak akan mengirim pesan lagi.")
        await siti.send_text("5 kg")
        paused = await said(siti, "Saat ini Kabar tidak mengirim laporan kepada Anda")
        assert "/mulai" in paused.text and "/tolong" in paused.text
        await siti.send_command("start")
        hello = await said(siti, "Halo, Siti Rahayu!")
        assert "/mulai" in hello.text
        assert "akan menanyakan" not in hello.text and "sesuai jadwal" not in hello.text
        await siti.send_command("start", CODES["KPM-01"])  # her invitation, tapped again
        await said(siti, "Anda sudah terdaftar, Siti Rahayu.")
        await said(siti, "Kirim /mulai kapan saja bila ingin ditanya laporan lagi.")

        # Budi in Javanese, after /berhenti.
        await budi.send_command("berhenti")
        await said(budi, "Kabar mboten badhe ngirim pesen malih.")
        await budi.send_text("nggih")
        await said(budi, "Sakniki Kabar mboten ngirim laporan dhateng sampeyan")
        await budi.send_command("start")
        await said(budi, "Halo, Budi Maryam! Sakniki Kabar mboten ngirim pesen")

        await siti.send_command("mulai")
        await said(siti, "Selamat datang kembali!")
        clock.set(MONDAY)
        await said(siti, "Apakah Anda memproduksi")

        # Stopped in the middle of a check-in: help and /dataku do not ask its question
        # again (they did); /mulai does.
        await siti.send_command("berhenti")
        await said(siti, "Kabar tidak akan mengirim pesan lagi.")
        await siti.send_command("bantuan")
        await said(siti, "Cara kerja Kabar")
        await siti.send_command("dataku")
        await said(siti, "Data Anda di Kabar")
        await siti.assert_no_reply(within=1.0)
        await siti.send_command("mulai")
        await said(siti, "Selamat datang kembali!")
        await said(siti, "Apakah Anda memproduksi")


async def test_who_declined_at_registration_is_told_how_to_join_and_nothing_is_kept(
    database_url: str, db: Database
) -> None:
    await seed_programme(db)
    clock = FakeClock(NOW + timedelta(hours=1))
    async with FakeTelegram() as tg, kabar(tg, database_url, clock):
        siti = tg.user(3401, first_name="Siti", language_code="id")
        await sign_up(siti, "KPM-01", "Bahasa Indonesia", "Saya tidak setuju")
        await said(siti, "Kabar tidak akan mengirim pesan kepada Anda.")
        # A photo and a voice note from someone who declined are not stored.
        await siti.send_photo(caption="ini produk saya")
        await said(siti, "Saat ini Kabar tidak mengirim laporan kepada Anda")
        await siti.send_voice()
        await said(siti, "Saat ini Kabar tidak mengirim laporan kepada Anda")
        assert await attachments_of(db, "KPM-01") == 0
        # /mulai is not agreeing to the data notice: she is shown it again, as at
        # registration, and only "I agree" turns her messages on (it used to at once).
        await siti.send_command("mulai")
        notice = await said(siti, "Apakah Anda setuju?")
        assert "Sebelum mulai, tentang data Anda" in notice.text
        assert "Selamat datang kembali" not in "".join(e.text for e in siti.transcript())
        assert await consent_of(db, "KPM-01") == (None, ParticipantStatus.PAUSED)
        await siti.press("Saya tidak setuju")
        await said(siti, "Kabar tidak akan mengirim pesan kepada Anda.")
        assert await consent_of(db, "KPM-01") == (None, ParticipantStatus.PAUSED)
        await siti.send_photo()
        await said(siti, "Saat ini Kabar tidak mengirim laporan kepada Anda")
        assert await attachments_of(db, "KPM-01") == 0
        await siti.send_command("mulai")
        await said(siti, "Apakah Anda setuju?")
        await siti.send_text("iya setuju")
        await said(siti, "Selamat datang kembali!")
        consent_at, status = await consent_of(db, "KPM-01")
        assert consent_at is not None and status is ParticipantStatus.ACTIVE
        await siti.send_photo()
        await said(siti, "Terima kasih! Kabar sudah menyimpannya")
        assert await attachments_of(db, "KPM-01") == 1


async def test_a_family_paused_mid_check_in_is_told_how_to_resume_and_nothing_is_taken(
    database_url: str, db: Database
) -> None:
    await seed_programme(db)
    clock = FakeClock(NOW + timedelta(hours=1))
    async with FakeTelegram() as tg, kabar(tg, database_url, clock):
        siti = tg.user(3501, first_name="Siti", language_code="id")
        await at_the_first_question(siti, clock)
        # Stopped at a question with buttons: a typed answer and a press of the old
        # check-in's button are answered with how to resume, and neither is taken.
        await siti.send_command("berhenti")
        await said(siti, "Kabar tidak akan mengirim pesan lagi.")
        await siti.send_text("ya")
        await said(siti, PAUSED)
        await siti.press("Ya")
        await said(siti, PAUSED)
        await siti.send_photo()  # nor is a photo kept
        await said(siti, PAUSED)
        await siti.assert_no_reply(within=0.5)
        assert await answers_of(db, "KPM-01") == {}
        assert await attachments_of(db, "KPM-01") == 0

        # /mulai: where she stopped. Stopped again after typing a number, an edit of it is
        # not taken either.
        await siti.send_command("mulai")
        await said(siti, "Apakah Anda memproduksi")
        await siti.press("Ya")
        await said(siti, "Berapa banyak yang Anda produksi")
        five = await siti.send_text("5")
        await said(siti, "Berapa banyak yang terjual")
        await siti.send_command("berhenti")
        await said(siti, "Kabar tidak akan mengirim pesan lagi.")
        await siti.edit_text(five["message_id"], "7")
        await said(siti, PAUSED)
        await siti.send_text("3")
        await said(siti, PAUSED)
        await siti.send_command("ulang")  # nor is the check-in started again
        await said(siti, PAUSED)
        await siti.send_command("start")  # not "here is its question again": it is not
        hello = await said(siti, "Halo, Siti Rahayu!")
        assert "/mulai" in hello.text and "sedang mengisi laporan" not in hello.text
        await siti.assert_no_reply(within=0.5)
        assert await answers_of(db, "KPM-01") == {"produced": "yes", "quantity_produced": "5"}
        await siti.send_command("mulai")
        await said(siti, "Berapa banyak yang terjual")


async def test_start_while_the_data_notice_is_open_shows_it_again(
    database_url: str, db: Database
) -> None:
    async with at_the_notice_again(database_url, db, 3601) as siti:
        # /start, /bantuan and her link tapped again, with the notice open: the notice
        # again under each, as /mulai shows it, not a greeting as a paused family (which
        # said "send /mulai" and left the notice behind).
        seen = len(siti.transcript())
        await siti.send_command("start")
        again = await said(siti, "Apakah Anda setuju?")
        assert "Sebelum mulai, tentang data Anda" in again.text
        await siti.send_command("bantuan")
        await said(siti, "Cara kerja Kabar")
        await said(siti, "Apakah Anda setuju?")
        await siti.send_command("start", CODES["KPM-01"])
        await said(siti, "Anda sudah terdaftar, Siti Rahayu.")
        await said(siti, "Apakah Anda setuju?")
        for command in ("batal", "ulang"):  # not "no check-in open: Kabar will ask"
            await siti.send_command(command)
            await said(siti, "Apakah Anda setuju?")
        await siti.assert_no_reply(within=0.5)
        replies = "".join(e.text for e in siti.transcript()[seen:])
        assert "Halo" not in replies and "Kirim /mulai" not in replies
        assert PAUSED not in replies and "tidak ada laporan yang dibuka" not in replies
        assert await consent_of(db, "KPM-01") == (None, ParticipantStatus.PAUSED)
        # The notice shown last is the one she answers.
        await agrees_to_the_notice(siti, db)


async def test_cancel_from_a_family_paused_mid_check_in_is_told_how_to_resume(
    database_url: str, db: Database
) -> None:
    await seed_programme(db)
    clock = FakeClock(NOW + timedelta(hours=1))
    async with FakeTelegram() as tg, kabar(tg, database_url, clock):
        siti = tg.user(3701, first_name="Siti", language_code="id")
        await at_the_first_question(siti, clock)
        await siti.press("Ya")
        await said(siti, "Berapa banyak yang Anda produksi")
        await siti.send_command("berhenti")
        await said(siti, "Kabar tidak akan mengirim pesan lagi.")
        # /batal, as her answers and /ulang: how to resume, and the check-in is left where
        # it was (it was cancelled, with "send /ulang", which a paused family is refused).
        await siti.send_command("batal")
        await said(siti, PAUSED)
        await siti.assert_no_reply(within=0.5)
        assert "dibatalkan" not in "".join(e.text for e in siti.transcript())
        await siti.send_command("mulai")
        await said(siti, "Selamat datang kembali!")
        await said(siti, "Berapa banyak yang Anda produksi")
        assert await answers_of(db, "KPM-01") == {"produced": "yes"}
        # Once she receives messages again, /batal cancels as before.
        await siti.send_command("batal")
        await said(siti, "Laporan dibatalkan")


async def test_stopping_while_the_data_notice_is_open_closes_it(
    database_url: str, db: Database
) -> None:
    async with at_the_notice_again(database_url, db, 3701) as siti:
        # She changes her mind: messages stay stopped, and the notice is not asked again.
        seen = len(siti.transcript())
        await siti.send_command("berhenti")
        await said(siti, "Pesan sudah dihentikan. Kirim /mulai untuk menerimanya lagi.")
        await siti.assert_no_reply(within=0.5)
        assert "Apakah Anda setuju?" not in "".join(e.text for e in siti.transcript()[seen:])
        # What she types later is not taken as agreeing to the notice she left.
        await siti.send_text("iya setuju")
        await said(siti, PAUSED)
        assert await consent_of(db, "KPM-01") == (None, ParticipantStatus.PAUSED)
        # /mulai is still her way back.
        await siti.send_command("mulai")
        await said(siti, "Apakah Anda setuju?")
        await agrees_to_the_notice(siti, db)


async def test_stopping_while_signing_up_leaves_the_data_notice_unanswered(
    database_url: str, db: Database
) -> None:
    await seed_programme(db)
    clock = FakeClock(NOW + timedelta(hours=1))
    async with FakeTelegram() as tg, kabar(tg, database_url, clock):
        siti = tg.user(3801, first_name="Siti", language_code="id")
        await siti.send_command("start", CODES["KPM-01"])
        await said(siti, "Pilih bahasa / Choose your language:")
        await siti.send_text("indonesia")
        await said(siti, "Apakah Anda setuju?")
        await siti.send_command("berhenti")
        await said(siti, "Kabar tidak akan mengirim pesan lagi. Kirim /mulai kapan saja")
        await siti.send_text("iya setuju")
        await said(siti, PAUSED)
        await siti.press("Saya setuju")  # on the notice she left
        answer = await siti.replies_until(lambda e: e.kind == "callback_answer")
        assert answer[-1].text == "Tombol ini sudah tidak berlaku."
        await siti.assert_no_reply(within=0.5)
        assert (await consent_of(db, "KPM-01"))[0] is None
        await siti.send_command("mulai")
        await said(siti, "Apakah Anda setuju?")
        await agrees_to_the_notice(siti, db)
