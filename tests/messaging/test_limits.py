"""The rate limiter on a virtual clock: even pacing, call order kept, 429 pauses honoured."""

from __future__ import annotations

import asyncio
import itertools

from bot.messaging.limits import RateLimiter


class VirtualTime:
    """A clock that moves only when every waiter is asleep (the limiter's `now`/`sleep`).

    `late` makes the n-th sleep (counted from 0) wake that much after its deadline, as an
    event loop busy with other work does."""

    def __init__(self, late: dict[int, float] | None = None) -> None:
        self.t = 0.0
        self.late = late or {}
        self.sleepers: list[tuple[float, int, asyncio.Future[None]]] = []
        self.order = itertools.count()

    def now(self) -> float:
        return self.t

    async def sleep(self, seconds: float) -> None:
        n = next(self.order)
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self.sleepers.append((self.t + seconds + self.late.get(n, 0.0), n, future))
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


def _most_in_one_second(times: list[float]) -> int:
    return max(sum(1 for t in times if start <= t < start + 1.0) for start in times)


async def _send_all(limiter: RateLimiter, clock: VirtualTime, count: int) -> list[float]:
    granted: list[float] = []

    async def send() -> None:
        await limiter.acquire()
        granted.append(clock.now())

    tasks = [asyncio.create_task(send()) for _ in range(count)]
    await clock.run(tasks)
    return granted


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


async def test_sends_that_woke_late_never_make_more_than_the_rate_in_a_second() -> None:
    # Every third wake-up comes 90 ms late: the next send, on time, follows right after it.
    clock = VirtualTime(late={n: 0.09 for n in range(0, 60, 3)})
    limiter = RateLimiter(10, now=clock.now, sleep=clock.sleep)
    times = await _send_all(limiter, clock, 40)
    assert len(times) == 40
    assert _most_in_one_second(times) <= 9, "98.5% of 10 a second, in any second"
    gaps = [b - a for a, b in itertools.pairwise(times)]
    assert min(gaps) >= 1 / (10 * 0.985) - 0.002 - 1e-9, "no two sends closer than 2 ms less"
    assert times[-1] - times[0] < 40 / 9, "and no slower than the limit requires"
