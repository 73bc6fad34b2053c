"""Puts an outbox sender together: a transport, this process, its limits and what the
people domain does when a person can no longer be reached."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from bot.app.runtime import Runtime
from bot.db.models import OutboxStatus, Priority
from bot.domain.people.reachability import mark_unreachable
from bot.messaging.cancels import CANCELLED
from bot.messaging.delivery import Transport
from bot.messaging.limits import SendLimits
from bot.messaging.outbox import Job
from bot.messaging.outcomes import Observer, Outcome
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
        observe=counted_outcomes(runtime),
    )


def counted_outcomes(runtime: Runtime) -> Observer:
    """Each try's outcome in /metrics: sent and failed by kind (and why, in a word), 429s
    and the seconds they asked for, and how long replies waited."""
    metrics, clock = runtime.metrics, runtime.clock
    # A counter's child per kind, looked up once: `labels()` takes a lock and builds a key
    # every time, and a paid broadcast counts a thousand messages a second.
    sent_by_kind: dict[str, Any] = {}

    def observe(job: Job, outcome: Outcome) -> None:
        kind = job.message.kind
        if outcome.status is OutboxStatus.SENT:
            counter = sent_by_kind.get(kind)
            if counter is None:
                counter = sent_by_kind[kind] = metrics.messages_sent.labels(kind)
            counter.inc()
            if job.priority == Priority.REPLY and job.due_at is not None:
                waited = (clock.now() - job.due_at).total_seconds()
                metrics.reply_seconds.observe(max(waited, 0.0))
        elif outcome.status is OutboxStatus.FAILED:
            reason = (
                "cancelled"
                if outcome.error == CANCELLED
                else "unreachable"
                if outcome.unreachable
                else "failed"
            )
            metrics.messages_failed.labels(kind, reason).inc()
        elif outcome.throttled and outcome.wait_s > 0:
            metrics.throttled.inc()
            metrics.throttled_seconds.inc(outcome.wait_s)

    return observe
