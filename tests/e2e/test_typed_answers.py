"""Answers as families type them, end to end: the invitation code typed as text, a
language's name, "iya" and "gak", Javanese number words, button labels typed (misspelt, in
any case), and the one question asked about an amount that is probably mistyped."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import delete, select

from bot.db.database import Database
from bot.db.models import Conversation, Invitation
from bot.sandbox.fakeapi import FakeTelegram, FakeUser, TranscriptEntry
from tests.e2e.test_checkin_edges import record_of
from tests.support.chat import kabar_command, said, settled
from tests.support.process import KabarProcess
from tests.support.programme import COHORT, invite, seed_programme

pytestmark = pytest.mark.e2e

# Codes as Kabar makes them (Crockford's alphabet), for people to type from their card.
SITI_CODE = "7k3mx-q9tz2-hw4ra-b8nd5"
BUDI_CODE = "m2v8c-x4pq7-r9kt3-hd6ws"


async def seed(db: Database) -> None:
    await seed_programme(db, round_open=False)  # the round is the one staff open
    async with db.transaction() as session:
        # The cards Siti and Budi hold, in place of the fixed test codes.
        owners = Invitation.person_id.in_(["KPM-01", "KPM-03"])
        await session.execute(delete(Invitation).where(owners))
        invite(session, {"KPM-01": SITI_CODE, "KPM-03": BUDI_CODE})


async def edit_of(user: FakeUser) -> TranscriptEntry:
    return (await user.replies_until(lambda e: e.kind == "edit"))[-1]


async def test_typed_answers_do_what_the_buttons_do(
    database_url: str, tmp_path: Path, db: Database
) -> None:
    await seed(db)
    async with FakeTelegram() as tg, KabarProcess(tg, database_url, tmp_path):
        siti = tg.user(2001, first_name="Siti", language_code="id")
        budi = tg.user(2003, first_name="Budi", language_code="id")
        stranger = tg.user(2999, first_name="Tono", language_code="id")

        # The code from the card, typed: capitals, spaces for dashes. A wrong one is told
        # what a code looks like; text that is no code gets the usual welcome.
        await stranger.send_text("7K3MX Q9TZ2 HW4RA B8ND6")
        wrong = await said(stranger, "kode undangan")
        assert "20 huruf dan angka, misalnya ab3de-fg4hj-k5mn6-p7qr8" in wrong.text
        await stranger.send_text("halo")
        await said(stranger, "Halo! Ini Kabar")
        await siti.send_text(" 7K3MX Q9TZ2 HW4RA B8ND5 ")
        await said(siti, "Pilih bahasa")
        # The language by its name; consent by a word.
        await siti.send_text("indonesia")
        await said(siti, "Apakah Anda setuju?")
        await siti.send_text("setuju")
        await said(siti, "Terima kasih, Siti Rahayu!")
        # Budi types his code without dashes, then chooses Javanese and agrees in Javanese.
        await budi.send_text("m2v8cx4pq7r9kt3hd6ws")
        await said(budi, "Pilih bahasa")
        await budi.send_text("jawa")
        await said(budi, "Napa sampeyan setuju?")
        await budi.send_text("nggih")
        await said(budi, "Budi Maryam")

        assert "opened for 2 participants" in await kabar_command(
            database_url, tmp_path, "checkin", "send", "--cohort", COHORT
        )

        # Siti: "iya", a number word, more sold than produced, "tujuh" rupiah.
        question = await said(siti, "Apakah Anda memproduksi")
        await settled(db)  # a person reads before typing: the question's id is recorded
        await siti.send_text("iya.")
        answered = await edit_of(siti)
        assert answered.message_id == question.message_id
        assert answered.text.endswith("→ Ya") and answered.buttons == []
        await said(siti, "Berapa banyak yang Anda produksi")
        await siti.send_text("sepuluh")
        await said(siti, "Berapa banyak yang terjual")
        await siti.send_text("12")
        stock = await said(siti, "Anda menjual 12 kg, padahal memproduksi 10 kg.")
        assert stock.buttons == [["Ya, dari stok sebelumnya"], ["Bukan, saya ketik ulang"]]
        await siti.send_text("ya")
        await said(siti, "Berapa uang yang Anda terima")
        await siti.send_text("tujuh")
        check = await said(siti, "Rp7 — maksudnya Rp7.000?")
        assert check.buttons == [["Ya, Rp7"], ["Maksud saya Rp7.000"], ["Bukan, saya ketik ulang"]]
        await siti.press("Maksud saya Rp7.000")
        await said(siti, "Apakah ada yang menghambat")

        # The problems: typed labels change the question on screen, as presses do.
        problems = next(e for e in reversed(siti.transcript()) if "menghambat" in e.text)
        await settled(db)
        await siti.send_text("Modal")
        edit = await edit_of(siti)
        assert edit.message_id == problems.message_id
        assert ["✅ Modal"] in edit.buttons and ["Selesai"] in edit.buttons
        await siti.send_text("bahan bku")  # misspelt
        edit = await edit_of(siti)
        assert ["✅ Bahan baku"] in edit.buttons and ["✅ Modal"] in edit.buttons
        await siti.send_text("Tidak ada kendala")  # not on screen once some are chosen
        refusal = await said(siti, "Anda sudah memilih: Modal, Bahan baku.")
        assert "Ketuk “Selesai”" in refusal.text
        await siti.send_text("SELESAI")
        await said(siti, "Ceritakan sedikit")
        await settled(db)  # the question's message id known, for it to show the answer
        await siti.send_text("lewati")
        await said(siti, "dihubungi pendamping")
        await siti.send_text("gak")
        await said(siti, "kirim foto produk")
        await settled(db)
        await siti.send_text("Lewati")
        summary = await said(siti, "Periksa jawaban Anda")
        # A skipped question reads as its button, as any typed button does (it read "→ —").
        await settled(db)
        for asked in ("Ceritakan sedikit", "kirim foto produk"):
            shown = [e for e in siti.transcript() if e.kind == "edit" and asked in e.text]
            assert shown[-1].text.endswith("\n→ Lewati"), shown[-1].text
        assert "• Pendapatan: Rp7.000" in summary.text
        await siti.send_text("kirim")
        await said(siti, "Terima kasih! Jawaban Anda tersimpan.")
        saved = await record_of(db, "KPM-01")
        assert saved.quantity_produced == Decimal(10) and saved.quantity_sold == Decimal(12)
        assert saved.revenue_idr == 7000
        assert sorted(saved.problems) == ["capital", "raw_material"]
        assert saved.needs_help is False and saved.problem_note is None
        async with db.sessions() as session:
            conversation = (
                await session.execute(
                    select(Conversation).where(
                        Conversation.person_id == "KPM-01", Conversation.flow == "checkin"
                    )
                )
            ).scalar_one()
        # Confirmed answers are kept as confirmed.
        assert conversation.state["confirmed"] == {"quantity_sold": "12", "revenue_idr": 7000}

        # Budi answers in Javanese words: "sampun", "rong puluh", "seket ewu".
        await said(budi, "Napa sampeyan produksi")
        await budi.send_text("sampun")
        await said(budi, "Pinten")
        await budi.send_text("rong puluh")
        await said(budi, "Pinten")
        await budi.send_text("limalas")
        await said(budi, "arta")
        await budi.send_text("seket ewu")
        await said(budi, "Angsal Kabar nawakaken")  # 5 kg left over; typed "mboten": no
        await budi.send_text("mboten")
        problems = await said(budi, "alangan")
        assert problems.buttons[-1] == ["Mboten wonten kendala"]
        await budi.send_text("mboten wonten kendala")
        await said(budi, "foto")
        saved = await record_of(db, "KPM-03")
        assert saved.quantity_produced == Decimal(20) and saved.quantity_sold == Decimal(15)
        assert saved.revenue_idr == 50_000 and saved.problems == []
