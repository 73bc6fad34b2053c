"""Drains the outbox through a transport, within the messenger's limits, recording each outcome.

Two lanes: replies to a person's own message, held to their chat's limit only (Telegram
has no overall limit on them), and bulk (check-ins, reminders, broadcasts, in that order) at
~30 a second: a round of 20,000 questions never delays an answer. Each outcome is committed
as soon as it is known, so a crash repeats at most the messages in flight. Retries are
bounded: a throttle (429) pauses all sending, replies too, as long as the messenger asks;
transient failures back off; a refusal because the person blocked the bot or the chat is
gone makes them unreachable. A chat's messages leave in the order they were written: one to
be tried again holds back the chat's next ones (see `deliver`). The transport (Telegram's:
bot/tg/transport.py) delivers and says how a delivery failed (bot/messaging/delivery.py).

Replies the processor of the same process writes come already claimed for this sender and
are handed over in memory (`offer`), so a reply costs no claim query and no wake-up delay.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Literal, Protocol

from sqlalchemy import bindparam, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.database import Database
from bot.db.models import OutboxMessage, OutboxStatus, Priority
from bot.db.models.base import table_of
from bot.lib.clock import Clock
from bot.messaging.cancels import CANCELLED, CancelledBroadcasts
from bot.messaging.delivery import RefusedError, ThrottledError, TransientError, Transport
from bot.messaging.lanes import Lane
from bot.messaging.limits import ChatSpacing, RateLimiter, SendLimits
from bot.messaging.outbox import BotFilter, Job, claim_due
from bot.messaging.outcomes import Observer, Outcome

log = logging.getLogger(__name__)


class ReplySender(Protocol):
    """The sender of this process, as the processor hands it the replies it wrote."""

    def offer(self, jobs: Sequence[Job]) -> bool: ...


class Host(Protocol):
    """What the sender uses of its process (the runtime): the database, the clock, its
    worker name, the wake-up signal, and the place where it says it takes replies."""

    db: Database
    clock: Clock
    worker: str
    outbox_wakeup: asyncio.Event
    reply_sender: ReplySender | None


# Records that a person can no longer be written to (the people domain's, given by the
# composition root): session, chat id, reason, now.
MarkUnreachable = Callable[[AsyncSession, int, str, datetime], Awaitable[object]]


class OutboxSender:
    def __init__(
        self,
        transport: Transport,
        runtime: Host,
        limits: SendLimits,
        mark_unreachable: MarkUnreachable,
        *,
        concurrency: int = 8,
        batch: int = 200,
        now: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        observe: Observer = lambda job, outcome: None,
        bot: BotFilter = "all",
    ) -> None:
        self.bot = bot  # whose rows it sends: one sender per bot, each with its limits
        self.transport = transport
        self.observe = observe  # each try's outcome, as it comes (the process's metrics)
        self.runtime = runtime
        self.limits = limits
        self.mark_unreachable = mark_unreachable
        self.concurrency = concurrency
        self.batch = batch
        # `now` and `sleep` pace the sends (monotonic seconds): tests pass a virtual clock.
        self.sleep = sleep
        self.limiter = RateLimiter(self.limits.per_second, now=now, sleep=sleep)
        self.paid_limiter = RateLimiter(self.limits.paid_per_second, now=now, sleep=sleep)
        self.spacing = ChatSpacing.of(limits, now=now, sleep=sleep)
        # Bounds requests in flight, not chats: a chat waiting out its spacing holds no slot.
        # Bulk sends hold theirs while they wait for the rate, so replies have their own:
        # eight bulk sends waiting out a round kept a family's next question waiting seconds.
        self.gate = asyncio.Semaphore(concurrency)
        self.reply_gate = asyncio.Semaphore(concurrency)
        # A retry due sooner than this is waited for in place, the chat's next messages
        # behind it; a later one is put back in the table with them (a claim held for
        # minutes would be taken over as a dead sender's).
        self.hold_retry_s = 30.0
        # Chats (and lane: True for replies) whose message was put back, until when: their
        # next messages, claimed before the table said so, go back behind it.
        self.held: dict[tuple[int, bool], datetime] = {}
        self.stale_checked: dict[str, float] = {}
        self.stale_every_s = 30.0
        # Paid broadcasts go up to 1,000 a second: at a real round trip of 50-300 ms that
        # needs far more than eight requests in flight. Their own, wider gate: a crash then
        # repeats at most these in flight, besides the eight.
        self.paid_gate = asyncio.Semaphore(limits.paid_concurrency)
        self.cancels = CancelledBroadcasts(runtime.db)
        self.recorded: list[tuple[Job, Outcome]] = []
        # Outcomes wait up to `linger_s` for company, at most `record_batch` of them (at 30/s a
        # 20 ms linger wrote each alone: 44% of the CPU; at 1,000/s 25 meant 40 commits a s).
        # A crash repeats at most the batch (0.1 s of a paid broadcast) and those in flight.
        self.record_batch = 100 if limits.paid_broadcast else 25
        self.linger_s = 0.25
        self._flusher: asyncio.Task[None] | None = None
        self._batch_full = asyncio.Event()
        self._flush_lock = asyncio.Lock()
        self._replies: Lane | None = None
        self._stop: asyncio.Event | None = None

    async def run_until(self, stop: asyncio.Event, idle_poll_s: float = 1.0) -> None:
        """Work until `stop` is set; messages being sent are finished and recorded.

        Rows a dead sender left claimed are released by whoever starts this one, when it
        becomes the leader (bot/app/leader.py).
        """
        lanes = [
            Lane(self, "replies", self.batch // 4 or 1, self.runtime.outbox_wakeup),
            Lane(self, "bulk", self.batch, self.runtime.outbox_wakeup),
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
        # Rows a dead sender left claimed are looked for now and then: that reads the
        # whole table (they are taken over only after two minutes anyway).
        checked = self.stale_checked.get(lane)
        stale = checked is None or time.monotonic() - checked >= self.stale_every_s
        async with runtime.db.transaction() as session:
            jobs = await claim_due(
                session,
                now=runtime.clock.now(),
                worker=runtime.worker,
                limit=limit,
                lane=lane,
                include_stale=stale,
                bot=self.bot,
            )
        if stale:
            self.stale_checked[lane] = time.monotonic()
        return jobs

    async def deliver(self, job: Job) -> datetime | None:
        """Send `job` until it has an outcome, and record it; None, or the time it was put
        back to, when the caller must put the chat's next messages back behind it.

        A retry is waited for here, so the chat's next message cannot overtake it (after a
        429, a 5xx or a time-out a family got the question before its greeting).
        """
        key = (job.chat_id, job.priority == Priority.REPLY)
        held = self.held.get(key)
        if held is not None:
            if held > self.runtime.clock.now():
                await self.put_back([job], held)
                return held
            del self.held[key]
        while True:
            outcome = await self.send(job)
            self.observe(job, outcome)
            retry = outcome.status is OutboxStatus.PENDING
            if retry and outcome.wait_s <= self.hold_retry_s and await self._wait(outcome):
                job = replace(job, attempts=job.attempts + (0 if outcome.throttled else 1))
                continue
            await self.record(job, outcome)
            if not retry or outcome.retry_at is None:
                return None
            if len(self.held) > 10_000:  # forget holds long over, so memory stays bounded
                now = self.runtime.clock.now()
                self.held = {k: t for k, t in self.held.items() if t > now}
            self.held[key] = outcome.retry_at
            return outcome.retry_at

    async def _wait(self, outcome: Outcome) -> bool:
        """Wait before trying again; False if the sender is stopping meanwhile."""
        stop = self._stop
        if stop is None or stop.is_set():
            return False
        if outcome.throttled:
            return True  # the limiter waits out Telegram's pause, for every send
        pause = asyncio.ensure_future(self.sleep(outcome.wait_s))
        stopping = asyncio.ensure_future(stop.wait())
        await asyncio.wait((pause, stopping), return_when="FIRST_COMPLETED")
        pause.cancel()
        stopping.cancel()
        return not stop.is_set()

    async def put_back(self, jobs: Sequence[Job], not_before: datetime) -> None:
        """A chat's messages queued behind one put back: back in the table, not before it,
        uncounted as attempts."""
        for job in jobs:
            await self.record(
                job, Outcome(OutboxStatus.PENDING, retry_at=not_before, throttled=True)
            )

    async def send(self, job: Job) -> Outcome:
        bulk = job.priority != Priority.REPLY
        paid = self.limits.paid_broadcast and job.priority == Priority.BROADCAST
        limited = not self.transport.unlimited(job.message)
        if bulk:
            await self.spacing.wait(job.chat_id)
        now = self.runtime.clock.now
        gate = self.paid_gate if paid else self.gate if bulk else self.reply_gate
        try:
            async with gate:
                # Button answers are not messages; replies have no overall limit, a 429 aside.
                if limited and not bulk:
                    await self.limiter.paused()
                elif limited:
                    await (self.paid_limiter if paid else self.limiter).acquire()
                if limited:  # the chat's slot is taken when the request leaves
                    await self.spacing.take(job.chat_id)
                # Asked last, after the waits: a cancel during them still stops this one.
                if job.broadcast_id is not None and await self.cancels.cancelled(job.broadcast_id):
                    return Outcome(OutboxStatus.FAILED, error=CANCELLED)
                result = await self.transport.deliver(job.message, paid=paid)
        except ThrottledError as error:
            self.limiter.pause(error.seconds)  # every send waits, replies and paid ones too
            self.paid_limiter.pause(error.seconds)
            return Outcome(
                OutboxStatus.PENDING,
                error=str(error),
                retry_at=now() + timedelta(seconds=error.seconds),
                throttled=True,
                wait_s=error.seconds,
            )
        except RefusedError as error:
            return Outcome(OutboxStatus.FAILED, error=str(error), unreachable=error.unreachable)
        except TransientError as error:
            if job.attempts >= self.limits.max_attempts:
                return Outcome(OutboxStatus.FAILED, error=str(error))
            backoff = min(self.limits.backoff_s * 2 ** (job.attempts - 1), 300)
            return Outcome(
                OutboxStatus.PENDING,
                error=str(error),
                retry_at=now() + timedelta(seconds=backoff),
                wait_s=backoff,
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
        if len(self.recorded) >= self.record_batch:
            self._batch_full.set()
        if self._flusher is None or self._flusher.done():
            self._flusher = asyncio.create_task(self._flush_soon())

    async def _flush_soon(self) -> None:
        # Loops: an outcome recorded while this task is inside `flush` finds it not done
        # and starts no flusher of its own; without the loop it would wait for the next
        # message, and a quiet bot's last reply would be sent again once its claim went
        # stale. A full batch is written without lingering.
        while self.recorded:
            if len(self.recorded) < self.record_batch:
                # Until the batch fills or the linger is over, whichever comes first: a
                # plain sleep let a fast sender pile up ten batches' worth meanwhile.
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._batch_full.wait(), self.linger_s)
            self._batch_full.clear()
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
                        # Retries in place were counted in memory only.
                        "att": job.attempts - (1 if outcome.throttled else 0),
                        "chat": job.chat_id,
                        "reply": job.priority == Priority.REPLY,
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
                            attempts=bindparam("att"),
                        ),
                        [
                            {k: v for k, v in a.items() if k in ("row", "err", "nb", "att")}
                            for a in again
                        ],
                    )
                    # The chat's later messages of the same lane, not claimed yet, wait for
                    # it too: claimed by due time first, they would overtake it.
                    for reply in (True, False):
                        later = [
                            {"cid": a["chat"], "after": a["row"], "nb": a["nb"]}
                            for a in again
                            if a["reply"] is reply
                        ]
                        if not later:
                            continue
                        replies = table.c.priority == Priority.REPLY
                        due = bindparam("nb", type_=table.c.not_before.type)
                        await session.execute(
                            update(table)
                            .where(
                                table.c.chat_id == bindparam("cid"),
                                table.c.id > bindparam("after"),
                                table.c.status == OutboxStatus.PENDING,
                                table.c.not_before < due,
                                replies if reply else ~replies,
                            )
                            .values(not_before=due),
                            later,
                        )
                for job, outcome in batch:
                    if outcome.unreachable:
                        await self.mark_unreachable(session, job.chat_id, outcome.error or "", now)
