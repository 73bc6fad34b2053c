"""Issuing invitation codes to people not yet registered, and checking a code someone sent.

Rules: one open (unused, unrevoked, unexpired) invitation per person at a time. Asking again
returns the open code, so a sheet printed twice carries the same codes; `renew` revokes the
open codes and issues fresh ones. A used, revoked or expired code is never handed out again.

With a cohort, the invitees are everyone in that cohort who is not registered plus the
people those participants report to (their facilitators), because a facilitator must be on
Telegram to receive the alerts about the cohort's families.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from sqlalchemy import ColumnElement, and_, exists, insert, or_, select, text, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from bot.db.dialect import is_postgresql
from bot.db.models import Cohort, Invitation, Person, Role, TelegramAccount
from bot.domain.audit import audit
from bot.domain.cohorts import require_cohort
from bot.domain.invites.codes import new_code, normalize_code
from bot.lib.i18n import N_, Translator

DEFAULT_VALID_DAYS = 90
MAX_VALID_DAYS = 3650

# Two `kabar invites` at once must not both issue a code to the same person. SQLite already
# runs one writer at a time; PostgreSQL takes this transaction-level advisory lock.
_ISSUE_LOCK_KEY = 0x4B41424152_0101  # "KABAR", invitations

MSG_BAD_VALID_DAYS = N_("The number of days an invitation is valid must be from 1 to 3650.")


class InviteError(Exception):
    """An invitation request that cannot be done; `translate(t)` gives the operator's text."""

    def __init__(self, msgid: str, **params: Any) -> None:
        self.msgid = msgid
        self.params = params
        super().__init__(msgid.format(**params))

    def translate(self, t: Translator) -> str:
        return t.gettext(self.msgid).format(**self.params)


class InvitationStatus(StrEnum):
    VALID = "valid"
    UNKNOWN = "unknown"
    USED = "used"
    EXPIRED = "expired"
    REVOKED = "revoked"


@dataclass(frozen=True, slots=True)
class InviteRow:
    """One person's open invitation, with what a printed card needs."""

    person_id: str
    name: str
    role: Role
    code: str
    expires_at: datetime | None
    cohort: str | None
    village: str | None
    district: str | None
    language: str | None
    supervisor_id: str | None
    supervisor_name: str | None
    is_new: bool  # issued by this call rather than reused


@dataclass(frozen=True, slots=True)
class IssueResult:
    rows: list[InviteRow]  # ordered by person id
    cohort: str | None
    issued: int
    reused: int
    revoked: int


def _is_open(now: datetime) -> ColumnElement[bool]:
    return and_(
        Invitation.used_at.is_(None),
        Invitation.revoked_at.is_(None),
        or_(Invitation.expires_at.is_(None), Invitation.expires_at > now),
    )


def _unregistered() -> ColumnElement[bool]:
    return ~exists().where(TelegramAccount.person_id == Person.id)


async def issue_invitations(
    session: AsyncSession,
    *,
    now: datetime,
    cohort: str | None = None,
    renew: bool = False,
    valid_days: int = DEFAULT_VALID_DAYS,
    actor: str = "cli",
) -> IssueResult:
    """An open invitation for every unregistered person in scope (see the module docstring).

    Raises CohortError for an unknown cohort and InviteError for a bad `valid_days`.
    """
    if not 1 <= valid_days <= MAX_VALID_DAYS:
        raise InviteError(MSG_BAD_VALID_DAYS)
    if is_postgresql(session):
        await session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _ISSUE_LOCK_KEY})
    scope: list[ColumnElement[bool]] = [_unregistered()]
    cohort_name: str | None = None
    if cohort is not None:
        found = await require_cohort(session, cohort)
        cohort_name = found.name
        members = Person.cohort_id == found.id
        supervisors = select(Person.supervisor_id).where(
            Person.cohort_id == found.id,
            Person.role == Role.PARTICIPANT,
            Person.supervisor_id.is_not(None),
        )
        # Its own FROM: inside a query on people it would otherwise correlate to the outer row.
        supervisors = supervisors.correlate(None)
        scope.append(or_(members, Person.id.in_(supervisors)))
    in_scope = select(Person.id).where(*scope)

    revoked = 0
    if renew:
        result = await session.execute(
            update(Invitation)
            .where(_is_open(now), Invitation.person_id.in_(in_scope))
            .values(revoked_at=now)
            .returning(Invitation.id),
            execution_options={"synchronize_session": False},
        )
        revoked = len(result.all())

    supervisor = aliased(Person)
    people = (
        await session.execute(
            select(
                Person.id,
                Person.name,
                Person.role,
                Person.village,
                Person.district,
                Person.language,
                Person.supervisor_id,
                supervisor.name,
                Cohort.name,
            )
            .outerjoin(Cohort, Cohort.id == Person.cohort_id)
            .outerjoin(supervisor, supervisor.id == Person.supervisor_id)
            .where(*scope)
            .order_by(Person.id)
        )
    ).all()

    existing: dict[str, tuple[str, datetime | None]] = {}
    open_rows = await session.execute(
        select(Invitation.person_id, Invitation.code, Invitation.expires_at)
        .where(_is_open(now), Invitation.person_id.in_(in_scope))
        .order_by(Invitation.created_at, Invitation.id)
    )
    for person_id, code, expires_at in open_rows:
        existing[person_id] = (code, expires_at)  # the newest wins if there are several

    expires = now + timedelta(days=valid_days)
    fresh: list[dict[str, Any]] = []
    rows: list[InviteRow] = []
    for person_id, name, role, village, district, language, sup_id, sup_name, cohort_of in people:
        if person_id in existing:
            code, expires_at = existing[person_id]
            is_new = False
        else:
            code, expires_at, is_new = new_code(), expires, True
            fresh.append(
                {"person_id": person_id, "code": code, "created_at": now, "expires_at": expires}
            )
        rows.append(
            InviteRow(
                person_id=person_id,
                name=name,
                role=role,
                code=code,
                expires_at=expires_at,
                cohort=cohort_of,
                village=village,
                district=district,
                language=language,
                supervisor_id=sup_id,
                supervisor_name=sup_name,
                is_new=is_new,
            )
        )
    if fresh:
        await session.execute(insert(Invitation), fresh)

    if revoked:
        audit(
            session,
            at=now,
            actor=actor,
            action="invitations.revoked",
            subject=cohort_name,
            details={"count": revoked, "reason": "renew"},
        )
    if fresh:
        audit(
            session,
            at=now,
            actor=actor,
            action="invitations.renewed" if renew else "invitations.issued",
            subject=cohort_name,
            details={
                "count": len(fresh),
                "valid_days": valid_days,
                "person_ids": [item["person_id"] for item in fresh],
            },
        )
    return IssueResult(
        rows=rows,
        cohort=cohort_name,
        issued=len(fresh),
        reused=len(rows) - len(fresh),
        revoked=revoked,
    )


def classify(invitation: Invitation, now: datetime) -> InvitationStatus:
    if invitation.used_at is not None:
        return InvitationStatus.USED
    if invitation.revoked_at is not None:
        return InvitationStatus.REVOKED
    if invitation.expires_at is not None and invitation.expires_at <= now:
        return InvitationStatus.EXPIRED
    return InvitationStatus.VALID


async def find_invitation(
    session: AsyncSession, code: str, now: datetime
) -> tuple[Invitation | None, InvitationStatus]:
    """The invitation a code (as sent or typed) refers to, and whether it can still be used.

    Returns (None, UNKNOWN) for a code we never issued; otherwise the row and VALID, USED,
    REVOKED or EXPIRED (checked in that order of precedence after VALID).
    """
    text = code.strip()
    candidates = {text} if text else set()
    normalized = normalize_code(text)
    if normalized:
        candidates.add(normalized)
    if not candidates or any(len(candidate) > 64 for candidate in candidates):
        return None, InvitationStatus.UNKNOWN
    result = await session.execute(select(Invitation).where(Invitation.code.in_(candidates)))
    invitation = result.scalars().first()
    if invitation is None:
        return None, InvitationStatus.UNKNOWN
    return invitation, classify(invitation, now)


async def redeem_invitation(
    session: AsyncSession, invitation: Invitation, *, telegram_user_id: int, now: datetime
) -> bool:
    """Mark the invitation used, only if it is still valid; True if this call claimed it.

    A conditional UPDATE, so two accounts racing for one code (two workers, two taps) cannot
    both win. The caller links the TelegramAccount in the same transaction.
    """
    result = await session.execute(
        update(Invitation)
        .where(Invitation.id == invitation.id, _is_open(now))
        .values(used_at=now, used_by_telegram_user_id=telegram_user_id)
        .returning(Invitation.id),
        execution_options={"synchronize_session": False},
    )
    claimed = result.scalar_one_or_none() is not None
    if claimed:
        # Keep the caller's object in step without another round trip.
        await session.refresh(invitation)
    return claimed
