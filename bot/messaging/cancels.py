"""Which broadcasts were cancelled: the sender asks before each broadcast message it holds.

A sender claims rows ahead of sending them, so a cancel that only changed the rows still
waiting in the table would let the claimed ones (seconds of sending at the bulk rate) go out.
The database is asked at most once every `every_s` (0.2 s: at 30 messages a second, six
messages may still go after a cancel), however many messages are sent.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable

from sqlalchemy import select

from bot.db.database import Database
from bot.db.models import Broadcast, BroadcastStatus

CANCELLED = "cancelled"  # the error of an outbox row not sent because of a cancel


class CancelledBroadcasts:
    def __init__(
        self, db: Database, *, every_s: float = 0.2, now: Callable[[], float] = time.monotonic
    ) -> None:
        self.db = db
        self.every_s = every_s
        self.now = now
        self.known: dict[int, bool] = {}
        self.checked_at = float("-inf")
        self._refreshing: asyncio.Task[None] | None = None

    async def cancelled(self, broadcast_id: int) -> bool:
        if broadcast_id not in self.known or self.now() - self.checked_at >= self.every_s:
            self.known.setdefault(broadcast_id, False)
            if self._refreshing is None or self._refreshing.done():
                self._refreshing = asyncio.create_task(self._refresh())
            # Shared: eight chats sending at once wait on one query, not eight.
            await asyncio.shield(self._refreshing)
        return self.known[broadcast_id]

    async def _refresh(self) -> None:
        ids = list(self.known)
        async with self.db.transaction() as session:
            rows = await session.execute(
                select(Broadcast.id, Broadcast.status).where(Broadcast.id.in_(ids))
            )
            status = {broadcast_id: state for broadcast_id, state in rows}
        self.checked_at = self.now()
        # Forget broadcasts that are over, so the set stays as small as what is going out.
        self.known = {
            i: status.get(i) is BroadcastStatus.CANCELLED
            for i in ids
            if status.get(i) not in (BroadcastStatus.DONE, None)
        }
