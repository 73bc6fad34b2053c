"""A province in miniature for broadcast tests: two cohorts, two districts, families in
every state a broadcast must tell apart."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.db.database import Database
from bot.db.models import Cohort, ParticipantStatus, Person, Role, TelegramAccount
from bot.domain.broadcasts import lifecycle
from bot.domain.broadcasts.audience import parse_audience

NOW = datetime(2026, 3, 2, 3, 0, tzinfo=UTC)  # Monday 10:00 in Jakarta, outside quiet hours

# id, name, cohort, district, village, facilitator, status, registered, language
FAMILIES = (
    ("KPM-01", "Siti Rahayu", "pisang", "Leces", "Jorongan", "PDP-01", "active", True, None),
    ("KPM-02", "John Purnomo", "pisang", "Leces", "Clarak", "PDP-01", "quiet", True, "en"),
    ("KPM-03", "Budi Maryam", "pisang", "Leces", "Clarak", "PDP-01", "paused", True, "jv"),
    ("KPM-04", "Ani Lestari", "pisang", "Leces", "Clarak", "PDP-01", "unreachable", True, None),
    ("KPM-05", "Dewi Sartika", "pisang", "Leces", "Jorongan", "PDP-01", "active", False, None),
    ("KPM-06", "Made Wirawan", "kopi", "Komodo", "Golo Mori", "PDP-02", "active", True, None),
)


async def seed_province(db: Database) -> None:
    async with db.transaction() as session:
        cohorts = {}
        for name in ("pisang", "kopi"):
            cohort = Cohort(
                name=name,
                schedule="mon 08:00",
                timezone="Asia/Jakarta" if name == "pisang" else "Asia/Makassar",
                created_at=NOW,
            )
            session.add(cohort)
            await session.flush()
            cohorts[name] = cohort.id

        def person(pid: str, role: Role, name: str, **more: object) -> Person:
            return Person(
                id=pid, role=role, name=name, created_at=NOW, updated_at=NOW, attributes={}, **more
            )

        session.add_all(
            [
                person("STF-01", Role.STAFF, "Rina Staf"),
                person("KRD-01", Role.COORDINATOR, "Arif Kurniawan", district="Leces"),
                person("KRD-02", Role.COORDINATOR, "Yohanes Nggae", district="Komodo"),
            ]
        )
        await session.flush()
        session.add_all(
            [
                person("PDP-01", Role.FACILITATOR, "Wagiyem", supervisor_id="KRD-01"),
                person("PDP-02", Role.FACILITATOR, "Maria Goreti", supervisor_id="KRD-02"),
            ]
        )
        await session.flush()
        for pid, name, cohort_name, district, village, pdp, status, _reg, lang in FAMILIES:
            session.add(
                person(
                    pid,
                    Role.PARTICIPANT,
                    name,
                    cohort_id=cohorts[cohort_name],
                    district=district,
                    village=village,
                    supervisor_id=pdp,
                    status=ParticipantStatus(status),
                    language=lang,
                )
            )
        await session.flush()
        registered = [f[0] for f in FAMILIES if f[7]] + ["STF-01", "KRD-01", "PDP-01", "PDP-02"]
        for number, pid in enumerate(registered, start=1):
            session.add(
                TelegramAccount(
                    person_id=pid,
                    telegram_user_id=5000 + number,
                    chat_id=5000 + number,
                    linked_at=NOW,
                    linked_by="invitation",
                    unreachable_at=NOW if pid == "KPM-04" else None,
                )
            )


def chat_of(pid: str) -> int:
    registered = [f[0] for f in FAMILIES if f[7]] + ["STF-01", "KRD-01", "PDP-01", "PDP-02"]
    return 5000 + registered.index(pid) + 1


async def broadcast_to_all(
    db: Database, text: str, *, now: datetime, at: str | None = None
) -> None:
    """A broadcast to everyone, written from the command line at `now`, due then or `at`
    (Jakarta's time, as `kabar broadcast --at` takes it)."""
    async with db.transaction() as session:
        planned = await lifecycle.plan(
            session,
            audience=parse_audience(""),
            text=text,
            viewer=None,
            now=now,
            send_at=lifecycle.parse_at(at, "Asia/Jakarta", now=now) if at else None,
            timezone="Asia/Jakarta",
        )
        await lifecycle.create(
            session, planned, text=text, language="id", actor="cli:test", now=now
        )
