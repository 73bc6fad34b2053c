"""A broadcast going out, as its sender sees it: the preview message edited with the
progress every few seconds, and a delivery report when the last message is out."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.database import Database
from bot.db.models import Broadcast, BroadcastStatus, OutboxMessage, OutboxStatus
from bot.domain.broadcasts.dispatch import sender_of, start_due, write_next
from bot.domain.broadcasts.lifecycle import Cancelled, cancel
from bot.domain.broadcasts.tally import Tally, tally
from bot.domain.operations.failures import failure_counts
from bot.lib.i18n import N_, Translator, translator
from bot.messaging.messages import Button, Edit, Message, Outgoing
from bot.messaging.outbox import enqueue

CANCEL_PREFIX = "bx:"  # the cancel button on a progress message: bx:<broadcast id>

GOING_OUT = N_("📣 Broadcast {id} is going out: {sent} sent, {waiting} to go, {failed} failed.")
WAITS_QUIET = N_("The rest wait for the quiet hours to end: they go from {time}.")
CANCEL = N_("Cancel the broadcast")
DONE = N_(
    "📣 Broadcast {id} is done.\n"
    "Delivered: {sent}\n"
    "Skipped: {skipped} ({paused} paused, {unreachable} unreachable)\n"
    "Blocked the bot while it went out: {blocked}\n"
    "Failed: {failed}"
)
REASON = N_("  – {reason}: {count}")  # one line a reason under DONE
CANCELLED = N_(
    "📣 Broadcast {id} was cancelled: {sent} had been delivered, {cancelled} were not sent."
)
DETAILS = N_("Who did not get it, and why: kabar broadcast status {id}")


def progress_text(broadcast: Broadcast, counts: Tally, t: Translator, now: datetime) -> str:
    n = t.format_number
    lines = [
        t.gettext(GOING_OUT).format(
            id=broadcast.id,
            sent=n(counts.sent),
            waiting=n(counts.waiting),
            failed=n(counts.failed + counts.blocked),
        )
    ]
    if counts.next_due is not None and counts.next_due > now:
        at = t.format_datetime(counts.next_due, broadcast.timezone, "EEEE HH:mm")
        lines.append(t.gettext(WAITS_QUIET).format(time=at))
    else:
        rate = counts.rate_per_s()
        if rate:
            minutes = max(1, round(counts.waiting / rate / 60))
            left = t.ngettext(
                "About {minutes} minute left at the current rate.",
                "About {minutes} minutes left at the current rate.",
                minutes,
            )
            lines.append(left.format(minutes=n(minutes)))
    return "\n".join(lines)


def report_text(broadcast: Broadcast, counts: Tally, t: Translator) -> str:
    n = t.format_number
    if broadcast.status is BroadcastStatus.CANCELLED:
        head = t.gettext(CANCELLED).format(
            id=broadcast.id, sent=n(counts.sent), cancelled=n(counts.cancelled + counts.waiting)
        )
    else:
        head = t.gettext(DONE).format(
            id=broadcast.id,
            sent=n(counts.sent),
            skipped=n(counts.skipped),
            paused=n(counts.paused),
            unreachable=n(counts.unreachable),
            blocked=n(counts.blocked),
            failed=n(counts.failed),
        )
    why = [
        t.gettext(REASON).format(reason=reason, count=n(count))
        for reason, count in failure_counts(t, counts.reasons)
    ]
    return "\n".join([head, *why, t.gettext(DETAILS).format(id=broadcast.id)])


async def show_progress(session: AsyncSession, *, now: datetime) -> int:
    """Edits each sending broadcast's progress message when its figures moved; finishes
    those with nothing left to send. Returns the messages written."""
    live = await session.scalars(
        select(Broadcast).where(Broadcast.status == BroadcastStatus.SENDING).order_by(Broadcast.id)
    )
    written = 0
    for broadcast in list(live):
        if broadcast.progress_chat_id is None and await _still_going(session, broadcast):
            continue  # sent from the command line: no message to edit, so nothing to count
        counts = await tally(session, broadcast.id)
        if counts.waiting == 0 and broadcast.queued_at is not None:
            broadcast.status = BroadcastStatus.DONE
            broadcast.finished_at = now
        messages = await updates_for(session, broadcast, counts, now=now)
        await enqueue(session, messages, now=now)
        written += len(messages)
    return written


async def _still_going(session: AsyncSession, broadcast: Broadcast) -> bool:
    """Whether any of its messages waits: one index seek, where the tally is several."""
    if broadcast.queued_at is None:
        return True  # still being written
    waiting = OutboxMessage.status.in_((OutboxStatus.PENDING, OutboxStatus.SENDING))
    first = await session.scalar(
        select(OutboxMessage.id).where(OutboxMessage.broadcast_id == broadcast.id, waiting).limit(1)
    )
    return first is not None


async def updates_for(
    session: AsyncSession, broadcast: Broadcast, counts: Tally, *, now: datetime
) -> list[Message]:
    """The progress edit (when it changed) and, once over, the delivery report."""
    chat, message_id = broadcast.progress_chat_id, broadcast.progress_message_id
    if chat is None:
        return []  # sent from the command line: `kabar broadcast status` shows it
    person = await sender_of(session, broadcast)
    t = translator(person.language if person else None)
    person_id = person.id if person else None
    over = broadcast.status in (BroadcastStatus.DONE, BroadcastStatus.CANCELLED)
    text = report_text(broadcast, counts, t) if over else progress_text(broadcast, counts, t, now)
    if text == broadcast.progress_text:
        return []
    broadcast.progress_text = text
    buttons = () if over else ((Button(t.gettext(CANCEL), f"{CANCEL_PREFIX}{broadcast.id}"),),)
    if message_id is not None and not over:
        return [Edit(chat, message_id, text, buttons, person_id=person_id)]
    # The report is a message of its own, so the phone shows it as new.
    messages: list[Message] = []
    if message_id is not None:
        progress = progress_text(broadcast, counts, t, now)
        messages.append(Edit(chat, message_id, progress, (), person_id=person_id))
    messages.append(Outgoing(chat_id=chat, text=text, person_id=person_id))
    return messages


async def cancel_and_report(
    session: AsyncSession, broadcast_id: int, *, actor: str, now: datetime
) -> Cancelled:
    """Cancels, and tells the sender in Telegram (if it was sent from there) where it stopped."""
    done = await cancel(session, broadcast_id, actor=actor, now=now)
    broadcast = await session.get(Broadcast, broadcast_id)
    if broadcast is not None:
        counts = await tally(session, broadcast_id)
        await enqueue(session, await updates_for(session, broadcast, counts, now=now), now=now)
    return done


async def watch_broadcasts(
    db: Database, *, now: datetime, wake: Callable[[], None] = lambda: None
) -> int:
    """The clock's job: due broadcasts start, their messages are written a chunk per
    transaction (`wake` tells the sender after each, so sending starts at once and a
    family's reply never waits behind a province's broadcast), then progress is shown."""
    async with db.transaction() as session:
        await start_due(session, now=now)
    written = 0
    while True:
        async with db.transaction() as session:
            count = await write_next(session, now=now)
        if count is None:
            break
        written += count
        wake()
    async with db.transaction() as session:
        written += await show_progress(session, now=now)
    return written
