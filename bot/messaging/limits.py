"""Telegram's sending limits, enforced before each call.

About 30 messages a second in bulk for one bot, about one a second to one chat with short
bursts allowed, edits included (Telegram Bot FAQ; tdlib/td#3034), and a global pause whenever
Telegram answers 429 with retry_after. Replies to a person's own message have no overall
limit: they are held to their chat's limit only, and to a pause. Paid broadcasts may go up to
1,000 a second.
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
    chat_interval_s: float = 1.0  # between bulk messages to one chat (0: chats unlimited)
    chat_burst: int = 3  # messages of any kind to one chat in a second (replies' only limit)
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
        # A slot nobody was waiting for (every request in flight) may be taken up to this
        # late: at 1,000/s, slots that lapsed while requests were slow to come back were a
        # few per cent of a paid broadcast's rate. The last second's count and the gap
        # still hold; at 30/s the gap leaves this no room.
        self.catch_up_s = 0.02
        self.gap_queue: deque[asyncio.Future[None]] = deque()

    async def acquire(self) -> None:
        """Wait for this caller's turn: a slot reserved in call order and slept to once (no
        lock and no waiters polling the clock: at a high rate that was a few per cent of the
        sender's CPU), then checked against a pause Telegram asked for meanwhile (a new
        slot after it) and against the last second's sends."""
        wake = self._reserve()
        holding = False  # this send is the one held for the gap after a late one
        try:
            while True:
                now = self.now()
                if now < wake:
                    await self.sleep(wake - now)
                elif now < self.paused_until:
                    wake = self._reserve()
                elif self.recent and now < self.recent[-1] + self.min_gap:
                    # The send before woke late. A busy loop wakes every late timer at once:
                    # told the same instant, all woke again there and one went, each time
                    # (nine wake-ups a message in a paid broadcast). Two sends wait for the
                    # gap (two: one may wake late); the others queue without a timer.
                    if not holding and self.gap_holders >= 2:
                        await self._queue_for_gap()
                        continue
                    if not holding:
                        holding = True
                        self.gap_holders += 1
                    wake = self.recent[-1] + self.min_gap
                elif len(self.recent) == self.per_window and now < self.recent[0] + 1.0:
                    wake = self.recent[0] + 1.0
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
        slot = max(self.now() - self.catch_up_s, self.next_slot, self.paused_until)
        self.next_slot = slot + self.interval
        return slot

    async def paused(self) -> None:
        """Wait out a pause Telegram asked for: a 429 holds replies too, not only bulk."""
        while (left := self.paused_until - self.now()) > 0:
            await self.sleep(left)

    def pause(self, seconds: float) -> None:
        """Telegram said 429: nobody sends until it allows again."""
        self.paused_until = max(self.paused_until, self.now() + seconds)


class ChatSpacing:
    """Telegram's limit per chat: bulk messages at least `interval_s` apart, and at most
    `burst` messages of any kind (replies, edits) in any `WINDOW_S`; `interval_s` 0 lifts
    both (tests, the demo).

    The window is a little longer than Telegram's second: a slot is taken when the request
    leaves, and requests arrive with network jitter.
    """

    WINDOW_S = 1.1

    def __init__(
        self,
        interval_s: float,
        *,
        burst: int = 3,
        now: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self.interval = interval_s
        self.burst = burst
        self.now = now
        self.sleep = sleep
        self.last: dict[int, float] = {}
        self.recent: dict[int, deque[float]] = {}

    @classmethod
    def of(
        cls,
        limits: SendLimits,
        *,
        now: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> ChatSpacing:
        return cls(limits.chat_interval_s, burst=limits.chat_burst, now=now, sleep=sleep)

    async def wait(self, chat_id: int) -> None:
        last = self.last.get(chat_id)
        if last is not None:
            delay = last + self.interval - self.now()
            if delay > 0:
                await self.sleep(delay)

    async def take(self, chat_id: int) -> None:
        """A slot of the chat's burst, taken in turn by whoever wakes first."""
        if self.interval <= 0:
            return
        times = self.recent.get(chat_id)
        if times is None:
            # Forget chats quiet for a window: a deque each for a round's 370,000 chats would
            # be tens of MB, and only the last second's few matter.
            if len(self.recent) > 10_000:
                cutoff = self.now() - self.WINDOW_S
                self.recent = {c: d for c, d in self.recent.items() if d and d[-1] > cutoff}
            times = self.recent[chat_id] = deque()
        while True:
            now = self.now()
            # A microsecond's tolerance: woken at the deadline, float sums may fall short.
            while times and now - times[0] >= self.WINDOW_S - 1e-6:
                times.popleft()
            if len(times) < self.burst:
                times.append(now)
                return
            await self.sleep(times[0] + self.WINDOW_S - now)

    def sent(self, chat_id: int) -> None:
        self.last[chat_id] = self.now()
        if len(self.last) > 100_000:  # forget chats long done, so memory stays bounded
            cutoff = self.now() - self.interval
            self.last = {c: t for c, t in self.last.items() if t > cutoff}
