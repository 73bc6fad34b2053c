"""Drains the outbox to Telegram within its limits and records each outcome.

Two lanes share one rate limiter: replies to a person's own message, and bulk (check-ins,
reminders, then broadcasts, in that order), so a round of 20,000 questions never delays an
answer. Each outcome is committed as soon as it is known, so a crash repeats at most the
messages in flight. Retries are bounded: RetryAfter pauses all sending exactly as long as
Telegram asks; 5xx and timeouts back off; a blocked user or a gone chat makes the person
unreachable.

Replies the processor of the same process writes come already claimed for this sender and
are handed over in memory (`offer`), so a reply costs no claim query and no wake-up delay.
"""

from __future__ import annotations

import asyncio
import logging
from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

from sqlalchemy import bindparam, update
from telegram import Bot
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter

from bot.app.runtime import Runtime
from bot.db.models import OutboxMessage, OutboxStatus, Priority
from bot.db.models.base import table_of
from bot.domain.people.reachability import mark_unreachable
from bot.messaging.limits import ChatSpacing, RateLimiter, SendLimits
from bot.messaging.outbox import Job, claim_due
from bot.tg import botapi

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Outcome:
    status: OutboxStatus
    message_id: int | None = None
    error: str | None = None
    retry_at: datetime | None = None
    unreachable: bool = False
    # Telegram asked us to wait: not a failed attempt of this message.
    throttled: bool = False


class OutboxSender:
    def __init__(
        self,
        bot: Bot,
        runtime: Runtime,
        *,
        limits: SendLimits | None = None,
        concurrency: int = 8,
        batch: int = 200,
    ) -> None:
        self.bot = bot
        self.runtime = runtime
        self.limits = limits or SendLimits.from_settings(runtime.settings)
        self.concurrency = concurrency
        self.batch = batch
        self.limiter = RateLimiter(self.limits.per_second)
        self.paid_limiter = RateLimiter(self.limits.paid_per_second)
        self.spacing = ChatSpacing(self.limits.chat_interval_s)
        # Bounds requests in flight, not chats: a chat waiting out its spacing holds no slot.
        self.gate = asyncio.Semaphore(concurrency)
        self.recorded: list[tuple[Job, Outcome]] = []
        self.record_batch = 100
        self.linger_s = 0.02
        self._flusher: asyncio.Task[None] | None = None
        self._flush_lock = asyncio.Lock()
        self._replies: _Lane | None = None
        self._stop: asyncio.Event | None = None

    async def run_until(self, stop: asyncio.Event, idle_poll_s: float = 1.0) -> None:
        """Work until `stop` is set; messages being sent are finished and recorded.

        Rows a dead sender left claimed are released by whoever starts this one, when it
        becomes the leader (bot/app/leader.py).
        """
        lanes = [
            _Lane(self, "replies", self.batch // 4 or 1),
            _Lane(self, "bulk", self.batch),
        ]
        self._replies, self._stop = lanes[0], stop
        self.runtime.reply_sender = self
        try:
            await asyncio.gather(*(lane.run(stop, idle_poll_s) for lane in lanes))
        finally:
            if self.runtime.reply_sender is self:
                self.runtime.reply_sender = None
            self._replies = None
            await self.flush()

    def offer(self, jobs: Sequence[Job]) -> bool:
        """Take replies the processor wrote already claimed for this worker (see
        `enqueue`); False once stopping, and the caller releases them."""
        lane, stop = self._replies, self._stop
        if lane is None or stop is None or stop.is_set():
            return False
        for job in jobs:
            lane.add(job)
        return True

    async def claim(self, lane: Literal["replies", "bulk"], limit: int) -> list[Job]:
        runtime = self.runtime
        async with runtime.db.transaction() as session:
            return await claim_due(
                session, now=runtime.clock.now(), worker=runtime.worker, limit=limit, lane=lane
            )

    async def deliver(self, job: Job) -> None:
        await self.record(job, await self.send(job))

    async def send(self, job: Job) -> Outcome:
        bulk = job.priority != Priority.REPLY
        paid = self.limits.paid_broadcast and job.priority == Priority.BROADCAST
        if bulk:
            await self.spacing.wait(job.chat_id)
        now = self.runtime.clock.now
        try:
            async with self.gate:
                # Taking a slot of the messages-a-second limit for an answer to a button
                # press left a family's next question waiting behind it.
                if not botapi.unlimited(job.message):
                    await (self.paid_limiter if paid else self.limiter).acquire()
                result = await botapi.send(self.bot, job.message, paid=paid)
        except RetryAfter as error:
            wait = error.retry_after
            seconds = wait.total_seconds() if isinstance(wait, timedelta) else float(wait)
            self.limiter.pause(seconds)
            return Outcome(
                OutboxStatus.PENDING,
                error=str(error),
                retry_at=now() + timedelta(seconds=seconds),
                throttled=True,
            )
        except Forbidden as error:
            return Outcome(OutboxStatus.FAILED, error=str(error), unreachable=True)
        except BadRequest as error:
            text = str(error).lower()
            if "message is not modified" in text:
                return Outcome(OutboxStatus.SENT)
            gone = "chat not found" in text or "user is deactivated" in text
            return Outcome(OutboxStatus.FAILED, error=str(error), unreachable=gone)
        except NetworkError as error:  # 5xx, timeouts, connection errors (TimedOut included)
            if job.attempts >= self.limits.max_attempts:
                return Outcome(OutboxStatus.FAILED, error=str(error))
            backoff = self.limits.backoff_s * 2 ** (job.attempts - 1)
            return Outcome(
                OutboxStatus.PENDING,
                error=str(error),
                retry_at=now() + timedelta(seconds=min(backoff, 300)),
            )
        finally:
            if bulk:
                self.spacing.sent(job.chat_id)
        return Outcome(OutboxStatus.SENT, message_id=result)

    async def record(self, job: Job, outcome: Outcome) -> None:
        """Outcomes are written in small batches (at most `linger_s` late): a commit per
        message was most of the sender's cost. A crash repeats at most the messages whose
        outcome was still in the batch, besides those in flight.

        The writing is the flusher task's alone: a chat whose message filled the batch used
        to write it itself, and under load it queued behind other writers (the processor's
        groups hold the database's write turn) while its next message waited, up to seconds.
        """
        self.recorded.append((job, outcome))
        if self._flusher is None or self._flusher.done():
            self._flusher = asyncio.create_task(self._flush_soon())

    async def _flush_soon(self) -> None:
        # Loops: an outcome recorded while this task is inside `flush` finds it not done
        # and starts no flusher of its own; without the loop it would wait for the next
        # message, and a quiet bot's last reply would be sent again once its claim went
        # stale. A full batch is written without lingering.
        while self.recorded:
            if len(self.recorded) < self.record_batch:
                await asyncio.sleep(self.linger_s)
            await self.flush()

    async def flush(self) -> None:
        async with self._flush_lock:
            batch, self.recorded = self.recorded, []
            if not batch:
                return
            runtime = self.runtime
            table = table_of(OutboxMessage)
            async with runtime.db.transaction() as session:
                now = runtime.clock.now()
                sent = [
                    {"row": job.row_id, "mid": outcome.message_id, "at": now}
                    for job, outcome in batch
                    if outcome.status is OutboxStatus.SENT
                ]
                failed = [
                    {"row": job.row_id, "err": outcome.error}
                    for job, outcome in batch
                    if outcome.status is OutboxStatus.FAILED
                ]
                again = [
                    {
                        "row": job.row_id,
                        "err": outcome.error,
                        "nb": outcome.retry_at or now,
                        "dec": 1 if outcome.throttled else 0,
                    }
                    for job, outcome in batch
                    if outcome.status is OutboxStatus.PENDING
                ]
                row = table.c.id == bindparam("row")
                if sent:
                    await session.execute(
                        update(table)
                        .where(row)
                        .values(
                            status=OutboxStatus.SENT,
                            error=None,
                            sent_at=bindparam("at", type_=table.c.sent_at.type),
                            telegram_message_id=bindparam("mid"),
                        ),
                        sent,
                    )
                if failed:
                    await session.execute(
                        update(table)
                        .where(row)
                        .values(status=OutboxStatus.FAILED, error=bindparam("err")),
                        failed,
                    )
                if again:
                    await session.execute(
                        update(table)
                        .where(row)
                        .values(
                            status=OutboxStatus.PENDING,
                            error=bindparam("err"),
                            not_before=bindparam("nb", type_=table.c.not_before.type),
                            claimed_at=None,
                            attempts=table.c.attempts - bindparam("dec"),
                        ),
                        again,
                    )
                for job, outcome in batch:
                    if outcome.unreachable:
                        await mark_unreachable(
                            session, chat_id=job.chat_id, reason=outcome.error or "", now=now
                        )


class _Lane:
    """Claims rows as capacity frees up, and keeps one queue and one task per chat.

    A chat's messages go in order (an edit, then the next question); chats go in parallel,
    and new rows are claimed while earlier ones are still being sent, so pacing never
    stalls at the end of a batch.
    """

    def __init__(self, sender: OutboxSender, lane: Literal["replies", "bulk"], batch: int) -> None:
        self.sender = sender
        self.lane: Literal["replies", "bulk"] = lane
        self.batch = batch
        self.queues: dict[int, deque[Job]] = {}
        self.tasks: dict[int, asyncio.Task[None]] = {}
        self.in_hand = 0  # jobs queued or being sent
        # Set when a job is done and there is room to claim again. One event, not a wait on
        # every chat's task: with hundreds of chats in flight that wait was O(chats) a job.
        self.freed = asyncio.Event()
        self.more = True  # the last claim found rows, so more may be due soon

    async def run(self, stop: asyncio.Event, idle_poll_s: float) -> None:
        waker = self.sender.runtime.outbox_wakeup
        while not stop.is_set():
            room = self.batch - self.in_hand
            if room > self.batch // 2:
                jobs = await self.sender.claim(self.lane, room)
                for job in jobs:
                    self.add(job)
                # Found some: more may be coming (a round being sent, replies written by
                # other workers), so look again as soon as there is room; found none: wait
                # to be woken, or for the idle poll.
                self.more = bool(jobs)
                if len(jobs) == room:
                    continue
            waits: list[asyncio.Future[object]] = [
                asyncio.ensure_future(stop.wait()),
                asyncio.ensure_future(waker.wait()),
            ]
            if self.more:
                waits.append(asyncio.ensure_future(self.freed.wait()))
            await asyncio.wait(waits, timeout=idle_poll_s, return_when="FIRST_COMPLETED")
            for future in waits:
                future.cancel()
            self.freed.clear()
            if self.lane == "bulk":  # both lanes listen; one clears, so each sees a wake
                waker.clear()
        if self.tasks:
            await asyncio.gather(*self.tasks.values())

    def add(self, job: Job) -> None:
        self.in_hand += 1
        self.queues.setdefault(job.chat_id, deque()).append(job)
        if job.chat_id not in self.tasks:
            self.tasks[job.chat_id] = asyncio.create_task(self._chat(job.chat_id))

    async def _chat(self, chat_id: int) -> None:
        queue = self.queues[chat_id]
        try:
            while queue:
                job = queue.popleft()
                try:
                    await self.sender.deliver(job)
                except Exception:
                    # Left claimed: it is taken up again once the claim goes stale.
                    log.exception("sending outbox row %s failed", job.row_id)
                finally:
                    self.in_hand -= 1
                    if self.in_hand <= self.batch // 2:
                        self.freed.set()
        finally:
            del self.queues[chat_id]
            del self.tasks[chat_id]
