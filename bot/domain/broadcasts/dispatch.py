"""Due broadcasts become outbox rows: one per recipient, in their language, after their
quiet hours; the paused and the unreachable are written down as skipped.

A message's dedup key names the broadcast and the person, so however often this runs (two
workers, a crash between deciding and committing) nobody is written the same broadcast twice.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime

from sqlalchemy import insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.dialect import is_postgresql
from bot.db.models import Broadcast, BroadcastSkip, BroadcastStatus, Cohort, Person, Priority
from bot.db.models.base import table_of
from bot.domain.broadcasts import audience as audiences
from bot.domain.broadcasts.compose import text_for
from bot.domain.broadcasts.lifecycle import DEFAULT_QUIET
from bot.domain.cohorts import cohort_quiet_hours
from bot.lib.scheduling import QuietHours, next_allowed, parse_schedule
from bot.lib.scheduling.schedule import next_occurrence
from bot.messaging.messages import Message, Outgoing, Photo
from bot.messaging.outbox import enqueue


async def release_due(session: AsyncSession, *, now: datetime) -> int:
    """Sends every broadcast whose time has come; returns the messages written."""
    due = (
        select(Broadcast)
        .where(Broadcast.status == BroadcastStatus.SCHEDULED, Broadcast.send_at <= now)
        .order_by(Broadcast.send_at, Broadcast.id)
    )
    if is_postgresql(session):
        due = due.with_for_update(skip_locked=True)
    written = 0
    for broadcast in list(await session.scalars(due)):
        if broadcast.repeat:
            occurrence = _occurrence(broadcast, now)
            session.add(occurrence)
            await session.flush()
            written += await expand(session, occurrence, now=now)
        else:
            written += await expand(session, broadcast, now=now)
    return written


def _occurrence(parent: Broadcast, now: datetime) -> Broadcast:
    """This time's copy of a repeating broadcast; the parent moves to its next time (after
    downtime, one occurrence for the times missed, not one for each)."""
    child = Broadcast(
        created_by_id=parent.created_by_id,
        actor=parent.actor,
        status=BroadcastStatus.SCHEDULED,
        text=parent.text,
        language=parent.language,
        texts=dict(parent.texts),
        photo_file_id=parent.photo_file_id,
        kind=parent.kind,
        audience=parent.audience,
        timezone=parent.timezone,
        send_at=parent.send_at,
        parent_id=parent.id,
        created_at=now,
    )
    schedule = parse_schedule(parent.repeat or "")
    parent.send_at = next_occurrence(
        schedule, max(now, parent.send_at), parent.timezone, parent.created_at.date()
    )
    return child


async def expand(session: AsyncSession, broadcast: Broadcast, *, now: datetime) -> int:
    """Writes the broadcast's messages and its skips; it is then `sending`."""
    viewer = await session.get(Person, broadcast.created_by_id) if broadcast.created_by_id else None
    audience = audiences.parse_audience(broadcast.audience)
    rows = (await session.execute(audiences.recipients_query(audience, viewer))).all()
    quiet: dict[int | None, tuple[str, QuietHours]] = {
        cohort.id: (cohort.timezone, cohort_quiet_hours(cohort))
        for cohort in await session.scalars(select(Cohort))
    }
    quiet[None] = (broadcast.timezone, DEFAULT_QUIET)
    start = max(now, broadcast.send_at)
    # One INSERT per moment the messages may go: most share one, quiet hours move some.
    by_moment: dict[datetime, list[Message]] = defaultdict(list)
    moments: dict[int | None, datetime] = {}
    skips: list[dict[str, object]] = []
    for person_id, name, language, status, cohort_id, _village, chat_id, gone in rows:
        reason = audiences.skip_reason(status, gone)
        if reason is not None:
            skips.append({"broadcast_id": broadcast.id, "person_id": person_id, "reason": reason})
            continue
        if cohort_id not in moments:
            tz, hours = quiet.get(cohort_id, quiet[None])
            moments[cohort_id] = next_allowed(start, tz, hours)
        text = text_for(broadcast.text, broadcast.texts, language=language, name=name)
        by_moment[moments[cohort_id]].append(_message(broadcast, chat_id, person_id, text))
    written = 0
    for moment, messages in sorted(by_moment.items()):
        await enqueue(session, messages, now=now, not_before=moment, broadcast_id=broadcast.id)
        written += len(messages)
    if skips:
        await session.execute(insert(table_of(BroadcastSkip)), skips)
    broadcast.status = BroadcastStatus.SENDING
    broadcast.queued_at = now
    broadcast.recipients = written
    broadcast.skipped = len(skips)
    return written


def _message(broadcast: Broadcast, chat_id: int, person_id: str, text: str) -> Message:
    key = f"b{broadcast.id}:{person_id}"
    if broadcast.photo_file_id:
        return Photo(
            chat_id=chat_id,
            file_id=broadcast.photo_file_id,
            caption=text,
            person_id=person_id,
            priority=Priority.BROADCAST,
            dedup_key=key,
        )
    return Outgoing(
        chat_id=chat_id, text=text, person_id=person_id, priority=Priority.BROADCAST, dedup_key=key
    )
