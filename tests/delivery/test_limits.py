"""The rate limiter on a virtual clock: even pacing, call order kept, 429 pauses honoured."""

from __future__ import annotations

import asyncio
import itertools

from bot.delivery.limits import RateLimiter


class VirtualTime:
    """A clock that moves only when every waiter is asleep (the limiter's `now`/`sleep`)."""

    def __init__(self) -> None:
        self.t = 0.0
        self.sleepers: list[tuple[float, int, asyncio.Future[None]]] = []
        self.order = itertools.count()

    def now(self) -> float:
        return self.t

    async def sleep(self, seconds: float) -> None:
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self.sleepers.append((self.t + seconds, next(self.order), future))
        await future

    async def run(self, tasks: list[asyncio.Task[None]]) -> None:
        while not all(task.done() for task in tasks):
            for _ in range(5):  # let every runnable task reach its next sleep
                await asyncio.sleep(0)
            if self.sleepers:
                self.sleepers.sort()
                wake, _, future = self.sleepers.pop(0)
                self.t = max(self.t, wake)
                future.set_result(None)


async def test_sends_are_paced_in_call_order_and_wait_out_a_pause() -> None:
    clock = VirtualTime()
    limiter = RateLimiter(10, now=clock.now, sleep=clock.sleep)
    granted: list[tuple[int, float]] = []

    async def send(n: int) -> None:
        await limiter.acquire()
        granted.append((n, clock.now()))
        if n == 4:
            limiter.pause(5.0)  # Telegram answered 429 with retry_after=5

    tasks = [asyncio.create_task(send(n)) for n in range(10)]
    await clock.run(tasks)

    assert [n for n, _ in granted] == list(range(10)), "first come, first served"
    times = [t for _, t in granted]
    gaps = [b - a for a, b in itertools.pairwise(times)]
    assert min(gaps) >= 1 / 10 - 1e-9, "never faster than the rate"
    pause_ends = times[4] + 5.0
    assert all(t >= pause_ends for t in times[5:]), "nothing is sent during the pause"
    assert times[9] - times[5] < 4 * (1 / 10) * 1.1, "pacing resumes right after it"
