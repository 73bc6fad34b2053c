"""The rate limiter on a virtual clock: even pacing, call order kept, 429 pauses honoured."""

from __future__ import annotations

import asyncio
import itertools

from bot.messaging.limits import RateLimiter
from tests.messaging.virtual_time import VirtualTime


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


async def test_an_urgent_send_goes_ahead_of_reserved_slots_within_the_rate() -> None:
    clock = VirtualTime()
    limiter = RateLimiter(10, now=clock.now, sleep=clock.sleep)
    granted: list[tuple[str, float]] = []

    async def send(name: str, *, urgent: bool = False, after: float = 0.0) -> None:
        if after:
            await clock.sleep(after)
        await limiter.acquire(urgent=urgent)
        granted.append((name, clock.now()))

    tasks = [asyncio.create_task(send(f"bulk {n}")) for n in range(20)]
    tasks.append(asyncio.create_task(send("reply", urgent=True, after=0.35)))
    await clock.run(tasks)

    names = [name for name, _ in granted]
    reply = dict(granted)["reply"]
    assert reply - 0.35 < 0.1, "a reply waits one interval at most, not for the round"
    assert names.index("reply") < 6
    assert [n for n in names if n != "reply"] == [f"bulk {n}" for n in range(20)]
    assert _most_in_one_second([t for _, t in granted]) <= 9
