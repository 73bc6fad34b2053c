"""/peserta and /peringatan end to end: Kabar runs in this process on a fake clock, against
the fake Bot API, with families' statuses, records and alerts written straight to the DB."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select, update

from bot.db.database import Database
from bot.db.models import (
    Alert,
    Cohort,
    FollowUpRecord,
    ParticipantStatus,
    Person,
    RecordStatus,
    Role,
    Round,
)
from bot.lib.clock import FakeClock
from bot.sandbox.fakeapi import FakeTelegram, FakeUser
from tests.e2e.test_escalation import kabar, register, until
from tests.support.chat import said
from tests.support.programme import CODES, NOW, add_people, invite, seed_programme

pytestmark = pytest.mark.e2e

EXTRA_FAMILIES = 30  # with the programme's three, two pages


async def seed(db: Database) -> None:
    """A second facilitator with a family of their own, more families for PDP-01."""
    await seed_programme(db)
    async with db.transaction() as session:
        cohort_id = await session.scalar(select(Cohort.id))
        invite(session, {"KRD-01": "krd01-aaaaa-bbbbb-ccccc"})
        people = [
            Person(id="PDP-02", role=Role.FACILITATOR, name="Sutrisno", supervisor_id=None),
            Person(
                id="KPM-09",
                role=Role.PARTICIPANT,
                name="Keluarga Lain",
                village="Sumberkerang",
                supervisor_id="PDP-02",
                cohort_id=cohort_id,
            ),
        ] + [
            Person(
                id=f"KPM-{100 + n}",
                role=Role.PARTICIPANT,
                name=f"Keluarga {n:02d}",
                village="Leces",
                supervisor_id="PDP-01",
                cohort_id=cohort_id,
            )
            for n in range(EXTRA_FAMILIES)
        ]
        await add_people(session, people)
        rounds = [
            Round(
                cohort_id=cohort_id,
                kind="manual",
                scheduled_for=NOW - timedelta(weeks=week),
                opened_at=NOW - timedelta(weeks=week),
                closes_at=NOW - timedelta(weeks=week) + timedelta(days=6),
                closed_at=NOW - timedelta(weeks=week) + timedelta(days=6),
            )
            for week in (2, 1)
        ]
        session.add_all(rounds)
        await session.flush()
        session.add_all(
            [
                FollowUpRecord(
                    round_id=rounds[0].id,
                    person_id="KPM-01",
                    status=RecordStatus.ANSWERED,
                    produced=True,
                    quantity_produced=Decimal(12),
                    quantity_sold=Decimal(10),
                    unit="kg",
                    revenue_idr=150_000,
                    created_at=NOW,
                    updated_at=NOW,
                ),
                FollowUpRecord(
                    round_id=rounds[1].id,
                    person_id="KPM-01",
                    status=RecordStatus.MISSED,
                    created_at=NOW,
                    updated_at=NOW,
                ),
            ]
        )


async def open_alert(db: Database) -> int:
    """Opened once the facilitator is registered: an alert whose facilitator has no Telegram
    account goes to the coordinator at the next escalation run, which may come first."""
    async with db.transaction() as session:
        alert = Alert(
            person_id="KPM-01",
            rule="unresponsive",
            assigned_to_id="PDP-01",
            opened_at=NOW,
            details={},
        )
        session.add(alert)
        await session.flush()
        return alert.id


async def set_statuses(db: Database) -> None:
    async with db.transaction() as session:
        for person_id, status in (
            ("KPM-01", ParticipantStatus.QUIET),
            ("KPM-03", ParticipantStatus.NOT_PRODUCING),
        ):
            await session.execute(
                update(Person).where(Person.id == person_id).values(status=status)
            )


def edits(user: FakeUser) -> list[str]:
    return [e.text for e in user.transcript() if e.who == "bot" and e.kind == "edit"]


def answers(user: FakeUser) -> list[str]:
    return [e.text for e in user.transcript() if e.kind == "callback_answer"]


async def test_facilitators_see_their_families_and_alerts(database_url: str, db: Database) -> None:
    await seed(db)
    clock = FakeClock(NOW + timedelta(hours=1))
    async with FakeTelegram() as tg, kabar(tg, database_url, clock):
        facilitator = tg.user(3001, first_name="Wagiyem", language_code="id")
        coordinator = tg.user(3002, first_name="Arif", language_code="id")
        siti = tg.user(3003, first_name="Siti", language_code="id")
        budi = tg.user(3004, first_name="Budi", language_code="id")
        stranger = tg.user(3009, first_name="Tamu", language_code="id")
        await register(facilitator, CODES["PDP-01"])
        await register(coordinator, "krd01-aaaaa-bbbbb-ccccc")
        await register(siti, CODES["KPM-01"])
        await register(budi, CODES["KPM-03"])
        await set_statuses(db)
        alert_id = await open_alert(db)

        # The list: families needing attention first, with counts, in two pages.
        await facilitator.send_command("peserta")
        first = await said(facilitator, "Keluarga dampingan Anda: 33")
        lines = first.text.splitlines()
        assert lines.index("🔴 Diam (tidak menjawab): 1") < lines.index("🟢 Aktif: 31")
        assert lines.index("• Siti Rahayu (KPM-01), Jorongan") < lines.index(
            "🟠 Tidak berproduksi: 1"
        )
        assert "Halaman 1 dari 2" in first.text
        assert len(lines) <= 30
        assert first.buttons == [["›"]]
        await facilitator.press("›")
        await until(lambda: any("Halaman 2 dari 2" in text for text in edits(facilitator)))
        assert "Keluarga 29 (KPM-129), Leces" in edits(facilitator)[-1]
        assert "Siti Rahayu" not in edits(facilitator)[-1]

        # One family's history, by name.
        await facilitator.send_command("peserta", "siti")
        history = await said(facilitator, "Siti Rahayu (KPM-01)")
        assert "• Desa: Jorongan" in history.text
        assert "+6281300002001" in history.text
        assert "Status: 🔴 Diam (tidak menjawab)" in history.text
        assert "29 Des 2025: tidak dijawab\n" in history.text
        assert "22 Des 2025: dijawab — " in history.text and "Rp150.000" in history.text
        assert "Peringatan terbuka:" in history.text

        # Several matches: a list to choose from; another facilitator's family: not found.
        await facilitator.send_command("peserta", "keluarga")
        several = await said(facilitator, "Beberapa keluarga cocok")
        assert "• Keluarga 00 (KPM-100), Leces" in several.text
        await facilitator.send_command("peserta", "KPM-09")
        await said(facilitator, "Tidak ada keluarga dampingan Anda yang cocok dengan “KPM-09”")

        # The coordinator sees their facilitator's families, not the other facilitator's.
        await coordinator.send_command("peserta", "kpm-03")
        await said(coordinator, "Budi Maryam (KPM-03)")
        await coordinator.send_command("peserta", "KPM-09")
        await said(coordinator, "Tidak ada keluarga dampingan Anda yang cocok")

        # Alerts: numbered, and the number shows the card.
        await facilitator.send_command("peringatan")
        listed = await said(facilitator, "Peringatan terbuka untuk Anda: 1")
        assert "1. Siti Rahayu (KPM-01), Jorongan — tidak menjawab laporan terakhir" in listed.text
        assert listed.buttons == [["1"]]
        await facilitator.press("1")
        card = await said(facilitator, "⚠️ Siti Rahayu (KPM-01), Jorongan")
        assert card.buttons[-1] == ["✅ Selesai ditangani", "📝 Tambah catatan"]
        # A coordinator's /peringatan is the board of their district (test_board.py covers it).
        await coordinator.send_command("peringatan")
        await said(coordinator, "Peringatan: 1, belum ditanggapi: 1.")

        # A family is refused politely, and a forged page press shows nothing.
        await siti.send_command("peserta")
        await said(siti, "Maaf, perintah ini untuk pendamping dan koordinator")
        pressed = len(answers(siti))  # registration's buttons were answered too
        await siti.press_data("p:2")
        await until(lambda: len(answers(siti)) > pressed)
        assert answers(siti)[-1].startswith("Maaf, perintah ini untuk pendamping")
        await siti.press_data(f"a:{alert_id}:show")
        await until(lambda: len(answers(siti)) > pressed + 1)
        assert answers(siti)[-1] == "Peringatan ini bukan untuk Anda."

        # Someone not registered gets the usual help.
        await stranger.send_command("peringatan")
        await said(stranger, "belum terdaftar")
