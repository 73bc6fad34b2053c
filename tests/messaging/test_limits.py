"""The rate limiter on a virtual clock: even pacing, call order kept, 429 pauses honoured."""

from __future__ import annotations

import asyncio
import itertools

from bot.messaging.limits import ChatSpacing, RateLimiter
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


async def test_a_chat_takes_a_short_burst_then_one_more_when_its_window_moves_on() -> None:
    clock = VirtualTime()
    spacing = ChatSpacing(1.0, burst=3, now=clock.now, sleep=clock.sleep)
    granted: list[tuple[int, float]] = []

    async def send(chat: int) -> None:
        await spacing.take(chat)
        granted.append((chat, clock.now()))

    tasks = [asyncio.create_task(send(1)) for _ in range(5)] + [asyncio.create_task(send(2))]
    await clock.run(tasks)

    first = [t for chat, t in granted if chat == 1]
    assert first[:3] == [0.0, 0.0, 0.0], "a short burst goes at once"
    assert all(t >= ChatSpacing.WINDOW_S for t in first[3:]), "the fourth waits its window"
    assert [t for chat, t in granted if chat == 2] == [0.0], "another chat is not held back"


async def test_a_pause_holds_replies_that_take_no_slot_of_the_rate() -> None:
    clock = VirtualTime()
    limiter = RateLimiter(10, now=clock.now, sleep=clock.sleep)
    limiter.pause(5.0)  # Telegram answered 429 with retry_after=5
    done: list[float] = []

    async def reply() -> None:
        await limiter.paused()
        done.append(clock.now())

    await clock.run([asyncio.create_task(reply())])
    assert done == [5.0]


async def test_sends_woken_late_together_go_one_by_one_without_waking_again_and_again() -> None:
    # The loop was busy for three seconds: the 30 sends' wake-ups (their slots a tenth of a
    # second apart) all come at once, and all but one must wait again. Each waits about
    # once more, not once for every send that goes before it.
    clock = VirtualTime(late={n: 3.0 - n / (10 * 0.985) for n in range(30)})
    limiter = RateLimiter(10, now=clock.now, sleep=clock.sleep)
    times = await _send_all(limiter, clock, 30)
    assert len(times) == 30
    assert _most_in_one_second(times) <= 9
    gaps = [b - a for a, b in itertools.pairwise(times)]
    assert min(gaps) >= 1 / (10 * 0.985) - 0.002 - 1e-9
    slept = next(clock.order)
    assert slept <= 3 * 30, f"{slept} timers for 30 sends"


async def test_slots_that_lapsed_while_the_sender_was_busy_are_made_up_within_the_limit() -> None:
    # A paid broadcast at 1,000 a second: now and then nobody is waiting for the next slot
    # (every request is in flight) for 10 ms. Those slots are taken late, not lost, and no
    # second holds more than the limit allows.
    clock = VirtualTime()
    limiter = RateLimiter(1000, now=clock.now, sleep=clock.sleep)
    granted: list[float] = []

    async def sender() -> None:
        for n in range(2000):
            if n and n % 100 == 0:
                await clock.sleep(0.01)  # busy: the next slot passes with nobody asking
            await limiter.acquire()
            granted.append(clock.now())

    await clock.run([asyncio.create_task(sender())])
    assert _most_in_one_second(granted) <= 985, "98.5% of 1,000 a second, in any second"
    assert granted[-1] - granted[0] < 2000 / 985 * 1.02, "the lapsed slots are made up"
