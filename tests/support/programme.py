"""A small programme for end-to-end tests: one cohort, a facilitator, a few families."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import UTC, datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.database import Database
from bot.db.models import Cohort, Invitation, Person, Role

NOW = datetime(2026, 1, 5, 1, 0, tzinfo=UTC)
COHORT = "pelepah-pisang-2026"

# Fixed codes keep golden transcripts stable.
CODES = {
    "PDP-01": "fac01-aaaaa-bbbbb-ccccc",
    "KPM-01": "siti1-aaaaa-bbbbb-ccccc",
    "KPM-02": "john2-aaaaa-bbbbb-ccccc",
    "KPM-03": "budi3-aaaaa-bbbbb-ccccc",
}


async def seed_programme(db: Database, *, unit: str = "kg", round_open: bool = True) -> None:
    """On the wall clock the cohort's first slot (NOW) is long past, so Kabar opens a round
    when it starts. `round_open=False`: the cohort is as new as the wall clock, and no round
    opens before the test opens one (`kabar checkin send`) or next Monday's slot comes."""
    async with db.transaction() as session:
        cohort = Cohort(
            name=COHORT,
            schedule="mon 08:00",
            timezone="Asia/Jakarta",
            unit=unit,
            # These tests run on the wall clock: no quiet hours, or a run after 21:00 WIB
            # would see its messages held until morning (tests/domain/rounds covers quiet hours).
            quiet_hours_start="00:00",
            quiet_hours_end="00:00",
            created_at=NOW if round_open else datetime.now(UTC),
        )
        session.add(cohort)
        await session.flush()
        people = [
            Person(
                id="KRD-01", role=Role.COORDINATOR, name="Arif Kurniawan", phone="+6281100000003"
            ),
            Person(
                id="PDP-01",
                role=Role.FACILITATOR,
                name="Wagiyem Sulistyo",
                phone="+6281200000100",
                supervisor_id="KRD-01",
                district="Leces",
            ),
            Person(
                id="KPM-01",
                role=Role.PARTICIPANT,
                name="Siti Rahayu",
                phone="+6281300002001",
                cohort_id=cohort.id,
                village="Jorongan",
                district="Leces",
                supervisor_id="PDP-01",
            ),
            Person(
                id="KPM-02",
                role=Role.PARTICIPANT,
                name="John Purnomo",
                phone="+6281300002002",
                cohort_id=cohort.id,
                village="Clarak",
                district="Leces",
                supervisor_id="PDP-01",
                language="en",
            ),
            Person(
                id="KPM-03",
                role=Role.PARTICIPANT,
                name="Budi Maryam",
                phone="+6281300002003",
                cohort_id=cohort.id,
                village="Clarak",
                district="Leces",
                supervisor_id="PDP-01",
                language="jv",
            ),
        ]
        await add_people(session, people)
        invite(session, CODES)


async def add_people(session: AsyncSession, people: Iterable[Person]) -> None:
    """Roster rows as an import leaves them; flushed one by one, supervisors first."""
    for person in people:
        person.created_at = person.updated_at = NOW
        person.attributes = {}
        session.add(person)
        await session.flush()


def invite(session: AsyncSession, codes: Mapping[str, str]) -> None:
    """An invitation per person ID, with the fixed code given, valid for years."""
    for person_id, code in codes.items():
        session.add(
            Invitation(
                person_id=person_id,
                code=code,
                created_at=NOW,
                expires_at=NOW + timedelta(days=3650),
            )
        )
