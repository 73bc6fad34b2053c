"""Due broadcasts become outbox rows, a chunk per transaction: one per recipient, in their
language, after their quiet hours; the paused and the unreachable are written down as
skipped.

A chunk's rows and the last person written commit together, so a crash between chunks
loses nothing and repeats nothing; and a message's dedup key names the broadcast and the
person, so even a second writer (a worker that lost the lead mid-chunk) is refused by the
database rather than anybody being written the same broadcast twice.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime

from sqlalchemy import insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.dialect import is_postgresql
from bot.db.models import Broadcast, BroadcastSkip, BroadcastStatus, Cohort, Person, Priority
from bot.db.models.base import table_of
from bot.db.person_locks import people_still_here
from bot.domain.broadcasts import audience as audiences
from bot.domain.broadcasts.compose import text_for
from bot.domain.broadcasts.lifecycle import DEFAULT_QUIET
from bot.domain.broadcasts.results import RESULTS, results_text, village_texts
from bot.domain.cohorts import cohort_quiet_hours
from bot.lib.scheduling import QuietHours, next_allowed, parse_schedule
from bot.lib.scheduling.schedule import next_occurrence
from bot.messaging.messages import Message, Outgoing, Photo
from bot.messaging.outbox import enqueue

NO_FIGURES = "no-figures"  # a results broadcast's skip: their village has no figures yet
CHUNK = 2000  # messages written per transaction: replies and sending go on in between


async def start_due(session: AsyncSession, *, now: datetime) -> int:
    """Every broadcast whose time has come is `sending` from now; `write_next` writes its
    messages. Returns how many started."""
    due = (
        select(Broadcast)
        .where(Broadcast.status == BroadcastStatus.SCHEDULED, Broadcast.send_at <= now)
        .order_by(Broadcast.send_at, Broadcast.id)
    )
    if is_postgresql(session):
        due = due.with_for_update(skip_locked=True)
    started = 0
    for broadcast in list(await session.scalars(due)):
        if broadcast.repeat:
            broadcast = _occurrence(broadcast, now)
            session.add(broadcast)
        if broadcast.kind == RESULTS:
            viewer = await sender_of(session, broadcast)
            audience = audiences.parse_audience(broadcast.audience)
            broadcast.village_texts = await village_texts(session, audience, viewer)
        broadcast.status = BroadcastStatus.SENDING
        broadcast.queued_at = None  # set once every message is written
        broadcast.recipients = broadcast.skipped = 0
        started += 1
    await session.flush()
    return started


async def write_next(session: AsyncSession, *, now: datetime, chunk: int = CHUNK) -> int | None:
    """Writes the next `chunk` recipients of a broadcast still being written; the number of
    messages written, or None when no broadcast is being written. A crash between chunks
    loses nothing: the next run goes on after the last person written."""
    pending = (
        select(Broadcast)
        .where(Broadcast.status == BroadcastStatus.SENDING, Broadcast.queued_at.is_(None))
        .order_by(Broadcast.id)
        .limit(1)
    )
    if is_postgresql(session):
        pending = pending.with_for_update(skip_locked=True)
    broadcast = await session.scalar(pending)
    if broadcast is None:
        return None
    return await _write_chunk(session, broadcast, now=now, chunk=chunk)


async def release_due(session: AsyncSession, *, now: datetime) -> int:
    """Starts what is due and writes all of it, in this one transaction (tests, the demo);
    `kabar run` writes chunk by chunk (progress.py). Returns the messages written."""
    await start_due(session, now=now)
    written = 0
    while (count := await write_next(session, now=now)) is not None:
        written += count
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
        # Each time, its report comes to whoever set it up in Telegram, as a new message.
        progress_chat_id=parent.progress_chat_id,
    )
    schedule = parse_schedule(parent.repeat or "")
    parent.send_at = next_occurrence(
        schedule, max(now, parent.send_at), parent.timezone, parent.created_at.date()
    )
    return child


async def _write_chunk(
    session: AsyncSession, broadcast: Broadcast, *, now: datetime, chunk: int
) -> int:
    viewer = await sender_of(session, broadcast)
    audience = audiences.parse_audience(broadcast.audience)
    query = audiences.recipients_query(audience, viewer).limit(chunk)
    if broadcast.written_to is not None:
        query = query.where(Person.id > broadcast.written_to)
    rows = (await session.execute(query)).all()
    # Read before any lock: whoever was erased since is neither written nor written down
    # as skipped (a skip's key on the person would fail the chunk). bot/db/person_locks.py
    here = await people_still_here(session, [row[0] for row in rows])
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
    for person_id, name, language, status, cohort_id, village, chat_id, gone in rows:
        if person_id not in here:
            continue
        reason = audiences.skip_reason(status, gone)
        text: str | None = None
        if reason is None and broadcast.kind == RESULTS:
            text = results_text(
                text_for(broadcast.text, broadcast.texts, language=language, name=name),
                broadcast.village_texts,
                village=village,
                language=language,
                name=name,
            )
            reason = None if text is not None else NO_FIGURES
        if reason is not None:
            skips.append({"broadcast_id": broadcast.id, "person_id": person_id, "reason": reason})
            continue
        if cohort_id not in moments:
            tz, hours = quiet.get(cohort_id, quiet[None])
            moments[cohort_id] = next_allowed(start, tz, hours)
        if text is None:
            text = text_for(broadcast.text, broadcast.texts, language=language, name=name)
        by_moment[moments[cohort_id]].append(_message(broadcast, chat_id, person_id, text))
    written = 0
    for moment, messages in sorted(by_moment.items()):
        await enqueue(session, messages, now=now, not_before=moment, broadcast_id=broadcast.id)
        written += len(messages)
    if skips:
        await session.execute(insert(table_of(BroadcastSkip)), skips)
    broadcast.recipients = (broadcast.recipients or 0) + written
    broadcast.skipped = (broadcast.skipped or 0) + len(skips)
    if rows:
        broadcast.written_to = rows[-1][0]
    if len(rows) < chunk:
        broadcast.queued_at = now
    return written


async def sender_of(session: AsyncSession, broadcast: Broadcast) -> Person | None:
    """Whose scope the broadcast keeps to: its sender's (None: from the command line)."""
    if broadcast.created_by_id is None:
        return None
    return await session.get(Person, broadcast.created_by_id)


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
