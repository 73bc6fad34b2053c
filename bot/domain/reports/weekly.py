"""Each registered facilitator's weekly digest: a chart and a few words, via the outbox."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.database import Database
from bot.db.facts import recall, remember
from bot.db.models import Alert, AlertStatus, Person, Priority, Role, TelegramAccount
from bot.domain.reports.activity import activity
from bot.domain.reports.chart import activity_chart
from bot.lib.i18n import N_, translator
from bot.messaging.messages import Photo
from bot.messaging.outbox import enqueue, without_erased

WEEKLY_DIGEST = "weekly_digest"
DIGEST_HOUR = 7

CAPTION = N_(
    "Weekly digest, last check-in: {producing} producing, {not_producing} not producing, "
    "{missed} did not answer. Open alerts: {alerts}. Send /peringatan to see them."
)


async def send_weekly_digests(db: Database, *, now: datetime, timezone: str) -> int:
    """The digests, once a week from Monday 07:00 (default time zone); later runs that week
    write none, and a run after downtime catches up. Returns the number written."""
    local = now.astimezone(ZoneInfo(timezone))
    monday = (local - timedelta(days=local.weekday())).replace(
        hour=DIGEST_HOUR, minute=0, second=0, microsecond=0
    )
    if local < monday:
        return 0
    week = "{}-W{:02d}".format(*local.isocalendar()[:2])
    async with db.transaction() as session:
        done = await recall(session, WEEKLY_DIGEST)
        if done is not None and done.get("week") == week:
            return 0
        planned = await weekly_digests(session, now=now, tz=timezone, week=week)
        # A facilitator erased while the charts were drawn gets none: not counted either.
        messages = await without_erased(session, planned)
        await enqueue(session, messages, now=now, skip_duplicates=True)
        await remember(session, WEEKLY_DIGEST, {"week": week, "sent": len(messages)}, now)
        return len(messages)


async def weekly_digests(
    session: AsyncSession, *, now: datetime, tz: str, week: str | None = None
) -> list[Photo]:
    """One photo message per registered, reachable facilitator whose families have rounds.

    With `week`, each carries a key the outbox holds once (the week and the facilitator):
    two runs at once, on two workers, write one digest each, whatever the lock says."""
    facilitators = (
        await session.execute(
            select(Person, TelegramAccount.chat_id)
            .join(TelegramAccount, TelegramAccount.person_id == Person.id)
            .where(
                Person.role == Role.FACILITATOR,
                Person.consent_at.is_not(None),  # registered and agreed to messages
                TelegramAccount.unreachable_at.is_(None),
            )
        )
    ).all()
    messages: list[Photo] = []
    for facilitator, chat_id in facilitators:
        series = await activity(session, facilitator.id)
        if not series:
            continue
        open_alerts = await session.scalar(
            select(func.count())
            .select_from(Alert)
            .where(
                Alert.assigned_to_id == facilitator.id,
                Alert.status.in_([AlertStatus.OPEN, AlertStatus.ACKNOWLEDGED]),
            )
        )
        t = translator(facilitator.language)
        last = series[-1]
        caption = t.gettext(CAPTION).format(
            producing=t.format_number(last.producing),
            not_producing=t.format_number(last.not_producing),
            missed=t.format_number(last.missed),
            alerts=t.format_number(open_alerts or 0),
        )
        # Drawing takes a while (matplotlib): off the event loop that answers families.
        png = await asyncio.to_thread(activity_chart, series, t, tz)
        messages.append(
            Photo(
                chat_id=chat_id,
                content=png,
                caption=caption,
                filename="chart.png",
                person_id=facilitator.id,
                priority=Priority.BROADCAST,
                dedup_key=None if week is None else f"d{week}:{facilitator.id}",
            )
        )
    return messages
