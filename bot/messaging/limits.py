"""Telegram's sending limits, enforced before each call.

About 30 messages a second in bulk for one bot, about one a second to one chat (Telegram Bot
FAQ), and a global pause whenever Telegram answers 429 with retry_after. Paid broadcasts may
go up to 1,000 a second.
"""

from __future__ import annotations

import asyncio
import time
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from bot.lib.config import Settings


@dataclass(frozen=True, slots=True)
class SendLimits:
    per_second: float = 30.0
    chat_interval_s: float = 1.0  # between bulk messages to one chat; replies are not held
    paid_broadcast: bool = False
    paid_per_second: float = 1000.0
    paid_concurrency: int = 32  # paid-broadcast requests in flight at once
    backoff_s: float = 1.0  # first wait after a 5xx or timeout; doubles each attempt
    max_attempts: int = 5

    @classmethod
    def from_settings(cls, settings: Settings) -> SendLimits:
        return cls(
            per_second=settings.send_per_second,
            chat_interval_s=settings.send_chat_interval_s,
            paid_broadcast=settings.paid_broadcast,
        )


class RateLimiter:
    """Evenly paced sends, a little under the rate, and never more than that in a second.

    Pacing rather than a window of `rate` sends: requests leave with network jitter, so a
    burst that fits a one-second window here can arrive as more than `rate` in one second
    at Telegram. The small headroom keeps arrivals under the limit in any window. Slots
    alone are not enough either: a send whose wake-up came late and the next one, on time,
    went out together (33 in one second at 30/s), so a send also keeps its distance from
    the one before and the sends of the last second are counted.
    """

    HEADROOM = 0.985

    def __init__(
        self,
        per_second: float,
        *,
        now: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self.interval = 1.0 / (per_second * self.HEADROOM)
        self.now = now
        self.sleep = sleep
        self.next_slot = 0.0
        self.paused_until = 0.0
        self.per_window = max(1, int(per_second * self.HEADROOM))
        # A send that follows a late one may close up by at most 2 ms (half the interval at
        # high rates): at 1,000/s a strict interval would lose a third of the rate to
        # wake-up lateness, at 30/s this keeps arrivals as even as strict pacing did.
        self.min_gap = max(self.interval - 0.002, self.interval / 2)
        self.recent: deque[float] = deque(maxlen=self.per_window)
        self.gap_holders = 0  # bulk sends with a timer set for the gap after a late one
        self.gap_queue: deque[asyncio.Future[None]] = deque()
        self.urgent_waiting = 0

    async def acquire(self, *, urgent: bool = False) -> None:
        """Wait for this caller's turn: a slot reserved in call order and slept to once (no
        lock and no waiters polling the clock: at a high rate that was a few per cent of the
        sender's CPU), then checked against a pause Telegram asked for meanwhile (a new
        slot after it) and against the last second's sends.

        `urgent` (a reply a person waits for) goes ahead of every reserved slot: the bulk
        send whose slot it takes finds it among the last second's sends and moves up, so
        the rate still holds. Queued behind a round's reservations, a family's next
        question waited seconds. At the limit, every send waits for the oldest of the last
        second's to age, and the bulk sends waking with an urgent one let it go first (it
        lost to them, one interval at a time).
        """
        if not urgent:
            await self._acquire(self._reserve(), urgent=False)
            return
        self.urgent_waiting += 1
        try:
            await self._acquire(self._reserve_urgent(), urgent=True)
        finally:
            self.urgent_waiting -= 1

    async def _acquire(self, wake: float, *, urgent: bool) -> None:
        holding = False  # this send is the one held for the gap after a late one
        try:
            while True:
                now = self.now()
                if now < wake:
                    await self.sleep(wake - now)
                elif now < self.paused_until:
                    wake = self._reserve_urgent() if urgent else self._reserve()
                elif self.recent and now < self.recent[-1] + self.min_gap:
                    # The send before woke late. A busy loop wakes every late timer at once:
                    # told the same instant, all woke again there and one went, each time
                    # (nine wake-ups a message in a paid broadcast). Two bulk sends wait for
                    # the gap (two: one may wake late); the others queue without a timer.
                    if not urgent and not holding and self.gap_holders >= 2:
                        await self._queue_for_gap()
                        continue
                    if not urgent and not holding:
                        holding = True
                        self.gap_holders += 1
                    wake = self.recent[-1] + self.min_gap
                elif len(self.recent) == self.per_window and now < self.recent[0] + 1.0:
                    wake = self.recent[0] + 1.0
                elif self.urgent_waiting and not urgent:
                    wake = now + self.min_gap / 4  # after the urgent one, whose turn it is
                else:
                    self.recent.append(now)
                    return
        finally:
            if holding:
                self.gap_holders -= 1
            # Whoever leaves lets the next queued send look again (it may take the gap, or
            # go at once): a queue nobody wakes would hold its sends for ever.
            while self.gap_holders < 2 and self.gap_queue:
                follower = self.gap_queue.popleft()
                if not follower.done():  # not cancelled meanwhile
                    follower.set_result(None)
                    break

    async def _queue_for_gap(self) -> None:
        follower: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self.gap_queue.append(follower)
        await follower

    def _reserve(self) -> float:
        slot = max(self.now(), self.next_slot, self.paused_until)
        self.next_slot = slot + self.interval
        return slot

    def _reserve_urgent(self) -> float:
        slot = max(self.now(), self.paused_until)
        # The slot is taken from the queue: later reservations come one interval later.
        self.next_slot = max(self.next_slot, slot) + self.interval
        return slot

    def pause(self, seconds: float) -> None:
        """Telegram said 429: nobody sends until it allows again."""
        self.paused_until = max(self.paused_until, self.now() + seconds)


class ChatSpacing:
    """Bulk messages to one chat at least `interval_s` apart."""

    def __init__(
        self,
        interval_s: float,
        *,
        now: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self.interval = interval_s
        self.now = now
        self.sleep = sleep
        self.last: dict[int, float] = {}

    async def wait(self, chat_id: int) -> None:
        last = self.last.get(chat_id)
        if last is not None:
            delay = last + self.interval - self.now()
            if delay > 0:
                await self.sleep(delay)

    def sent(self, chat_id: int) -> None:
        self.last[chat_id] = self.now()
        if len(self.last) > 100_000:  # forget chats long done, so memory stays bounded
            cutoff = self.now() - self.interval
            self.last = {c: t for c, t in self.last.items() if t > cutoff}
