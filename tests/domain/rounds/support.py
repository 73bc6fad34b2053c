"""A cohort of registered, consenting families for round tests."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.db.database import Database
from bot.db.models import Cohort, Person, Role, TelegramAccount

# Monday 5 January 2026, 08:00 in Jakarta.
CREATED = datetime(2026, 1, 5, 1, 0, tzinfo=UTC)


async def seed_cohort(
    db: Database,
    families: int,
    *,
    schedule: str = "mon 08:00",
    timezone: str = "Asia/Jakarta",
    name: str = "tenun-2026",
    quiet: tuple[str, str] = ("21:00", "06:00"),
    created: datetime = CREATED,
    first_user_id: int = 10_000,
) -> int:
    async with db.transaction() as session:
        cohort = Cohort(
            name=name,
            schedule=schedule,
            timezone=timezone,
            unit="kg",
            created_at=created,
            quiet_hours_start=quiet[0],
            quiet_hours_end=quiet[1],
        )
        session.add(cohort)
        await session.flush()
        session.add(
            Person(
                id=f"{name}-F",
                role=Role.FACILITATOR,
                name="Fasilitator",
                attributes={},
                created_at=CREATED,
                updated_at=CREATED,
            )
        )
        await session.flush()
        for number in range(families):
            person_id = f"{name}-{number:05d}"
            session.add(
                Person(
                    id=person_id,
                    role=Role.PARTICIPANT,
                    name=f"Keluarga {number}",
                    cohort_id=cohort.id,
                    supervisor_id=f"{name}-F",
                    attributes={},
                    consent_at=CREATED,
                    created_at=CREATED,
                    updated_at=CREATED,
                )
            )
            session.add(
                TelegramAccount(
                    person_id=person_id,
                    telegram_user_id=10_000 + number,
                    chat_id=10_000 + number,
                    linked_at=CREATED,
                    linked_by="invitation",
                )
            )
        return cohort.id


async def facilitator_on_telegram(db: Database, name: str = "tenun-2026") -> None:
    """The cohort's facilitator registered on Telegram (chat 4242), for the digest."""
    async with db.transaction() as session:
        facilitator = await session.get(Person, f"{name}-F")
        assert facilitator is not None
        facilitator.consent_at = CREATED
        session.add(
            TelegramAccount(
                person_id=f"{name}-F",
                telegram_user_id=4242,
                chat_id=4242,
                linked_at=CREATED,
                linked_by="invitation",
            )
        )
