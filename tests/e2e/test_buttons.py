"""Forged and replayed buttons, end to end: Kabar on a fake clock against the fake Bot API.

A forged button is answered as one that is no longer active (never a traceback, never an
apology); an alert's action is recorded once per person, and a closed alert's buttons say it
is closed; a facilitator or coordinator of another caseload is refused.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.db.database import Database
from bot.db.models import (
    Alert,
    AlertAction,
    AlertStatus,
    AuditEntry,
    InboxUpdate,
    Person,
    Role,
)
from bot.lib.clock import FakeClock
from bot.sandbox.fakeapi import FakeTelegram, FakeUser, TranscriptEntry
from tests.e2e.test_escalation import alert_cards, alert_id, kabar, register, until
from tests.support.chat import said
from tests.support.programme import CODES, NOW, add_people, invite, seed_programme

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
    async with db.sessions() as session:
        failed = (
            await session.execute(select(InboxUpdate.error).where(InboxUpdate.error.is_not(None)))
        ).scalars()
        assert list(failed) == [], "every press handled at the first try, without an error"


async def seed_two_caseloads(db: Database) -> None:
    """The programme, and a second caseload: a facilitator and coordinator of their own."""
    await seed_programme(db)
    async with db.transaction() as session:
        await add_people(
            session,
            [
                Person(id="KRD-02", role=Role.COORDINATOR, name="Dewi Lestari", phone="+628110002"),
                Person(
                    id="PDP-02",
                    role=Role.FACILITATOR,
                    name="Slamet Riyadi",
                    phone="+628120002",
                    supervisor_id="KRD-02",
                ),
            ],
        )
        invite(session, OTHER_CASELOAD)


OTHER_CASELOAD = {"PDP-02": "fac02-aaaaa-bbbbb-ccccc", "KRD-02": "krd02-aaaaa-bbbbb-ccccc"}
NOT_YOURS = "Peringatan ini bukan untuk Anda."
CLOSED = "Peringatan ini sudah ditutup."


async def test_an_alert_is_acted_on_once_by_its_caseload_and_its_buttons_say_when_it_is_closed(
    database_url: str, db: Database, tmp_path: Path
) -> None:
    await seed_two_caseloads(db)
    clock = FakeClock(NOW + timedelta(hours=1))
    async with FakeTelegram() as tg, kabar(tg, database_url, clock):
        facilitator = tg.user(3001, first_name="Wagiyem", language_code="id")
        other_facilitator = tg.user(3011, first_name="Slamet", language_code="id")
        other_coordinator = tg.user(3012, first_name="Dewi", language_code="id")
        siti = tg.user(3003, first_name="Siti", language_code="id")
        await register(facilitator, CODES["PDP-01"])
        await register(other_facilitator, OTHER_CASELOAD["PDP-02"])
        await register(other_coordinator, OTHER_CASELOAD["KRD-02"])
        await register(siti, CODES["KPM-01"])
        await siti.send_command("tolong")
        await until(lambda: len(alert_cards(facilitator)) == 1)
        card = alert_cards(facilitator)[0]
        alert = await alert_id(db, "KPM-01")

        # Another caseload's facilitator and coordinator: refused, whichever button.
        for stranger in (other_facilitator, other_coordinator):
            for action in ("c", "v", "r", "n", "show"):
                assert await answer_to(stranger, f"a:{alert}:{action}") == NOT_YOURS

        # "Contacted" twice: recorded once, and the second press says so.
        contacted = f"a:{alert}:c"
        assert await answer_to(facilitator, contacted, card.message_id) == "Tersimpan."
        assert await answer_to(facilitator, contacted, card.message_id) == (
            "Anda sudah mencatat “📞 Sudah dihubungi” untuk peringatan ini."
        )
        assert await answer_to(facilitator, f"a:{alert}:r", card.message_id) == "Tersimpan."
        # Closed: every button of the card, and the digest's number, say so; no note opens.
        for action in ("n", "c", "v", "r", "show"):
            assert await answer_to(facilitator, f"a:{alert}:{action}", card.message_id) == CLOSED
        assert not [e for e in facilitator.transcript() if "Ketik catatan" in e.text]

    async with db.sessions() as session:
        actions = (await session.execute(select(AlertAction).order_by(AlertAction.id))).scalars()
        status = await session.scalar(select(Alert.status).where(Alert.id == alert))
        forged = (
            await session.execute(
                select(AuditEntry.actor).where(AuditEntry.action == "button.forged")
            )
        ).scalars()
        logged = (
            await session.execute(
                select(AuditEntry.action).where(AuditEntry.action.like("alert.%"))
            )
        ).scalars()
        assert [(a.actor_id, a.action) for a in actions] == [
            ("PDP-01", "contacted"),
            ("PDP-01", "resolved"),
        ]
        assert list(logged) == ["alert.contacted", "alert.resolved"]
        assert sorted(forged) == ["KRD-02"] * 5 + ["PDP-02"] * 5
    assert status is AlertStatus.RESOLVED
