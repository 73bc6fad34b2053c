"""Puts an outbox sender together: a transport, this process, its limits and what the
people domain does when a person can no longer be reached."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from bot.app.runtime import Runtime
from bot.db.database import Database
from bot.db.models import OutboxStatus, Priority
from bot.domain.people.reachability import mark_unreachable
from bot.lib.clock import Clock
from bot.messaging.cancels import CANCELLED
from bot.messaging.delivery import Transport
from bot.messaging.limits import SendLimits
from bot.messaging.outbox import BotFilter, Job
from bot.messaging.outcomes import Observer, Outcome
from bot.messaging.sender import Host, OutboxSender, ReplySender


async def _unreachable(session: AsyncSession, chat_id: int, reason: str, now: datetime) -> None:
    await mark_unreachable(session, chat_id=chat_id, reason=reason, now=now)


def outbox_sender(
    transport: Transport,
    runtime: Runtime,
    *,
    limits: SendLimits | None = None,
    now: Callable[[], float] = time.monotonic,
    sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    host: Host | None = None,
    bot: BotFilter = "all",
) -> OutboxSender:
    """The sender of this process; `limits` default to the settings'. `now` and `sleep`
    pace its sends (a test's virtual clock). With several bots, each has a sender of its
    own (`bot`), working through a `host` of its own (`bot_senders`)."""
    return OutboxSender(
        transport,
        host or runtime,
        limits or SendLimits.from_settings(runtime.settings),
        _unreachable,
        now=now,
        sleep=sleep,
        observe=counted_outcomes(runtime),
        bot=bot,
    )


@dataclass
class BotHost:
    """The process as one bot's sender sees it: shared database, clock, worker and wake-up,
    and its own place for taking replies (the process's is the `ReplyRouter`)."""

    db: Database
    clock: Clock
    worker: str
    outbox_wakeup: asyncio.Event
    reply_sender: ReplySender | None = None


@dataclass
class ReplyRouter:
    """Hands the replies the processor wrote to the sender of each one's bot."""

    hosts: dict[int | None, BotHost]

    def offer(self, jobs: Sequence[Job]) -> bool:
        ready = {
            bot: host.reply_sender
            for bot, host in self.hosts.items()
            if host.reply_sender is not None
        }
        if any(job.bot_id not in ready for job in jobs):
            return False  # a sender not running (yet, or any more): all are released
        groups: dict[int | None, list[Job]] = {}
        for job in jobs:
            groups.setdefault(job.bot_id, []).append(job)
        # The senders share one stop: either all take their replies, or (stopping) none.
        return all(ready[bot].offer(group) for bot, group in groups.items())


def bot_senders(
    runtime: Runtime, transports: dict[int | None, tuple[Transport, bool]]
) -> tuple[list[OutboxSender], ReplyRouter | None]:
    """One sender per bot (None: the default bot), each with its own limits and its
    paid-broadcast choice, and the router that gives each its replies; just the default
    bot's sender, as before, when there is no other."""
    if list(transports) == [None]:
        return [outbox_sender(transports[None][0], runtime)], None
    limits = SendLimits.from_settings(runtime.settings)
    hosts = {
        bot: BotHost(runtime.db, runtime.clock, runtime.worker, runtime.outbox_wakeup)
        for bot in transports
    }
    senders = [
        outbox_sender(
            transport,
            runtime,
            limits=replace(limits, paid_broadcast=paid),
            host=hosts[bot],
            bot=bot,
        )
        for bot, (transport, paid) in transports.items()
    ]
    return senders, ReplyRouter(hosts)


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
