"""The pending update queue shared by getUpdates long polling and webhook delivery."""

from __future__ import annotations

from collections import deque
from typing import Any

from bot.sandbox.fakeapi.pulse import Pulse

# Telegram's default when allowed_updates is empty or never set.
DEFAULT_EXCLUDED = frozenset({"chat_member", "message_reaction", "message_reaction_count"})


def update_type(update: dict[str, Any]) -> str:
    return next(key for key in update if key != "update_id")


class UpdateQueue:
    """Updates get strictly increasing ids; ``confirm(offset)`` forgets those below it."""

    def __init__(self) -> None:
        self._pending: deque[dict[str, Any]] = deque()
        self._next_id = 1
        self._allowed: frozenset[str] | None = None  # None = Telegram's default set
        self.pulse = Pulse()
        self.poll_generation = 0  # a newer getUpdates ends an older waiting one (409)

    def __len__(self) -> int:
        return len(self._pending)

    def allows(self, kind: str) -> bool:
        if self._allowed is None:
            return kind not in DEFAULT_EXCLUDED
        return kind in self._allowed

    @property
    def allowed_updates(self) -> list[str] | None:
        return None if self._allowed is None else sorted(self._allowed)

    def set_allowed(self, kinds: Any) -> None:
        """Apply an ``allowed_updates`` parameter; None keeps the previous setting."""
        if kinds is None:
            return
        if not isinstance(kinds, list):
            return
        self._allowed = frozenset(str(k) for k in kinds) or None
        if any(not self.allows(update_type(u)) for u in self._pending):
            self._pending = deque(u for u in self._pending if self.allows(update_type(u)))

    def push(self, kind: str, payload: dict[str, Any]) -> dict[str, Any] | None:
        """Queue an update; like Telegram, types the bot did not ask for are never created."""
        if not self.allows(kind):
            return None
        update = {"update_id": self._next_id, kind: payload}
        self._next_id += 1
        self._pending.append(update)
        self.pulse.fire()
        return update

    def confirm(self, offset: int) -> None:
        pending = self._pending
        if offset < 0:
            while len(pending) > -offset:
                pending.popleft()
            return
        while pending and pending[0]["update_id"] < offset:
            pending.popleft()

    def peek(self, limit: int) -> list[dict[str, Any]]:
        if limit >= len(self._pending):
            return list(self._pending)
        return [self._pending[i] for i in range(limit)]

    def head(self) -> dict[str, Any] | None:
        return self._pending[0] if self._pending else None

    def drop_head(self, update: dict[str, Any]) -> None:
        """Remove ``update`` if it is still first (the queue may have been cleared meanwhile)."""
        if self._pending and self._pending[0] is update:
            self._pending.popleft()

    def clear(self) -> None:
        self._pending.clear()
        self.pulse.fire()
