"""Puts an outbox sender together: a transport, this process, its limits and what the
people domain does when a person can no longer be reached."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from bot.app.runtime import Runtime
from bot.domain.people.reachability import mark_unreachable
from bot.messaging.delivery import Transport
from bot.messaging.limits import SendLimits
from bot.messaging.sender import OutboxSender


async def _unreachable(session: AsyncSession, chat_id: int, reason: str, now: datetime) -> None:
    await mark_unreachable(session, chat_id=chat_id, reason=reason, now=now)


def outbox_sender(
    transport: Transport,
    runtime: Runtime,
    *,
    limits: SendLimits | None = None,
    now: Callable[[], float] = time.monotonic,
    sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
) -> OutboxSender:
    """The sender of this process; `limits` default to the settings'. `now` and `sleep`
    pace its sends (a test's virtual clock)."""
    return OutboxSender(
        transport,
        runtime,
        limits or SendLimits.from_settings(runtime.settings),
        _unreachable,
        now=now,
        sleep=sleep,
    )
