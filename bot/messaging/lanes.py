"""A sender's lane: claims rows as capacity frees up, one queue and one task per chat."""

from __future__ import annotations

import asyncio
import logging
from collections import deque
from collections.abc import Sequence
from datetime import datetime
from typing import Literal, Protocol

from bot.messaging.outbox import Job

log = logging.getLogger(__name__)


class LaneOwner(Protocol):
    """What a lane uses of its sender."""

    async def claim(self, lane: Literal["replies", "bulk"], limit: int) -> list[Job]: ...

    async def deliver(self, job: Job) -> datetime | None:
        """Send and record `job`; the time it was put back to, if it was."""
        ...

    async def put_back(self, jobs: Sequence[Job], not_before: datetime) -> None: ...


class Lane:
    """Claims rows as capacity frees up, and keeps one queue and one task per chat.

    A chat's messages go in order (an edit, then the next question), also when one has to
    be tried again (the sender waits for it; if it put it back, the ones queued behind it
    go back too); chats go in parallel,
    and new rows are claimed while earlier ones are still being sent, so pacing never
    stalls at the end of a batch.
    """

    def __init__(
        self,
        sender: LaneOwner,
        lane: Literal["replies", "bulk"],
        batch: int,
        waker: asyncio.Event,
    ) -> None:
        self.sender = sender
        self.waker = waker  # set when rows were written, by this process or another
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
        waker = self.waker
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
                jobs = [queue.popleft()]
                try:
                    put_back = await self.sender.deliver(jobs[0])
                    if put_back is not None:
                        jobs += queue
                        queue.clear()
                        await self.sender.put_back(jobs[1:], put_back)
                except Exception:
                    # Left claimed: it is taken up again once the claim goes stale.
                    log.exception("sending outbox row %s failed", jobs[0].row_id)
                finally:
                    self.in_hand -= len(jobs)
                    if self.in_hand <= self.batch // 2:
                        self.freed.set()
        finally:
            del self.queues[chat_id]
            del self.tasks[chat_id]
