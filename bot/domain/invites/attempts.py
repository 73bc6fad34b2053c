"""Failed invitation codes, limited per Telegram user.

Codes are long enough not to be guessed (codes.py), but nothing stopped someone trying:
300 guesses in 10 s were each looked up, answered and written to the audit log. Now a code
that links nobody counts against its sender; after LIMIT in WINDOW every code they send is
refused, without being looked up, until the oldest of those failures is WINDOW old. The
audit log gets one row when a sender reaches the limit, not one per guess.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import InvitationAttempt
from bot.domain.audit import audit
from bot.lib.i18n import N_

LIMIT = 5
WINDOW = timedelta(hours=1)

TOO_MANY = N_(
    "Too many invitation codes sent from this account did not work, so Kabar will not check "
    "codes from it for the next {wait}. Please ask your facilitator (pendamping) for your "
    "invitation."
)


async def _recent(session: AsyncSession, telegram_user_id: int, now: datetime) -> list[datetime]:
    """When this sender's failures within the window happened, oldest first."""
    rows = await session.execute(
        select(InvitationAttempt.at)
        .where(
            InvitationAttempt.telegram_user_id == telegram_user_id,
            InvitationAttempt.at > now - WINDOW,
        )
        .order_by(InvitationAttempt.at)
        .limit(LIMIT)
    )
    return list(rows.scalars())


async def refused_until(
    session: AsyncSession, telegram_user_id: int, now: datetime
) -> datetime | None:
    """Until when codes from this sender are not checked; None when they are."""
    recent = await _recent(session, telegram_user_id, now)
    return recent[0] + WINDOW if len(recent) >= LIMIT else None


async def count_failure(session: AsyncSession, telegram_user_id: int, now: datetime) -> None:
    """One more code from this sender linked nobody; the one audit row when that reaches
    the limit."""
    # Failures older than the window count for nothing any more: the table stays small.
    await session.execute(
        delete(InvitationAttempt).where(
            InvitationAttempt.telegram_user_id == telegram_user_id,
            InvitationAttempt.at <= now - WINDOW,
        )
    )
    session.add(InvitationAttempt(telegram_user_id=telegram_user_id, at=now))
    await session.flush()
    until = await refused_until(session, telegram_user_id, now)
    if until is not None:
        audit(
            session,
            at=now,
            actor=f"tg:{telegram_user_id}",
            action="invitation.attempts_limited",
            subject=None,
            details={
                "failed": LIMIT,
                "within_s": int(WINDOW.total_seconds()),
                "until": until.isoformat(),
            },
        )
