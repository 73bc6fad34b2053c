"""Forged and replayed buttons, end to end: Kabar on a fake clock against the fake Bot API.

A forged button is answered as one that is no longer active (never a traceback, never an
apology); an alert's action is recorded once per person, and a closed alert's buttons say it
is closed; a facilitator or coordinator of another caseload is refused.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from bot.db.database import Database
from bot.lib.clock import FakeClock
from bot.sandbox.fakeapi import FakeTelegram, FakeUser, TranscriptEntry
from tests.e2e.test_escalation import kabar, register, until
from tests.support.chat import said
from tests.support.programme import CODES, NOW, seed_programme

pytestmark = pytest.mark.e2e

NOT_ACTIVE = "Tombol ini sudah tidak berlaku."
APOLOGY = "Maaf"


async def answer_to(user: FakeUser, data: str, message_id: int | None = None) -> str:
    """Press a button with `data`; the one answer to that press (the spinner's toast)."""
    before = _answers(user)
    await user.press_data(data, message_id=message_id)
    await until(lambda: len(_answers(user)) > len(before))
    answers = _answers(user)
    assert len(answers) == len(before) + 1, [e.text for e in answers[len(before) :]]
    return answers[-1].text


def _answers(user: FakeUser) -> list[TranscriptEntry]:
    return [e for e in user.transcript() if e.kind == "callback_answer"]


async def test_forged_buttons_with_huge_or_odd_numbers_are_answered_as_no_longer_active(
    database_url: str, db: Database, tmp_path: Path
) -> None:
    await seed_programme(db)
    clock = FakeClock(NOW + timedelta(hours=1))
    huge = str(10**30)
    async with FakeTelegram() as tg, kabar(tg, database_url, clock):
        siti = tg.user(3003, first_name="Siti", language_code="id")
        await register(siti, CODES["KPM-01"])
        for data in (
            f"f:{huge}:{huge}:yes",  # a check-in's button
            f"f:1:{huge}:yes",
            "f:²:1:yes",  # a digit int() refuses
            f"a:{huge}:c",  # an alert card's
            f"a:{huge}:show",
            "a:1:zz",  # an action no card has
            f"s:{huge}:k:village",  # a /siaran draft's
            f"bx:{huge}",  # a broadcast's cancel button
            "no-such-shape",
        ):
            assert await answer_to(siti, data) == NOT_ACTIVE, data
        # Still answered at once, as before.
        await siti.send_command("bantuan")
        await said(siti, "Cara kerja Kabar")
        assert not [e for e in siti.transcript() if e.who == "bot" and APOLOGY in e.text]
