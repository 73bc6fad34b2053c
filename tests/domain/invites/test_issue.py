"""Issuing invitations and checking codes, on the real database."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from bot.db.database import Database
from bot.db.models import AuditEntry, Invitation, Role
from bot.domain.cohorts import CohortError
from bot.domain.invites import (
    InvitationStatus,
    InviteError,
    find_invitation,
    issue_invitations,
    redeem_invitation,
)
from tests.domain.cohorts.support import NOW, P, add_people

PEOPLE = [
    P("KRD-1", role=Role.COORDINATOR),
    P("PDP-A", role=Role.FACILITATOR, supervisor="KRD-1"),
    P("PDP-B", role=Role.FACILITATOR, supervisor="KRD-1", registered=True),
    P("PDP-C", role=Role.FACILITATOR, supervisor="KRD-1"),
    P("KPM-1", cohort="alpha", supervisor="PDP-A"),
    P("KPM-2", cohort="alpha", supervisor="PDP-B"),
    P("KPM-3", cohort="alpha", supervisor="PDP-A", registered=True),
    P("KPM-4", cohort="beta", supervisor="PDP-C"),
    P("STF-1", role=Role.STAFF, registered=True),
]


@pytest.fixture
async def people(db: Database) -> Database:
    await add_people(db, PEOPLE, cohorts=["alpha", "beta"])
    return db


async def _invitations(db: Database) -> list[Invitation]:
    async with db.transaction() as session:
        query = select(Invitation).order_by(Invitation.id)
        return list((await session.execute(query)).scalars().all())


async def test_everyone_unregistered_gets_one_code(people: Database) -> None:
    async with people.transaction() as session:
        result = await issue_invitations(session, now=NOW)
    assert [row.person_id for row in result.rows] == [
        "KPM-1",
        "KPM-2",
        "KPM-4",
        "KRD-1",
        "PDP-A",
        "PDP-C",
    ]
    assert (result.issued, result.reused, result.revoked) == (6, 0, 0)
    kpm1 = result.rows[0]
    assert (kpm1.role, kpm1.cohort, kpm1.supervisor_id) == (Role.PARTICIPANT, "alpha", "PDP-A")
    assert kpm1.supervisor_name == "Name of PDP-A"
    assert kpm1.expires_at == NOW + timedelta(days=90)
    stored = await _invitations(people)
    assert sorted(i.person_id for i in stored) == sorted(r.person_id for r in result.rows)
    assert len({i.code for i in stored}) == 6


async def test_asking_again_gives_the_same_codes(people: Database) -> None:
    async with people.transaction() as session:
        first = await issue_invitations(session, now=NOW)
    async with people.transaction() as session:
        again = await issue_invitations(session, now=NOW + timedelta(days=3), valid_days=5)
    assert [(r.person_id, r.code) for r in again.rows] == [
        (r.person_id, r.code) for r in first.rows
    ]
    assert (again.issued, again.reused) == (0, 6)
    assert not any(row.is_new for row in again.rows)
    assert len(await _invitations(people)) == 6


async def test_renew_revokes_and_replaces(people: Database) -> None:
    async with people.transaction() as session:
        first = await issue_invitations(session, now=NOW)
    later = NOW + timedelta(hours=1)
    async with people.transaction() as session:
        renewed = await issue_invitations(session, now=later, renew=True)
    assert (renewed.issued, renewed.revoked) == (6, 6)
    assert not {r.code for r in first.rows} & {r.code for r in renewed.rows}
    stored = await _invitations(people)
    old = [i for i in stored if i.code in {r.code for r in first.rows}]
    assert len(old) == 6 and all(i.revoked_at == later for i in old)
    async with people.transaction() as session:
        actions = (await session.execute(select(AuditEntry.action).order_by(AuditEntry.id))).all()
    assert [a for (a,) in actions] == [
        "invitations.issued",
        "invitations.revoked",
        "invitations.renewed",
    ]


async def test_expired_and_used_codes_are_never_reissued(people: Database) -> None:
    async with people.transaction() as session:
        first = await issue_invitations(session, now=NOW, valid_days=1)
    codes = {r.person_id: r.code for r in first.rows}
    async with people.transaction() as session:
        invitation, status = await find_invitation(session, codes["KPM-1"], NOW)
        assert status is InvitationStatus.VALID and invitation is not None
        assert await redeem_invitation(session, invitation, telegram_user_id=77, now=NOW)
    # Two days later KPM-1's code is used (no account was linked here, so KPM-1 still counts
    # as unregistered) and the others have expired: everyone gets a fresh code.
    later = NOW + timedelta(days=2)
    async with people.transaction() as session:
        again = await issue_invitations(session, now=later)
    assert again.issued == 6
    assert not set(codes.values()) & {r.code for r in again.rows}


async def test_cohort_filter_includes_its_facilitators(people: Database) -> None:
    async with people.transaction() as session:
        alpha = await issue_invitations(session, now=NOW, cohort="alpha")
    # KPM-3 and PDP-B are registered; PDP-A facilitates alpha; PDP-C and KPM-4 are beta's.
    assert [r.person_id for r in alpha.rows] == ["KPM-1", "KPM-2", "PDP-A"]
    assert alpha.cohort == "alpha"
    async with people.transaction() as session:
        everyone = await issue_invitations(session, now=NOW)
    assert everyone.reused == 3 and everyone.issued == 3
    with pytest.raises(CohortError, match='There is no cohort "gamma"'):
        async with people.transaction() as session:
            await issue_invitations(session, now=NOW, cohort="gamma")


async def test_valid_days_must_be_sensible(people: Database) -> None:
    with pytest.raises(InviteError):
        async with people.transaction() as session:
            await issue_invitations(session, now=NOW, valid_days=0)


async def test_find_invitation_classifies_codes(people: Database) -> None:
    async with people.transaction() as session:
        issued = await issue_invitations(session, now=NOW, valid_days=10)
    code = {r.person_id: r.code for r in issued.rows}
    async with people.transaction() as session:
        assert await find_invitation(session, "nonsense", NOW) == (None, InvitationStatus.UNKNOWN)
        assert await find_invitation(session, "", NOW) == (None, InvitationStatus.UNKNOWN)
        assert await find_invitation(session, "x" * 200, NOW) == (None, InvitationStatus.UNKNOWN)
        found, status = await find_invitation(session, code["KPM-1"], NOW)
        assert status is InvitationStatus.VALID and found is not None
        assert found.person_id == "KPM-1"
        # Typed by hand: capitals, spaces instead of dashes, o for 0.
        typed = code["KPM-1"].upper().replace("-", " ").replace("0", "O")
        assert (await find_invitation(session, typed, NOW))[1] is InvitationStatus.VALID
        expired = await find_invitation(session, code["KPM-2"], NOW + timedelta(days=10))
        assert expired[1] is InvitationStatus.EXPIRED
    async with people.transaction() as session:
        await issue_invitations(session, now=NOW, renew=True, cohort="beta")
        assert (await find_invitation(session, code["KPM-4"], NOW))[1] is InvitationStatus.REVOKED
    async with people.transaction() as session:
        invitation, _ = await find_invitation(session, code["KPM-1"], NOW)
        assert invitation is not None
        assert await redeem_invitation(session, invitation, telegram_user_id=5, now=NOW)
        assert invitation.used_by_telegram_user_id == 5
        # Single use: a second claim loses, and the code now reads as used.
        assert not await redeem_invitation(session, invitation, telegram_user_id=6, now=NOW)
        assert (await find_invitation(session, code["KPM-1"], NOW))[1] is InvitationStatus.USED


async def test_nobody_to_invite(db: Database) -> None:
    await add_people(db, [P("STF-1", role=Role.STAFF, registered=True)])
    async with db.transaction() as session:
        result = await issue_invitations(session, now=NOW)
        count = (await session.execute(select(func.count()).select_from(AuditEntry))).scalar_one()
    assert result.rows == [] and count == 0
