"""The check-in changes version while families are in the middle of it: Kabar runs in this
process (the same `serve` as `kabar run`) against the fake Bot API, and a new version of
the check-in is deployed between two answers."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from bot.db.database import Database
from bot.db.models import Conversation, FollowUpRecord
from bot.domain.checkins.binding import CheckinBinding
from bot.flows.model import Flow, Kind, Step
from bot.lib.clock import FakeClock
from bot.sandbox.fakeapi import FakeTelegram
from conversations.checkin import CHECKIN
from tests.e2e.test_escalation import MONDAY, kabar, register
from tests.support.chat import said
from tests.support.programme import CODES, NOW, seed_programme

pytestmark = pytest.mark.e2e

# Version 2 asks who bought, after how much was sold; no rule: kept answers stay as they are.
BUYER = Step("buyer", Kind.TEXT, "Who bought it?", label="Buyer")
SOLD_AT = [step.id for step in CHECKIN.steps].index("quantity_sold")
CHECKIN_V2 = Flow(
    CHECKIN.name,
    CHECKIN.version + 1,
    (*CHECKIN.steps[: SOLD_AT + 1], BUYER, *CHECKIN.steps[SOLD_AT + 1 :]),
)


async def test_a_check_in_under_way_goes_on_under_the_new_version(
    database_url: str, db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    await seed_programme(db)
    clock = FakeClock(NOW)
    async with FakeTelegram() as tg, kabar(tg, database_url, clock):
        siti = tg.user(3003, first_name="Siti", language_code="id")
        budi = tg.user(3004, first_name="Budi", language_code="id")
        await register(siti, CODES["KPM-01"])
        await register(budi, CODES["KPM-03"])
        clock.set(MONDAY)  # the round opens
        await said(budi, "Apakah Anda memproduksi")
        await said(siti, "Apakah Anda memproduksi")
        await siti.press("Ya")
        await said(siti, "Berapa banyak yang Anda produksi")
        await siti.send_text("2 kg")
        await said(siti, "Berapa banyak yang terjual")

        monkeypatch.setattr(CheckinBinding, "flow", CHECKIN_V2)  # a new Kabar is deployed

        # Siti answers the question she was asked; the new question follows.
        await siti.send_text("1")
        await said(siti, "Who bought it?")
        await siti.send_text("Tetangga")
        await said(siti, "Berapa uang yang Anda terima")
        await siti.send_text("50rb")
        await said(siti, "Bolehkah Kabar menawarkannya")  # 1 kg left over
        await siti.press("Tidak")
        await said(siti, "Apakah ada yang menghambat")
        await siti.press("Tidak ada kendala")
        await said(siti, "kirim foto produk")
        await siti.press("Lewati")
        summary = await said(siti, "Periksa jawaban Anda")
        assert "2 kg" in summary.text and "Buyer: Tetangga" in summary.text
        await siti.press("✅ Kirim")
        await said(siti, "Terima kasih! Jawaban Anda tersimpan")

        # Budi presses "Ya" under the question drawn by the old version: refused as stale,
        # asked again with new buttons, which work.
        await budi.press("Ya")
        again = await said(budi, "Apakah Anda memproduksi")
        assert again.text.startswith("Tombol itu dari pertanyaan sebelumnya.")
        await budi.press("Ya")
        await said(budi, "Berapa banyak yang Anda produksi")

    async with db.sessions() as session:
        versions = {
            c.person_id: c.flow_version
            for c in (await session.execute(select(Conversation))).scalars()
            if c.flow == CHECKIN.name
        }
        record = (
            await session.execute(
                select(FollowUpRecord).where(FollowUpRecord.person_id == "KPM-01")
            )
        ).scalar_one()
    assert versions == {"KPM-01": CHECKIN_V2.version, "KPM-03": CHECKIN_V2.version}
    assert (record.quantity_produced, record.quantity_sold, record.revenue_idr) == (2, 1, 50_000)
    assert record.status.value == "answered"
