"""Where a broadcast's messages stand, counted in SQL from its outbox rows and its skips."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
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
    """Counted every two seconds while a broadcast goes out, so from one index
    (broadcast_id, status, sent_at, not_before) without reading the rows: the first version
    read all of a province's rows each time and was most of the sender's CPU at 30/s."""
    outbox = OutboxMessage
    mine = outbox.broadcast_id == broadcast_id
    by_status: dict[OutboxStatus, int] = {
        status: int(n)
        for status, n in await session.execute(
            select(outbox.status, func.count()).where(mine).group_by(outbox.status)
        )
    }
    sent_n = by_status.get(OutboxStatus.SENT, 0)
    waiting_n = by_status.get(OutboxStatus.PENDING, 0) + by_status.get(OutboxStatus.SENDING, 0)
    is_sent = outbox.status == OutboxStatus.SENT
    # Two queries: each is one seek into the index, where one with both is a scan.
    first = await session.scalar(select(func.min(outbox.sent_at)).where(mine, is_sent))
    last = await session.scalar(select(func.max(outbox.sent_at)).where(mine, is_sent))
    next_due = None
    if by_status.get(OutboxStatus.PENDING):
        next_due = await session.scalar(
            select(func.min(outbox.not_before)).where(mine, outbox.status == OutboxStatus.PENDING)
        )
    blocked_n = cancelled_n = other_n = 0
    reasons: list[tuple[str, int]] = []
    if by_status.get(OutboxStatus.FAILED):
        gone = TelegramAccount.unreachable_at.is_not(None)
        failures = await session.execute(
            select(outbox.error, gone, func.count())
            .outerjoin(TelegramAccount, TelegramAccount.person_id == outbox.person_id)
            .where(mine, outbox.status == OutboxStatus.FAILED)
            .group_by(outbox.error, gone)
            .order_by(func.count().desc())
        )
        for error, blocked, n in failures:
            if error == CANCELLED:
                cancelled_n += int(n)
            elif blocked:
                blocked_n += int(n)
            else:
                other_n += int(n)
                reasons.append((error or "?", int(n)))
    skips = dict(
        (
            await session.execute(
                select(BroadcastSkip.reason, func.count())
                .where(BroadcastSkip.broadcast_id == broadcast_id)
                .group_by(BroadcastSkip.reason)
            )
        ).all()
    )
    return Tally(
        sent=sent_n,
        failed=other_n,
        blocked=blocked_n,
        cancelled=cancelled_n,
        waiting=waiting_n,
        paused=int(skips.get("paused", 0)),
        unreachable=int(skips.get("unreachable", 0)),
        no_figures=int(skips.get("no-figures", 0)),
        first_sent=first,
        last_sent=last,
        next_due=next_due,
        reasons=tuple(reasons[:3]),
    )
