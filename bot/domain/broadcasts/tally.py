"""Where a broadcast's messages stand, counted in SQL from its outbox rows and its skips."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, case, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import BroadcastSkip, OutboxMessage, OutboxStatus, TelegramAccount
from bot.messaging.cancels import CANCELLED


@dataclass(frozen=True, slots=True)
class Tally:
    sent: int = 0
    failed: int = 0  # refused or out of retries, for another reason than the two below
    blocked: int = 0  # the person blocked the bot (or deleted the account) during sending
    cancelled: int = 0  # not sent because the broadcast was cancelled
    waiting: int = 0  # not sent yet
    paused: int = 0  # skipped: the person paused messages
    unreachable: int = 0  # skipped: known unreachable before it went out
    no_figures: int = 0  # skipped: a results broadcast, and their village has no figures
    first_sent: datetime | None = None
    last_sent: datetime | None = None
    next_due: datetime | None = None  # the earliest a waiting message may go
    # The most common reasons Telegram gave for the failures, with how many each.
    reasons: tuple[tuple[str, int], ...] = ()

    @property
    def skipped(self) -> int:
        return self.paused + self.unreachable + self.no_figures

    @property
    def recipients(self) -> int:
        return self.sent + self.failed + self.blocked + self.cancelled + self.waiting

    def rate_per_s(self) -> float | None:
        """Messages a second since the first went out; None until it means something."""
        if self.first_sent is None or self.last_sent is None or self.sent < 2:
            return None
        seconds = (self.last_sent - self.first_sent).total_seconds()
        return (self.sent - 1) / seconds if seconds > 0 else None


async def tally(session: AsyncSession, broadcast_id: int) -> Tally:
    outbox = OutboxMessage
    waiting = outbox.status.in_([OutboxStatus.PENDING, OutboxStatus.SENDING])
    failed = outbox.status == OutboxStatus.FAILED
    blocked = and_(failed, TelegramAccount.unreachable_at.is_not(None), outbox.error != CANCELLED)
    row = (
        await session.execute(
            select(
                func.count().filter(outbox.status == OutboxStatus.SENT),
                func.count().filter(failed),
                func.count().filter(blocked),
                func.count().filter(failed, outbox.error == CANCELLED),
                func.count().filter(waiting),
                func.min(outbox.sent_at),
                func.max(outbox.sent_at),
                func.min(case((waiting, outbox.not_before))),
            )
            .select_from(outbox)
            .outerjoin(TelegramAccount, TelegramAccount.person_id == outbox.person_id)
            .where(outbox.broadcast_id == broadcast_id)
        )
    ).one()
    sent, failed_n, blocked_n, cancelled_n, waiting_n, first, last, next_due = row
    skips = dict(
        (
            await session.execute(
                select(BroadcastSkip.reason, func.count())
                .where(BroadcastSkip.broadcast_id == broadcast_id)
                .group_by(BroadcastSkip.reason)
            )
        ).all()
    )
    reasons: tuple[tuple[str, int], ...] = ()
    if int(failed_n or 0) > int(blocked_n or 0) + int(cancelled_n or 0):
        counted = await session.execute(
            select(outbox.error, func.count())
            .outerjoin(TelegramAccount, TelegramAccount.person_id == outbox.person_id)
            .where(
                outbox.broadcast_id == broadcast_id,
                failed,
                outbox.error != CANCELLED,
                TelegramAccount.unreachable_at.is_(None),
            )
            .group_by(outbox.error)
            .order_by(func.count().desc())
            .limit(3)
        )
        reasons = tuple((error or "?", int(n)) for error, n in counted)
    return Tally(
        reasons=reasons,
        sent=int(sent or 0),
        failed=int(failed_n or 0) - int(blocked_n or 0) - int(cancelled_n or 0),
        blocked=int(blocked_n or 0),
        cancelled=int(cancelled_n or 0),
        waiting=int(waiting_n or 0),
        paused=int(skips.get("paused", 0)),
        unreachable=int(skips.get("unreachable", 0)),
        no_figures=int(skips.get("no-figures", 0)),
        first_sent=first,
        last_sent=last,
        next_due=next_due,
    )
