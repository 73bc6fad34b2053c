"""Who a broadcast goes to: `key=value` terms that must all hold, parsed once and queried in SQL.

The terms are those of `kabar broadcast --audience` (DESIGN.md): cohort, district, village,
facilitator, status, role; and `answered=no`, the families who have not answered the open
round. No terms means every registered participant. Only registered people (with a
Telegram account) can be sent anything; paused and unreachable ones are counted and
skipped.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, Select, and_, exists, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from bot.db.models import (
    Cohort,
    FollowUpRecord,
    ParticipantStatus,
    Person,
    RecordStatus,
    Role,
    Round,
    TelegramAccount,
)
from bot.domain.broadcasts.errors import BroadcastError
from bot.domain.cohorts import CohortError, get_cohort
from bot.lib.i18n import N_

KEYS = ("cohort", "district", "village", "facilitator", "status", "role", "answered")
STATUSES = tuple(status.value for status in ParticipantStatus)
ROLES = ("participant", "facilitator", "coordinator", "staff")

MSG_BAD_TERM = N_(
    'Cannot read "{term}" in the audience: write key=value terms joined by commas, for '
    "example cohort=Pisang-2026,village=Sumberkare."
)
MSG_BAD_KEY = N_(
    'Unknown audience key "{key}". Use `cohort`, `district`, `village`, `facilitator`, '
    "`status`, `role` or `answered`, for example status=quiet."
)
MSG_BAD_STATUS = N_(
    'Unknown status "{value}". Use active, quiet, not-producing, unreachable or paused, for '
    "example status=quiet."
)
MSG_BAD_ROLE = N_(
    'Unknown role "{value}". Use `participant`, `facilitator`, `coordinator` or `staff`, for '
    "example role=facilitator."
)
MSG_BAD_ANSWERED = N_(
    "Only answered=no is understood: the families who have not answered the open round "
    '(not "{value}").'
)
MSG_TWICE = N_('The audience names "{key}" twice; give each key once.')
MSG_UNKNOWN_COHORT = N_('There is no cohort "{value}". See kabar cohort list.')
MSG_UNKNOWN_FACILITATOR = N_('There is no facilitator with id "{value}".')


@dataclass(frozen=True, slots=True)
class Audience:
    """Terms that must all hold; empty means every registered participant."""

    terms: tuple[tuple[str, str], ...] = ()

    def get(self, key: str) -> str | None:
        return dict(self.terms).get(key)

    def with_term(self, key: str, value: str) -> Audience:
        kept = tuple((k, v) for k, v in self.terms if k != key)
        return Audience(tuple(sorted((*kept, (key, value)))))

    @property
    def role(self) -> Role:
        return Role(self.get("role") or Role.PARTICIPANT.value)

    def __str__(self) -> str:
        return ",".join(f"{key}={value}" for key, value in self.terms)


def parse_audience(expression: str) -> Audience:
    """Read `cohort=X,status=quiet`; BroadcastError names what is wrong and shows an example."""
    terms: dict[str, str] = {}
    for raw in expression.split(","):
        term = raw.strip()
        if not term:
            continue
        key, sep, value = term.partition("=")
        key, value = key.strip().lower(), value.strip()
        if not sep or not key or not value:
            raise BroadcastError(MSG_BAD_TERM, term=term)
        if key not in KEYS:
            raise BroadcastError(MSG_BAD_KEY, key=key)
        if key in terms:
            raise BroadcastError(MSG_TWICE, key=key)
        if key == "status":
            value = value.lower().replace("_", "-")
            if value not in STATUSES:
                raise BroadcastError(MSG_BAD_STATUS, value=value)
        elif key == "role":
            value = value.lower()
            if value not in ROLES:
                raise BroadcastError(MSG_BAD_ROLE, value=value)
        elif key == "answered" and value.lower() not in ("no", "tidak", "belum"):
            raise BroadcastError(MSG_BAD_ANSWERED, value=value)
        elif key == "answered":
            value = "no"
        terms[key] = value
    return Audience(tuple(sorted(terms.items())))


async def check_names(session: AsyncSession, audience: Audience) -> Audience:
    """A cohort or facilitator that does not exist is a typo, not an empty audience.

    Returns the audience with the cohort spelled as stored ("cohort=Tenun-2026" typed is
    kept as "cohort=tenun-2026"), which `matching` then compares exactly."""
    cohort = audience.get("cohort")
    if cohort is not None:
        try:
            found = await get_cohort(session, cohort)
        except CohortError as error:  # two cohorts differ only by case
            raise BroadcastError(error.msgid, **error.params) from None
        if found is None:
            raise BroadcastError(MSG_UNKNOWN_COHORT, value=cohort)
        audience = audience.with_term("cohort", found.name)
    facilitator = audience.get("facilitator")
    if facilitator is not None:
        found_person = await session.get(Person, facilitator)
        if found_person is None or found_person.role is not Role.FACILITATOR:
            raise BroadcastError(MSG_UNKNOWN_FACILITATOR, value=facilitator)
    return audience


def _unanswered() -> ColumnElement[bool]:
    """In a cohort whose round is open, and no answer to it yet."""
    open_round = select(Round.cohort_id).where(Round.closed_at.is_(None))
    answered = exists().where(
        FollowUpRecord.person_id == Person.id,
        FollowUpRecord.status == RecordStatus.ANSWERED,
        FollowUpRecord.round_id.in_(select(Round.id).where(Round.closed_at.is_(None))),
    )
    return and_(Person.cohort_id.in_(open_round), ~answered)


def in_scope(viewer: Person | None) -> ColumnElement[bool] | None:
    """Whom `viewer` may broadcast to: staff (and the CLI, None) anyone; a coordinator the
    families of the facilitators they supervise, and those facilitators."""
    if viewer is None or viewer.role is Role.STAFF:
        return None
    if viewer.role is Role.COORDINATOR:
        facilitator = aliased(Person)
        theirs = select(facilitator.id).where(facilitator.supervisor_id == viewer.id)
        return or_(Person.supervisor_id.in_(theirs), Person.supervisor_id == viewer.id)
    return Person.id.is_(None)  # nobody: the caller refuses first, this keeps it safe


def matching(audience: Audience, viewer: Person | None = None) -> list[ColumnElement[bool]]:
    """The conditions on Person (joined to its cohort's name) for this audience."""
    conditions: list[ColumnElement[bool]] = [Person.role == audience.role]
    for key, value in audience.terms:
        if key == "cohort":  # spelled as stored: check_names made it so
            conditions.append(
                Person.cohort_id == select(Cohort.id).where(Cohort.name == value).scalar_subquery()
            )
        elif key == "district":
            conditions.append(func.lower(Person.district) == value.lower())
        elif key == "village":
            conditions.append(func.lower(Person.village) == value.lower())
        elif key == "facilitator":
            conditions.append(Person.supervisor_id == value)
        elif key == "status":
            conditions.append(Person.status == ParticipantStatus(value))
        elif key == "answered":
            conditions.append(_unanswered())
    scope = in_scope(viewer)
    if scope is not None:
        conditions.append(scope)
    return conditions


RecipientRow = Select[
    str, str, str | None, ParticipantStatus, int | None, str | None, int, datetime | None
]


def recipients_query(audience: Audience, viewer: Person | None = None) -> RecipientRow:
    """Registered people of the audience, the columns a message needs, in a stable order
    (columns, not ORM objects: an audience may be a province)."""
    return (
        select(
            Person.id,
            Person.name,
            Person.language,
            Person.status,
            Person.cohort_id,
            Person.village,
            TelegramAccount.chat_id,
            TelegramAccount.unreachable_at,
        )
        .join(TelegramAccount, TelegramAccount.person_id == Person.id)
        .where(*matching(audience, viewer))
        .order_by(Person.id)
    )


@dataclass(frozen=True, slots=True)
class Count:
    """How many a broadcast would reach, and how many of its audience it skips."""

    reachable: int
    paused: int
    unreachable: int

    @property
    def total(self) -> int:
        return self.reachable + self.paused + self.unreachable


def skip_reason(status: ParticipantStatus, unreachable_at: object) -> str | None:
    if status is ParticipantStatus.PAUSED:
        return "paused"
    if unreachable_at is not None or status is ParticipantStatus.UNREACHABLE:
        return "unreachable"
    return None


async def longest_name(session: AsyncSession, audience: Audience, viewer: Person | None) -> int:
    found = await session.scalar(
        select(func.max(func.length(Person.name)))
        .join(TelegramAccount, TelegramAccount.person_id == Person.id)
        .where(*matching(audience, viewer))
    )
    return int(found or 0)


async def count(session: AsyncSession, audience: Audience, viewer: Person | None = None) -> Count:
    """Counted in SQL: the preview shows it before anything is written."""
    paused = Person.status == ParticipantStatus.PAUSED
    gone = and_(
        ~paused,
        or_(
            TelegramAccount.unreachable_at.is_not(None),
            Person.status == ParticipantStatus.UNREACHABLE,
        ),
    )
    row = (
        await session.execute(
            select(
                func.count(),
                func.count().filter(paused),
                func.count().filter(gone),
            )
            .select_from(Person)
            .join(TelegramAccount, TelegramAccount.person_id == Person.id)
            .where(*matching(audience, viewer))
        )
    ).one()
    total, paused_n, gone_n = (int(v or 0) for v in row)
    return Count(reachable=total - paused_n - gone_n, paused=paused_n, unreachable=gone_n)
