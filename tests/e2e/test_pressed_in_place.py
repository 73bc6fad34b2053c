"""A pressed question becomes the next one in place, end to end (bot/flows/render.py)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import timedelta

import pytest

from bot.db.database import Database
from bot.lib.clock import FakeClock
from bot.sandbox.fakeapi import FakeTelegram, FakeUser
from tests.e2e.test_escalation import MONDAY, kabar, register
from tests.support.chat import said, settled
from tests.support.programme import CODES, NOW, seed_programme

pytestmark = pytest.mark.e2e


@asynccontextmanager
async def on_monday(
    database_url: str, db: Database, user_id: int
) -> AsyncIterator[tuple[FakeTelegram, FakeUser]]:
    """Kabar running with a family registered, the round's first question on its way."""
    await seed_programme(db)
    clock = FakeClock(NOW + timedelta(hours=1))
    async with FakeTelegram() as tg, kabar(tg, database_url, clock):
        siti = tg.user(user_id, first_name="Siti", language_code="id")
        await register(siti, CODES["KPM-01"])
        clock.set(MONDAY)
        yield tg, siti


async def test_a_press_turns_its_question_into_the_next_unless_a_newer_copy_is_below(
    database_url: str, db: Database
) -> None:
    """A press makes the pressed question the next one (one edit, the answer atop it); a
    press on an earlier copy of the question, shown again after help, leaves that copy
    with its answer and asks the next question below, where the family is reading."""
    async with on_monday(database_url, db, 3301) as (tg, siti):
        first = await said(siti, "Apakah Anda memproduksi sesuatu")
        assert first.text.startswith("Halo, Siti Rahayu!"), "the greeting opens the question"
        await siti.send_command("bantuan")
        again = await said(siti, "Apakah Anda memproduksi sesuatu")
        assert again.message_id != first.message_id
        await settled(db)  # Kabar knows which message the newer copy is
        [yes] = [b for row in first.raw["reply_markup"]["inline_keyboard"] for b in row][:1]
        await siti.press_data(yes["callback_data"], message_id=first.message_id)
        below = await said(siti, "Berapa banyak yang Anda produksi?")
        assert below.kind == "text", "a new message below the newer copy"
        assert (tg.message(siti.id, first.message_id) or {})["text"].endswith("→ Ya")

        await siti.send_text("5")
        await said(siti, "Berapa banyak yang terjual?")
        await siti.send_text("5")  # all sold: no stock to offer
        await said(siti, "Berapa uang yang Anda terima")
        await siti.send_text("50rb")
        problems = await said(siti, "Apakah ada yang menghambat usaha Anda?")
        await siti.press("Tidak ada kendala")
        photo = await said(siti, "Jika bisa, kirim foto produk Anda.")
        assert photo.kind == "edit" and photo.message_id == problems.message_id
        assert photo.text.startswith("✓ Kendala: Tidak ada kendala\n\n")


async def test_toggling_a_multiple_choice_keeps_the_answer_above_it(
    database_url: str, db: Database
) -> None:
    """The question after a pressed answer shows that answer atop it; ticking and unticking
    its options, pressed or typed, redraws the buttons under the same lines (the answer
    went missing until Done), one edit a tick and nothing sent."""
    async with on_monday(database_url, db, 3302) as (tg, siti):
        await said(siti, "Apakah Anda memproduksi sesuatu")
        await siti.press("Tidak")
        asked = await said(siti, "Apakah ada yang menghambat usaha Anda?")
        assert asked.kind == "edit" and asked.text.startswith("✓ Produksi: Tidak\n\n")
        await settled(db)  # the question's message known, for a typed tick to find it

        for tick, typed in (("Modal", False), ("pasar atau pembeli", True), ("✅ Modal", False)):
            calls = len(tg.calls)
            await (siti.send_text(tick) if typed else siti.press(tick))
            ticked = await said(siti, "Apakah ada yang menghambat usaha Anda?")
            assert ticked.kind == "edit" and ticked.message_id == asked.message_id
            assert ticked.text == asked.text, f"{tick}: the answer above stays as it was"
            await settled(db)
            limited = [
                c.method
                for c in tg.calls[calls:]
                if c.chat_id == siti.id and c.method != "answerCallbackQuery"
            ]
            assert limited == ["editMessageText"], f"{tick}: one edit, nothing sent"
        assert ["✅ Pasar atau pembeli"] in ticked.buttons and ["Modal"] in ticked.buttons

        await siti.press("Selesai")
        note = await said(siti, "Ceritakan sedikit tentang kendalanya")
        assert note.text.startswith("✓ Kendala: Pasar atau pembeli\n\n")
