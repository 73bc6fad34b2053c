"""Erasure on request (UU PDP 27/2022, Indonesia's personal data protection law): a person's
name, phone, Telegram identity, own words and media go; the figures they took part in stay,
under an anonymous id.

The person's rows move to a new anonymous id in every table that refers to people, so
records, rounds and alerts still count them. What identifies them is then deleted (their
Telegram account, invitations, the updates and messages of their chat, attachments) or
blanked wherever else it was written: a facilitator's note or an alert card that named them.
"""

from __future__ import annotations

import contextlib
import json
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import (
    JSON,
    Enum,
    String,
    Text,
    Unicode,
    cast,
    delete,
    func,
    insert,
    or_,
    select,
    update,
)
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import (
    Attachment,
    AuditEntry,
    Base,
    FollowUpRecord,
    InboxUpdate,
    Invitation,
    OutboxMessage,
    OutboxStatus,
    Person,
    QuarantinedUpdate,
    Role,
    TelegramAccount,
)
from bot.db.models.base import refers_to_people
from bot.db.models.people import InvitationAttempt
from bot.db.person_locks import lock_erased
from bot.domain.audit import audit

ERASED = "[dihapus]"  # what stands where a name, phone or note was


class UnknownPersonError(Exception):
    def __init__(self, person_id: str) -> None:
        super().__init__(person_id)
        self.person_id = person_id


@dataclass(frozen=True, slots=True)
class Erased:
    person_id: str  # the id that was asked for
    anonymous_id: str  # the id their figures now carry
    rows_blanked: int  # rows elsewhere that named them, blanked
    media_files: tuple[Path, ...]  # downloaded copies: `remove_files` once committed


def _references() -> list[tuple[Any, Any]]:
    """(table, column) for every column that refers to a person, with a foreign key or
    without (the outbox's: bot/db/models/messaging.py)."""
    return [
        (table, column)
        for table in Base.metadata.sorted_tables
        for column in table.columns
        if refers_to_people(column)
    ]


def _scrub(value: Any, needles: tuple[str, ...], numbers: frozenset[int]) -> Any:
    """`value` with every needle replaced, inside JSON too (a Telegram id there is a
    number: it becomes 0)."""
    if isinstance(value, str):
        for needle in needles:
            value = value.replace(needle, ERASED)
        return value
    if isinstance(value, bool):
        return value
    if isinstance(value, int):
        return 0 if value in numbers else value
    if isinstance(value, list):
        return [_scrub(item, needles, numbers) for item in value]
    if isinstance(value, dict):
        return {key: _scrub(item, needles, numbers) for key, item in value.items()}
    return value


async def _blank_mentions(
    session: AsyncSession, needles: tuple[str, ...], numbers: frozenset[int]
) -> int:
    """Wherever else a name, phone or Telegram id was written (a card, a note, the audit
    log), it is replaced. Searched in SQL, so only the rows that mention one are read."""
    blanked = 0
    if not needles:
        return blanked
    for table in Base.metadata.sorted_tables:
        columns = [
            c
            for c in table.columns
            if isinstance(c.type, String | Text | Unicode | JSON) or "JSON" in type(c.type).__name__
        ]
        columns = [
            c
            for c in columns
            if not c.primary_key
            and not c.foreign_keys
            and not refers_to_people(c)
            and not isinstance(c.type, Enum)
        ]
        for column in columns:
            as_text = column if isinstance(column.type, String) else cast(column, Text)
            hits = or_(*(as_text.contains(needle) for needle in needles))
            key = list(table.primary_key.columns)
            rows = (await session.execute(select(*key, column).where(hits))).all()
            for row in rows:
                *ids, value = row
                if isinstance(value, str) and "JSON" in type(column.type).__name__:
                    value = json.loads(value)
                where = [k == i for k, i in zip(key, ids, strict=True)]
                await session.execute(
                    update(table)
                    .where(*where)
                    .values({column.name: _scrub(value, needles, numbers)})
                )
                blanked += 1
    return blanked


def _phone_forms(phone: str) -> list[str]:
    """The ways a card or a person writes a number: 0812…, 0812-3456-7890, +62 812-…"""
    import phonenumbers

    try:
        number = phonenumbers.parse(phone, "ID")
    except phonenumbers.NumberParseException:
        return []
    formats = (
        phonenumbers.PhoneNumberFormat.NATIONAL,
        phonenumbers.PhoneNumberFormat.INTERNATIONAL,
    )
    written = [phonenumbers.format_number(number, f) for f in formats]
    return [*written, *("".join(c for c in w if c.isdigit() or c == "+") for w in written)]


def _needles(person: Person, accounts: Iterable[TelegramAccount]) -> tuple[str, ...]:
    # Not the roster id: "KPM-01" is inside "KPM-010" (the audit log is rewritten by id).
    words = [person.name, person.phone or ""]
    if person.phone and person.phone.startswith("+"):
        words.append(person.phone[1:])  # as a contact card or a typed number has it
    if person.phone:
        words += _phone_forms(person.phone)
    for account in accounts:
        words += [str(account.telegram_user_id), account.username or "", account.first_name or ""]
    # Short words (a first name like "Sri") would blank unrelated text: whole names only.
    return tuple(sorted({w for w in words if len(w) >= 5}, key=len, reverse=True))


async def forget(
    session: AsyncSession, person_id: str, *, actor: str, now: datetime, media: Path | None
) -> Erased:
    """Erase one person in this transaction; `media` is the folder downloaded files are in.

    The person's row is locked first (bot/db/person_locks.py): a transaction writing a
    message or a conversation for them, which no foreign key checks, either finishes first
    and its rows are moved below, or waits and then finds them gone."""
    person = await lock_erased(session, person_id)
    if person is None:
        raise UnknownPersonError(person_id)
    accounts = list(
        await session.scalars(select(TelegramAccount).where(TelegramAccount.person_id == person_id))
    )
    telegram_ids = [a.telegram_user_id for a in accounts]
    chats = [a.chat_id for a in accounts]
    needles = _needles(person, accounts)

    anonymous = f"anon-{secrets.token_hex(6)}"
    await session.execute(
        insert(Person).values(
            id=anonymous,
            role=person.role,
            name=anonymous,
            phone=None,
            cohort_id=person.cohort_id,
            village=person.village,
            district=person.district,
            regency=person.regency,
            supervisor_id=person.supervisor_id,
            language=person.language,
            attributes={},
            status=person.status,
            consent_at=person.consent_at,
            paused_at=person.paused_at,
            created_at=person.created_at,
            updated_at=now,
        )
    )
    for table, column in _references():
        await session.execute(
            update(table).where(column == person_id).values({column.name: anonymous})
        )
    await session.execute(delete(Person).where(Person.id == person_id))

    # Who they are on Telegram, and what came from or went to their chat.
    await session.execute(delete(TelegramAccount).where(TelegramAccount.person_id == anonymous))
    await session.execute(delete(Invitation).where(Invitation.person_id == anonymous))
    if telegram_ids:
        await session.execute(
            delete(InvitationAttempt).where(InvitationAttempt.telegram_user_id.in_(telegram_ids))
        )
        await session.execute(
            update(Invitation)
            .where(Invitation.used_by_telegram_user_id.in_(telegram_ids))
            .values(used_by_telegram_user_id=None)
        )
    if chats:
        await session.execute(delete(InboxUpdate).where(InboxUpdate.chat_id.in_(chats)))
        await session.execute(delete(QuarantinedUpdate).where(QuarantinedUpdate.chat_id.in_(chats)))
    # Messages not yet sent are not sent; those sent keep only that they were (counts).
    outbox = OutboxMessage
    theirs = or_(outbox.person_id == anonymous, outbox.chat_id.in_(chats or [0]))
    await session.execute(
        delete(outbox).where(
            theirs, outbox.status.in_((OutboxStatus.PENDING, OutboxStatus.SENDING))
        )
    )
    await session.execute(update(outbox).where(theirs).values(payload={}, chat_id=0))

    # Their own words and pictures.
    await session.execute(
        update(FollowUpRecord)
        .where(FollowUpRecord.person_id == anonymous, FollowUpRecord.problem_note.is_not(None))
        .values(problem_note=None)
    )
    files = tuple(
        media / path
        for path in await session.scalars(
            select(Attachment.local_path).where(
                Attachment.person_id == anonymous, Attachment.local_path.is_not(None)
            )
        )
        if media is not None and path
    )
    await session.execute(delete(Attachment).where(Attachment.person_id == anonymous))

    # The audit log names people by id: the same anonymous id, and no Telegram id.
    await session.execute(
        update(AuditEntry).where(AuditEntry.subject == person_id).values(subject=anonymous)
    )
    await session.execute(
        update(AuditEntry).where(AuditEntry.actor == person_id).values(actor=anonymous)
    )
    for telegram_id in telegram_ids:
        await session.execute(
            update(AuditEntry)
            .where(AuditEntry.actor == f"tg:{telegram_id}")
            .values(actor=f"tg:{ERASED}")
        )
    blanked = await _blank_mentions(session, needles, frozenset(telegram_ids))
    audit(
        session,
        at=now,
        actor=actor,
        action="person.forgotten",
        subject=anonymous,
        details={"role": str(person.role)},
    )
    return Erased(person_id, anonymous, blanked, files)


def remove_files(files: Iterable[Path]) -> int:
    """Delete the downloaded copies (after the erasure committed: a rollback must not lose
    files whose rows stay), and the person's folder once empty."""
    removed = 0
    for path in files:
        try:
            path.unlink()
            removed += 1
        except FileNotFoundError:
            continue
        with contextlib.suppress(OSError):  # other files are still there
            path.parent.rmdir()
    return removed


async def inactive_since(session: AsyncSession, cutoff: datetime) -> list[str]:
    """Participants (not yet anonymous) whose last answer, consent or roster entry is
    older than `cutoff`."""
    last_answer = (
        select(FollowUpRecord.person_id, func.max(FollowUpRecord.answered_at).label("at"))
        .group_by(FollowUpRecord.person_id)
        .subquery()
    )
    last_seen = func.coalesce(last_answer.c.at, Person.consent_at, Person.created_at)
    rows = await session.scalars(
        select(Person.id)
        .outerjoin(last_answer, last_answer.c.person_id == Person.id)
        .where(
            Person.role == Role.PARTICIPANT,
            Person.id.not_like("anon-%"),
            last_seen < cutoff,
        )
        .order_by(Person.id)
    )
    return list(rows)
