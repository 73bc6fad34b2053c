"""A family edits a message they sent: taken as the answer while the check-in is still on it,
otherwise they are told edits are not read and how to change an answer. Kabar runs on a fake
clock against the fake Bot API."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.db.database import Database
from bot.db.models import FollowUpRecord
from bot.lib.clock import FakeClock
from bot.sandbox.fakeapi import FakeTelegram
from tests.e2e.test_escalation import MONDAY, kabar, register
from tests.support.chat import said
from tests.support.programme import CODES, NOW, seed_programme

pytestmark = pytest.mark.e2e

NOT_READ = (
    "Kabar tidak membaca pesan yang diubah, jadi perubahan itu tidak diterima. Untuk mengubah "
    "jawaban laporan Anda, ketuk “✏️ Ubah jawaban” saat Kabar menampilkan jawaban Anda "
    "sebelum dikirim."
)


async def test_an_edited_answer_is_taken_while_it_is_the_latest_and_otherwise_explained(
    database_url: str, db: Database, tmp_path: Path
) -> None:
    await seed_programme(db)
    clock = FakeClock(NOW + timedelta(hours=1))
    async with FakeTelegram() as tg, kabar(tg, database_url, clock):
        siti = tg.user(3003, first_name="Siti", language_code="id")
        await register(siti, CODES["KPM-01"])
        clock.set(MONDAY)
        await said(siti, "Apakah Anda memproduksi", timeout=30)
        await siti.press("Ya")
        await said(siti, "Berapa banyak yang Anda produksi")
        five = await siti.send_text("5")
        await said(siti, "Berapa banyak yang terjual")

        # "5" was her latest answer: the edit replaces it, she is told, and asked on.
        await siti.edit_text(five["message_id"], "7")
        taken = await said(siti, "Kabar sudah menerima")
        assert taken.text == "Kabar sudah menerima jawaban yang Anda ubah: “7”."
        await said(siti, "Berapa banyak yang terjual")
        one = await siti.send_text("1")
        await said(siti, "Berapa uang yang Anda terima")

        # "5" is no longer her latest message, nor "1" once she answered on: not read.
        await siti.edit_text(five["message_id"], "9")
        assert (await said(siti, "Kabar tidak membaca")).text == NOT_READ
        await said(siti, "Berapa uang yang Anda terima")  # the open question again
        await siti.send_text("50rb")
        await said(siti, "Bolehkah Kabar menawarkannya")  # 6 kg left over
        await siti.press("Tidak")
        await said(siti, "Apakah ada yang menghambat")
        await siti.edit_text(one["message_id"], "2")
        assert (await said(siti, "Kabar tidak membaca")).text == NOT_READ
        await said(siti, "Apakah ada yang menghambat")
        await siti.press("Tidak ada kendala")
        await said(siti, "kirim foto produk")
        await siti.press("Lewati")
        summary = await said(siti, "Periksa jawaban Anda")
        assert "7 kg" in summary.text and "1 kg" in summary.text
        await siti.press("✅ Kirim")
        await said(siti, "Terima kasih! Jawaban Anda tersimpan")

    async with db.sessions() as session:
        record = (await session.execute(select(FollowUpRecord))).scalar_one()
    assert (record.quantity_produced, record.quantity_sold) == (Decimal(7), Decimal(1))
