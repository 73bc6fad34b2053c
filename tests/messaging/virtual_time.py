"""A virtual clock for the sender's pacing (its `now`/`sleep`): seconds pass only when every
waiter is asleep, so tests check spacing and pauses exactly and in milliseconds."""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import Callable


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

    def _wake_next(self) -> None:
        self.sleepers = [s for s in self.sleepers if not s[2].done()]  # cancelled sleeps
        if self.sleepers:
            self.sleepers.sort()
            wake, _, future = self.sleepers.pop(0)
            self.t = max(self.t, wake)
            future.set_result(None)

    async def run(self, tasks: list[asyncio.Task[None]]) -> None:
        while not all(task.done() for task in tasks):
            for _ in range(5):  # let every runnable task reach its next sleep
                await asyncio.sleep(0)
            self._wake_next()

    async def run_until(
        self, done: Callable[[], bool], *, busy: Callable[[], bool], timeout: float = 30
    ) -> None:
        """Move time on until `done()`; never while `busy()` (a request in flight, which
        takes no virtual time): real I/O is waited for in real time."""
        async with asyncio.timeout(timeout):
            while not done():
                for _ in range(5):
                    await asyncio.sleep(0)
                if busy() or not any(not s[2].done() for s in self.sleepers):
                    await asyncio.sleep(0.001)
                else:
                    self._wake_next()
