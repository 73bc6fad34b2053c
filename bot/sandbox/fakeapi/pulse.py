"""A cheap "something changed" broadcast for waiters, without polling sleeps."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable


class Pulse:
    """Wakes every waiter on :meth:`fire`; waiters re-check their own predicate.

    Firing swaps in a fresh Event so that the fire itself is O(1) and synchronous,
    which lets plain (non-async) state changes notify waiters.
    """

    __slots__ = ("_event",)

    def __init__(self) -> None:
        self._event = asyncio.Event()

    def fire(self) -> None:
        self._event.set()
        self._event = asyncio.Event()

    async def wait_until(
        self,
        predicate: Callable[[], bool],
        timeout: float | None,
    ) -> bool:
        """Wait until ``predicate()`` holds; return its final value (False on timeout)."""
        deadline = None if timeout is None else time.monotonic() + timeout
        while True:
            event = self._event
            if predicate():
                return True
            if deadline is None:
                await event.wait()
                continue
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return False
            try:
                async with asyncio.timeout(remaining):
                    await event.wait()
            except TimeoutError:
                return predicate()
