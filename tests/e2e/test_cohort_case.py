"""Staff type cohort names in Telegram as they say them: `/laporan PELEPAH-PISANG-2026`
reports the cohort "pelepah-pisang-2026", and where two stored cohorts differ only by case
Kabar asks for the exact name in the reader's language instead of guessing."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.db.database import Database
from bot.db.models import Cohort
from bot.lib.clock import FakeClock
from bot.sandbox.fakeapi import FakeTelegram
from tests.e2e.test_escalation import MONDAY, kabar, register
from tests.e2e.test_laporan import STAFF_CODE, seed
from tests.support.chat import said
from tests.support.programme import CODES, COHORT, NOW

pytestmark = pytest.mark.e2e


async def test_staff_laporan_takes_a_cohort_typed_in_any_case(
    database_url: str, db: Database
) -> None:
    await seed(db)
    clock = FakeClock(NOW + timedelta(hours=1))
    async with FakeTelegram() as tg, kabar(tg, database_url, clock):
        staff = tg.user(3006, first_name="Staf", language_code="id")
        siti = tg.user(3003, first_name="Siti", language_code="id")
        await register(staff, STAFF_CODE)
        await register(siti, CODES["KPM-01"])
        clock.set(MONDAY)  # the first round opens: the report names its cohort
        await said(siti, "Apakah Anda memproduksi")

        # Before, the name was taken for a district: "no district PELEPAH-PISANG-2026".
        await staff.send_command("laporan", COHORT.upper())
        report = await said(staff, "📊 Angka program: semua keluarga")
        assert f"{COHORT}, putaran 1 (12 Jan 2026, masih terbuka)" in report.text.splitlines()

        # An older database may hold a second spelling: then only the exact one is taken.
        async with db.transaction() as session:
            session.add(
                Cohort(
                    name=COHORT.title(),
                    schedule="mon 08:00",
                    timezone="Asia/Jakarta",
                    created_at=NOW,
                )
            )
        await staff.send_command("laporan", COHORT.upper())
        refused = await said(staff, "cocok dengan lebih dari satu angkatan")
        assert refused.text == (
            f'Nama "{COHORT.upper()}" cocok dengan lebih dari satu angkatan: '
            f'"{COHORT.title()}" dan "{COHORT}". Ketik nama persis angkatan yang Anda maksud, '
            "termasuk huruf besarnya."
        )
        await staff.send_command("laporan", COHORT)
        exact = await said(staff, "📊 Angka program: semua keluarga")
        assert f"{COHORT}, putaran 1 (12 Jan 2026, masih terbuka)" in exact.text.splitlines()
