"""A small programme (coordinator, facilitator, families) and rounds written by hand.

Records are written directly, as the check-in and the round clock would leave them, so each
test states exactly what every family answered in every round.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime, timedelta

from sqlalchemy import select

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
    TelegramAccount,
)
from bot.domain.alerts import RuleOutcome, evaluate

START = datetime(2026, 1, 5, 1, 0, tzinfo=UTC)  # a Monday, 08:00 in Jakarta
WEEK = timedelta(days=7)
COORDINATOR = "K"
FACILITATOR = "F"

# What a family did in a round: "yes"/"no" = answered, produced or not; "help" = answered
# "no" and asked for help; "partial" = started, stopped before the production question;
# "missed"; None = not asked (no record).
Answer = str | None


def family(number: int) -> str:
    return f"P{number}"


async def seed(
    db: Database,
    families: int = 3,
    *,
    facilitator_account: bool = True,
    coordinator: bool = True,
    **cohort_settings: int,
) -> int:
    async with db.transaction() as session:
        cohort = Cohort(
            name="tenun",
            schedule="mon 08:00",
            timezone="Asia/Jakarta",
            created_at=START,
            **cohort_settings,
        )
        session.add(cohort)
        await session.flush()
        staff: list[tuple[str, Role, str | None]] = [(FACILITATOR, Role.FACILITATOR, None)]
        if coordinator:
            staff = [(COORDINATOR, Role.COORDINATOR, None), (FACILITATOR, Role.FACILITATOR, "K")]
        for person_id, role, supervisor in staff:
            session.add(_person(person_id, role, supervisor, None))
            await session.flush()
            if person_id != FACILITATOR or facilitator_account:
                session.add(_account(person_id, 1 if person_id == FACILITATOR else 2))
        for number in range(families):
            session.add(_person(family(number), Role.PARTICIPANT, FACILITATOR, cohort.id))
            session.add(_account(family(number), 100 + number))
        return cohort.id


def _person(person_id: str, role: Role, supervisor: str | None, cohort_id: int | None) -> Person:
    return Person(
        id=person_id,
        role=role,
        name=person_id,
        cohort_id=cohort_id,
        supervisor_id=supervisor,
        attributes={},
        status=ParticipantStatus.ACTIVE,
        consent_at=START,
        created_at=START,
        updated_at=START,
    )


def _account(person_id: str, number: int) -> TelegramAccount:
    return TelegramAccount(
        person_id=person_id,
        telegram_user_id=number,
        chat_id=number,
        linked_at=START,
        linked_by="invitation",
    )


class Programme:
    """Moves week by week: each `week()` opens a round, records answers, closes it."""

    def __init__(self, db: Database, cohort_id: int) -> None:
        self.db = db
        self.cohort_id = cohort_id
        self.weeks = 0

    @property
    def now(self) -> datetime:
        """The close of the latest round (6 days after it opened)."""
        return START + (self.weeks - 1) * WEEK + timedelta(days=6)

    async def week(
        self, answers: Mapping[str, Answer], *, evaluate_after: bool = True
    ) -> RuleOutcome:
        opened = START + self.weeks * WEEK
        self.weeks += 1
        async with self.db.transaction() as session:
            round_ = Round(
                cohort_id=self.cohort_id,
                kind="scheduled",
                scheduled_for=opened,
                opened_at=opened,
                closes_at=opened + timedelta(days=6),
                closed_at=opened + timedelta(days=6),
            )
            session.add(round_)
            await session.flush()
            for person_id, answer in answers.items():
                if answer is not None:
                    session.add(record(round_.id, person_id, answer, opened + timedelta(hours=3)))
        if not evaluate_after:
            return RuleOutcome()
        return await self.evaluate()

    async def evaluate(self, at: datetime | None = None) -> RuleOutcome:
        async with self.db.transaction() as session:
            return await evaluate(session, now=at or self.now)


def record(round_id: int, person_id: str, answer: str, at: datetime) -> FollowUpRecord:
    missed = answer == "missed"
    partial = answer == "partial"
    return FollowUpRecord(
        round_id=round_id,
        person_id=person_id,
        status=(
            RecordStatus.MISSED
            if missed
            else RecordStatus.PARTIAL
            if partial
            else RecordStatus.ANSWERED
        ),
        produced=None if missed or partial else answer == "yes",
        problems=["tools"] if answer == "help" else [],
        problem_note="no dryer" if answer == "help" else None,
        needs_help=answer == "help",
        late=False,
        answered_at=None if missed or partial else at,
        created_at=at,
        updated_at=at,
    )


async def alerts_of(db: Database, person_id: str | None = None) -> list[Alert]:
    async with db.sessions() as session:
        query = select(Alert).order_by(Alert.id)
        if person_id is not None:
            query = query.where(Alert.person_id == person_id)
        return list((await session.scalars(query)).all())


async def status_of(db: Database, person_id: str) -> ParticipantStatus:
    async with db.sessions() as session:
        person = await session.get(Person, person_id)
        assert person is not None
        return person.status


def rules(outcome_alerts: list[Alert]) -> list[tuple[str, str]]:
    return sorted((alert.person_id, alert.rule) for alert in outcome_alerts)
