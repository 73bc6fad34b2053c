""" "Semua", "habis", "kabeh": how families answer "how much did you sell?" when it all went.
It was "I did not understand that number"; it is the amount they produced. Kabar runs in
this process on a fake clock, against the fake Bot API (as in test_escalation.py)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.db.database import Database
from bot.lib.clock import FakeClock
from bot.sandbox.fakeapi import FakeTelegram
from tests.e2e.test_escalation import MONDAY, kabar
from tests.e2e.test_paused_families import sign_up
from tests.support.chat import said
from tests.support.programme import NOW, seed_programme

pytestmark = pytest.mark.e2e


async def test_all_of_it_sold_is_what_was_produced(database_url: str, db: Database) -> None:
    await seed_programme(db)
    clock = FakeClock(NOW + timedelta(hours=1))
    async with FakeTelegram() as tg, kabar(tg, database_url, clock):
        budi = tg.user(3603, first_name="Budi", language_code="jv")
        await sign_up(budi, "KPM-03", "Basa Jawa", "Kula setuju")
        await said(budi, "Matur nuwun, Budi Maryam!")
        siti = tg.user(3601, first_name="Siti", language_code="id")
        await sign_up(siti, "KPM-01", "Bahasa Indonesia", "Saya setuju")
        await said(siti, "Terima kasih, Siti Rahayu!")
        clock.set(MONDAY)

        steps = {
            budi: [
                ("nggih", "kg"),
                ("2,5 kg", "kg"),
                ("payu kabeh", "rupiah"),  # nothing left to offer: the income next
                ("150rb", "alangan"),
                ("mboten wonten", "foto"),
                ("liwati", "Payu: 2,5 kg"),
            ],
            siti: [
                ("ya", "kg"),
                ("3", "kg"),
                ("habis", "rupiah"),
                ("150rb", "menghambat"),
                ("aman", "foto"),
                ("lewati", "Terjual: 3 kg"),
            ],
        }
        for user, answers in steps.items():
            await said(user, "Halo")
            for answer, next_needle in answers:
                await user.send_text(answer)
                await said(user, next_needle)
