"""/laporan end to end: Kabar runs in this process on a fake clock, against the fake Bot
API; families answer a real check-in, then the facilitator, the coordinator and staff read
the figures, and a family who asks is refused."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from bot.db.database import Database
from bot.db.models import FollowUpRecord, Invitation, OutboxMessage, Person, Role
from bot.lib.clock import FakeClock
from bot.sandbox.fakeapi import FakeTelegram, FakeUser, TranscriptEntry
from tests.e2e.test_escalation import MONDAY, answer_producing, kabar, register, until
from tests.support.chat import said, settled
from tests.support.programme import CODES, NOW, seed_programme

pytestmark = pytest.mark.e2e

STAFF_CODE = "staf1-aaaaa-bbbbb-ccccc"
COORDINATOR_CODE = "krd01-aaaaa-bbbbb-ccccc"


async def seed(db: Database) -> None:
    await seed_programme(db)
    async with db.transaction() as session:
        session.add(
            Person(
                id="STF-01",
                role=Role.STAFF,
                name="Staf Program",
                created_at=NOW,
                updated_at=NOW,
                attributes={},
            )
        )
        await session.flush()
        for person_id, code in (("STF-01", STAFF_CODE), ("KRD-01", COORDINATOR_CODE)):
            session.add(
                Invitation(
                    person_id=person_id,
                    code=code,
                    created_at=NOW,
                    expires_at=NOW + timedelta(days=3650),
                )
            )


def photos(user: FakeUser) -> list[TranscriptEntry]:
    return [e for e in user.transcript() if e.who == "bot" and e.kind == "photo"]


async def test_laporan_shows_each_reader_their_figures(database_url: str, db: Database) -> None:
    await seed(db)
    clock = FakeClock(NOW + timedelta(hours=1))
    async with FakeTelegram() as tg, kabar(tg, database_url, clock):
        facilitator = tg.user(3001, first_name="Wagiyem", language_code="id")
        coordinator = tg.user(3002, first_name="Arif", language_code="id")
        staff = tg.user(3006, first_name="Staf", language_code="id")
        siti = tg.user(3003, first_name="Siti", language_code="id")
        john = tg.user(3005, first_name="John", language_code="id")
        await register(facilitator, CODES["PDP-01"])
        await register(coordinator, COORDINATOR_CODE)
        await register(staff, STAFF_CODE)
        await register(siti, CODES["KPM-01"])
        await register(john, CODES["KPM-02"])

        # A round: Siti answers; John starts, begins again with /ulang, and answers in full.
        clock.set(MONDAY)
        await answer_producing(siti)
        await said(john, "Apakah Anda memproduksi")
        await john.press("Ya")
        await said(john, "Berapa banyak yang Anda produksi")
        await john.send_text("7 kg")
        await said(john, "Berapa banyak yang terjual")
        await john.send_command("ulang")
        await answer_producing(john)

        await facilitator.send_command("laporan")
        text = await said(facilitator, "📊 Angka program: keluarga dampingan Anda")
        lines = text.text.splitlines()
        assert "pelepah-pisang-2026, putaran 1 (12 Jan 2026, masih terbuka)" in lines
        # John answered twice and is one family; Budi, not registered, was not asked.
        assert "• Ditanya 2, menjawab 2: 100,0%" in lines
        assert "• Berproduksi 2: 4 kg dibuat, 2 kg terjual" in lines
        assert "• Pendapatan Rp100.000; median per keluarga yang berproduksi Rp50.000" in lines
        assert "• Tidak menjawab 0; berhenti sementara 0; tidak terjangkau 0" in lines
        await until(lambda: len(photos(facilitator)) == 1)
        chart = photos(facilitator)[0]
        assert chart.text == (
            "12 putaran terakhir: tingkat jawaban, keluarga yang berproduksi, pendapatan."
        )
        # Then the change against each family's start and who may be ready to graduate:
        # one round, still open, so neither has anything to show yet.
        insights = await said(facilitator, "📈 Perubahan dibanding titik awal tiap keluarga")
        assert insights.text.splitlines() == [
            "📈 Perubahan dibanding titik awal tiap keluarga (pendapatan per bulan)",
            "• pelepah-pisang-2026, 3 bulan: pada 12 Apr 2026, belum tercapai",
            "• pelepah-pisang-2026, 6 bulan: pada 12 Jul 2026, belum tercapai",
            "",
            "🎓 Siap lulus? Untuk Anda tinjau, tidak ada yang diputuskan otomatis",
            "pelepah-pisang-2026: 0 keluarga dengan sedikitnya Rp500.000 dalam 5 dari 6 "
            "putaran terakhir, masih menjawab, tanpa peringatan terbuka",
        ]

        # The coordinator and staff read the same families here, under their own heading.
        await coordinator.send_command("laporan", "Leces")
        await said(coordinator, "📊 Angka program: keluarga dampingan Anda")
        await staff.send_command("laporan")
        everything = await said(staff, "📊 Angka program: semua keluarga")
        assert "• Ditanya 2, menjawab 2: 100,0%" in everything.text
        await until(lambda: len(photos(staff)) == 1)

        # A name that is no cohort or district: one line, and no chart.
        await facilitator.send_command("laporan", "Atlantis")
        await said(facilitator, 'Tidak ada kecamatan "Atlantis" di antara keluarga.')

        # A family is refused in one line, and nothing else is sent or changed.
        await settled(db)
        async with db.sessions() as session:
            queued = await session.scalar(select(func.count()).select_from(OutboxMessage))
            records = await session.scalar(select(func.count()).select_from(FollowUpRecord))
        before = len(siti.transcript())
        await siti.send_command("laporan")
        await said(siti, "Maaf, perintah ini untuk pendamping dan koordinator")
        await settled(db)
        async with db.sessions() as session:
            assert await session.scalar(select(func.count()).select_from(OutboxMessage)) == (
                (queued or 0) + 1
            )
            assert await session.scalar(select(func.count()).select_from(FollowUpRecord)) == (
                records
            )
        assert [e.kind for e in siti.transcript()[before:] if e.who == "bot"] == ["text"]
        assert photos(siti) == []
        assert len(photos(facilitator)) == 1
