"""A broadcast's life: planned (the preview), created, cancelled. Sending is dispatch.py's."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import (
    Broadcast,
    BroadcastStatus,
    OutboxMessage,
    OutboxStatus,
    Person,
)
from bot.domain.audit import audit
from bot.domain.broadcasts import audience as audiences
from bot.domain.broadcasts.audience import Audience, Count
from bot.domain.broadcasts.compose import check_text, text_for
from bot.domain.broadcasts.errors import BroadcastError
from bot.domain.broadcasts.results import results_text, village_texts
from bot.domain.cohorts import cohort_quiet_hours, get_cohort
from bot.lib.i18n import N_, Word
from bot.lib.scheduling import QuietHours, Schedule, ScheduleError, next_allowed, parse_schedule
from bot.lib.scheduling.schedule import next_occurrence
from bot.messaging.cancels import CANCELLED

# Who has no cohort (facilitators, staff) is spared the default quiet hours of a cohort.
DEFAULT_QUIET = QuietHours.from_strings("21:00", "06:00")

MSG_NOBODY = N_("Nobody registered matches this audience, so nothing would be sent.")
MSG_ALL_SKIPPED = N_(
    "Everyone in this audience has paused messages ({paused}) or cannot be reached "
    "({unreachable}), so nothing would be sent."
)
MSG_PAST = N_("{at} has already passed: give a time in the future.")
MSG_BAD_AT = N_('Cannot read the time "{value}": write it like 2026-12-03 08:00.')
MSG_NO_SUCH = N_("There is no broadcast {id}.")
MSG_NO_FIGURES = N_(
    "No village of this audience has figures yet: results can be sent once a round has closed."
)
MSG_OVER = N_("Broadcast {id} is already {status}: there is nothing left to cancel.")
# A broadcast's status as a reader says it: the stored codes are English words.
STATUS_WORDS = {
    BroadcastStatus.DRAFT: N_("being written"),
    BroadcastStatus.SCHEDULED: N_("scheduled"),
    BroadcastStatus.SENDING: N_("being sent"),
    BroadcastStatus.DONE: N_("sent"),
    BroadcastStatus.CANCELLED: N_("cancelled"),
}


@dataclass(frozen=True, slots=True)
class Plan:
    """What a broadcast would do: the preview, and the `--dry-run`."""

    audience: Audience
    count: Count
    sample_name: str | None  # the recipient the preview shows it as
    sample_text: str
    send_at: datetime
    timezone: str
    # When the time falls in quiet hours, the morning it will wait for (local time shown).
    waits_until: datetime | None


async def audience_timezone(session: AsyncSession, audience: Audience, default: str) -> str:
    """The cohort's zone when the audience names one, the deployment's otherwise."""
    name = audience.get("cohort")
    if name is not None:
        found = await get_cohort(session, name)
        if found is not None:
            return found.timezone
    return default


def parse_at(value: str, timezone: str, *, now: datetime) -> datetime:
    """`2026-12-03 08:00` (also with a T, or 08.00) read in `timezone`; not in the past."""
    text = value.strip().replace("T", " ").replace(".", ":")
    try:
        local = datetime.strptime(text, "%Y-%m-%d %H:%M")
    except ValueError:
        raise BroadcastError(MSG_BAD_AT, value=value.strip()) from None
    at = local.replace(tzinfo=ZoneInfo(timezone))
    if at < now:
        raise BroadcastError(MSG_PAST, at=value.strip())
    return at


def parse_repeat(value: str | None) -> Schedule | None:
    if value is None or not value.strip():
        return None
    try:
        return parse_schedule(value)
    except ScheduleError as error:
        raise BroadcastError(error.msgid, **error.params) from None


async def _quiet_hours(session: AsyncSession, audience: Audience) -> QuietHours:
    """The named cohort's quiet hours; the usual ones for an audience of several cohorts
    (each family's own cohort decides when it is sent: dispatch.py)."""
    name = audience.get("cohort")
    cohort = await get_cohort(session, name) if name else None
    return cohort_quiet_hours(cohort) if cohort is not None else DEFAULT_QUIET


async def plan(
    session: AsyncSession,
    *,
    audience: Audience,
    text: str,
    photo: bool = False,
    viewer: Person | None,
    now: datetime,
    send_at: datetime | None,
    timezone: str,
    repeat: Schedule | None = None,
    results: bool = False,
) -> Plan:
    """Checks everything a broadcast needs before anything is written; BroadcastError
    says what is wrong. With `results`, each village's figures follow `text` (which may
    then be empty)."""
    audience = await audiences.check_names(session, audience)
    longest = await audiences.longest_name(session, audience, viewer)
    # A village's sentence is a few hundred characters at most: keep room for it.
    room = 500 if results else 0
    text = check_text(text, photo=photo, longest_name=longest + room, required=not results)
    counted = await audiences.count(session, audience, viewer)
    if counted.total == 0:
        raise BroadcastError(MSG_NOBODY)
    if counted.reachable == 0:
        raise BroadcastError(
            MSG_ALL_SKIPPED, paused=counted.paused, unreachable=counted.unreachable
        )
    first = (await session.execute(audiences.recipients_query(audience, viewer).limit(1))).first()
    sample = text_for(text, {}, language=None, name=first.name if first else "")
    if results:
        texts = await village_texts(session, audience, viewer)
        village = first.village if first else None
        name = first.name if first else ""
        sample = results_text(text, texts, village=village, language=None, name=name) or ""
        if not texts:
            raise BroadcastError(MSG_NO_FIGURES)
    if send_at is None:
        send_at = next_occurrence(repeat, now, timezone, now.date()) if repeat else now
    allowed = next_allowed(send_at, timezone, await _quiet_hours(session, audience))
    return Plan(
        audience=audience,
        count=counted,
        sample_name=first.name if first is not None else None,
        sample_text=sample,
        send_at=send_at,
        timezone=timezone,
        waits_until=allowed if allowed > send_at else None,
    )


async def create(
    session: AsyncSession,
    planned: Plan,
    *,
    text: str,
    texts: dict[str, str] | None = None,
    language: str,
    actor: str,
    now: datetime,
    created_by_id: str | None = None,
    photo_file_id: str | None = None,
    repeat: Schedule | None = None,
    kind: str = "text",
    progress: tuple[int, int] | None = None,
) -> Broadcast:
    """Written as scheduled: a running `kabar run` sends it at `send_at` (now, for now)."""
    broadcast = Broadcast(
        created_by_id=created_by_id,
        actor=actor,
        status=BroadcastStatus.SCHEDULED,
        text=text.strip(),
        language=language,
        texts=texts or {},
        photo_file_id=photo_file_id,
        kind=kind,
        audience=str(planned.audience),
        timezone=planned.timezone,
        send_at=planned.send_at,
        repeat=repeat.canonical if repeat else None,
        created_at=now,
        progress_chat_id=progress[0] if progress else None,
        progress_message_id=progress[1] if progress else None,
    )
    session.add(broadcast)
    await session.flush()
    audit(
        session,
        at=now,
        actor=actor,
        action="broadcast.scheduled" if planned.send_at > now else "broadcast.sent",
        subject=f"broadcast:{broadcast.id}",
        details={
            "audience": str(planned.audience),
            "recipients": planned.count.reachable,
            "skipped": planned.count.paused + planned.count.unreachable,
            "send_at": planned.send_at.isoformat(),
            "repeat": broadcast.repeat,
        },
    )
    return broadcast


@dataclass(frozen=True, slots=True)
class Cancelled:
    broadcast_id: int
    unsent: int  # messages that will now not be sent


async def cancel(
    session: AsyncSession, broadcast_id: int, *, actor: str, now: datetime
) -> Cancelled:
    """Stops a broadcast: nothing not yet sent is sent (the sender checks before each
    message it already holds). Cancelling a repeating one also stops its occurrences."""
    broadcast = await session.get(Broadcast, broadcast_id, with_for_update=True)
    if broadcast is None:
        raise BroadcastError(MSG_NO_SUCH, id=broadcast_id)
    if broadcast.status in (BroadcastStatus.DONE, BroadcastStatus.CANCELLED):
        raise BroadcastError(MSG_OVER, id=broadcast_id, status=Word(STATUS_WORDS[broadcast.status]))
    ids = [broadcast_id]
    ids += list(
        await session.scalars(
            select(Broadcast.id).where(
                Broadcast.parent_id == broadcast_id,
                Broadcast.status.in_([BroadcastStatus.SCHEDULED, BroadcastStatus.SENDING]),
            )
        )
    )
    await session.execute(
        update(Broadcast)
        .where(Broadcast.id.in_(ids))
        .values(status=BroadcastStatus.CANCELLED, cancelled_at=now, finished_at=now)
    )
    result = await session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.broadcast_id.in_(ids), OutboxMessage.status == OutboxStatus.PENDING)
        .values(status=OutboxStatus.FAILED, error=CANCELLED)
    )
    unsent = int(getattr(result, "rowcount", 0) or 0)
    audit(
        session,
        at=now,
        actor=actor,
        action="broadcast.cancelled",
        subject=f"broadcast:{broadcast_id}",
        details={"unsent": unsent},
    )
    return Cancelled(broadcast_id, unsent)
