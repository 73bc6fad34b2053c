"""/peringatan as the alert board for staff and coordinators, end to end: Kabar runs in this
process on a fake clock, against the fake Bot API, with alerts written straight to the DB."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from bot.db.database import Database
from bot.db.models import (
    Alert,
    AlertAction,
    AlertStatus,
    AuditEntry,
    Cohort,
    Person,
    Role,
)
from bot.lib.clock import FakeClock
from bot.sandbox.fakeapi import FakeTelegram, FakeUser, TranscriptEntry
from tests.domain.facilitators.test_lookups import answers, edits
from tests.e2e.test_escalation import kabar, register, until
from tests.support.chat import said
from tests.support.programme import CODES, NOW, add_people, invite, seed_programme

pytestmark = pytest.mark.e2e

OTHER_DISTRICT = 10  # alerts on another coordinator's families: staff get two pages
LONG_NAME = "Keluarga Besar Bapak Suparman Hadi Wijaya Kusumo Atmojo"  # clipped on the board
STAFF_CODE = "stf01-aaaaa-bbbbb-ccccc"
COORDINATOR_CODE = "krd01-aaaaa-bbbbb-ccccc"


async def seed(db: Database) -> None:
    """KRD-01's district (PDP-01's three families), KRD-02's (PDP-02's), one staff member."""
    await seed_programme(db)
    async with db.transaction() as session:
        cohort_id = await session.scalar(select(Cohort.id))
        people = [
            Person(id="STF-01", role=Role.STAFF, name="Dewi Lestari"),
            Person(id="KRD-02", role=Role.COORDINATOR, name="Bambang"),
            Person(id="PDP-02", role=Role.FACILITATOR, name="Sutrisno Adi", supervisor_id="KRD-02"),
        ] + [
            Person(
                id=f"KPM-{200 + n}",
                role=Role.PARTICIPANT,
                name=f"{LONG_NAME} {n:02d}",
                village="Sumberkerang",
                supervisor_id="PDP-02",
                cohort_id=cohort_id,
            )
            for n in range(OTHER_DISTRICT)
        ]
        await add_people(session, people)
        invite(session, {"STF-01": STAFF_CODE, "KRD-01": COORDINATOR_CODE})


async def open_alerts(db: Database) -> dict[str, int]:
    """Alerts on both districts as the rules and a facilitator's button would leave them;
    written once PDP-01 is registered, or the escalation run could move theirs first. PDP-02
    has no Telegram account: theirs are with the coordinator already."""
    async with db.transaction() as session:

        def alert(person_id: str, rule: str, days: int, **more: object) -> Alert:
            assigned = "KRD-02" if person_id.startswith("KPM-2") else "PDP-01"
            made = Alert(
                person_id=person_id,
                rule=rule,
                assigned_to_id=assigned,
                opened_at=NOW - timedelta(days=days),
                details={},
                **more,
            )
            session.add(made)
            return made

        alerts = {
            "siti": alert(
                "KPM-01",
                "unresponsive",
                5,
                status=AlertStatus.ACKNOWLEDGED,
                acknowledged_at=NOW - timedelta(days=1),
            ),
            "budi": alert("KPM-03", "help", 2),
            "john": alert(
                "KPM-02",
                "not-producing",
                9,
                status=AlertStatus.RESOLVED,
                closed_at=NOW - timedelta(days=8),
            ),
        } | {
            f"other{n}": alert(
                f"KPM-{200 + n}",
                "unresponsive",
                3,
                level="coordinator",
                escalated_at=NOW - timedelta(days=1),
            )
            for n in range(OTHER_DISTRICT)
        }
        await session.flush()
        session.add(
            AlertAction(
                alert_id=alerts["siti"].id,
                actor_id="PDP-01",
                action="contacted",
                at=NOW - timedelta(days=1),
            )
        )
        return {key: made.id for key, made in alerts.items()}


def bot_edits(user: FakeUser) -> list[TranscriptEntry]:
    return [e for e in user.transcript() if e.who == "bot" and e.kind == "edit"]


async def test_staff_and_coordinators_see_the_board_of_their_scope(
    database_url: str, db: Database
) -> None:
    await seed(db)
    clock = FakeClock(NOW + timedelta(hours=1))
    async with FakeTelegram() as tg, kabar(tg, database_url, clock):
        staff = tg.user(3010, first_name="Dewi", language_code="id")
        coordinator = tg.user(3002, first_name="Arif", language_code="id")
        facilitator = tg.user(3001, first_name="Wagiyem", language_code="id")
        siti = tg.user(3003, first_name="Siti", language_code="id")
        await register(staff, STAFF_CODE)
        await register(coordinator, COORDINATOR_CODE)
        await register(facilitator, CODES["PDP-01"])
        await register(siti, CODES["KPM-01"])
        ids = await open_alerts(db)

        # Staff: every alert, unacknowledged first (oldest first), in two pages.
        await staff.send_command("peringatan")
        first = await said(staff, "Peringatan: 13, belum ditanggapi: 11.")
        assert len(first.text) <= 4096
        entries = [line for line in first.text.splitlines() if line[:1].isdigit()]
        assert len(entries) == 8
        assert entries[0].startswith("1. Keluarga Besar Bapak Suparman Hadi Wija… (KPM-200)")
        assert (
            "👤 Sutrisno Adi · 3 hari · belum ditanggapi, bersama koordinator\n↳ belum ada tindakan"
        ) in first.text
        assert entries[-1].startswith("8. Keluarga Besar")
        assert "Halaman 1 dari 2." in first.text
        assert first.buttons == [["1", "2", "3", "4", "5"], ["6", "7", "8"], ["›"]]
        await staff.press("›")
        await until(lambda: any("Halaman 2 dari 2." in text for text in edits(staff)))
        second = bot_edits(staff)[-1].text
        order = [second.index(f"({person})") for person in ("KPM-209", "KPM-03", "KPM-01")]
        assert order == sorted(order)  # the last open ones, then acknowledged, then resolved
        assert (
            "11. Budi Maryam (KPM-03), Clarak — meminta bantuan\n"
            "👤 Wagiyem Sulistyo · 2 hari · belum ditanggapi\n↳ belum ada tindakan"
        ) in second
        assert (
            "12. Siti Rahayu (KPM-01), Jorongan — tidak menjawab laporan terakhir\n"
            "👤 Wagiyem Sulistyo · 5 hari · sudah ditanggapi\n"
            "↳ 📞 Sudah dihubungi oleh Wagiyem Sulistyo, 4 Jan 08:00"
        ) in second
        assert "13. John Purnomo (KPM-02), Clarak" in second
        assert bot_edits(staff)[-1].buttons == [["9", "10", "11", "12"], ["‹"]]  # none for 13

        # Staff act from the board: the number shows the card, the card's button records it.
        await staff.press("11")
        card = await said(staff, "⚠️ Budi Maryam (KPM-03), Clarak")
        pressed = len(answers(staff))
        await staff.press_data(f"a:{ids['budi']}:r", message_id=card.message_id)
        await until(lambda: len(answers(staff)) > pressed)
        assert answers(staff)[-1] == "Tersimpan."

        # A coordinator: only the families of their facilitators, whatever a button says.
        await coordinator.send_command("peringatan")
        theirs = await said(coordinator, "Peringatan: 3, belum ditanggapi: 0.")
        assert "Sutrisno" not in theirs.text and "KPM-2" not in theirs.text
        assert theirs.text.index("(KPM-01)") < theirs.text.index("(KPM-03)")  # acknowledged
        assert "Halaman" not in theirs.text
        assert theirs.buttons == [["1"]]  # the resolved ones have no button
        before = len(edits(coordinator))
        welcome = next(e for e in coordinator.transcript() if "Terima kasih" in e.text)
        await coordinator.press_data("pa:2", message_id=welcome.message_id)  # a forged page
        await until(lambda: len(edits(coordinator)) > before)
        forged = edits(coordinator)[-1]
        assert forged.startswith("Peringatan: 3, belum ditanggapi: 0.")
        assert "Sutrisno" not in forged and "KPM-2" not in forged

        # The facilitator still sees the open alerts assigned to them, as before.
        await facilitator.send_command("peringatan")
        listed = await said(facilitator, "Peringatan terbuka untuk Anda: 1.")
        assert "1. Siti Rahayu (KPM-01), Jorongan — tidak menjawab laporan terakhir" in (
            listed.text
        )

        # A family: one clear line, and nothing about anyone's alerts.
        await siti.send_command("peringatan")
        refusal = await said(siti, "Maaf, perintah ini untuk pendamping dan koordinator")
        assert "\n" not in refusal.text.strip()

    async with db.sessions() as session:
        resolved = await session.get(Alert, ids["budi"])
        logged = (
            await session.execute(select(AuditEntry).where(AuditEntry.action.like("alert.%")))
        ).scalars()
        rows = [(e.actor, e.action, e.subject, e.details) for e in logged]
    assert resolved is not None and resolved.status is AlertStatus.RESOLVED
    assert rows == [("STF-01", "alert.resolved", "KPM-03", {"alert": ids["budi"]})]
