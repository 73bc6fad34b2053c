"""Telegram's sending limits, enforced the way Telegram does: a 429 with retry_after.

Off by default (the fake answers everything). ``tg.enforce_limits()`` turns it on: about
30 messages a second for the bot, and a short burst per chat. Telegram publishes only
approximate figures ("avoid more than one message per second" in a chat, "about 30
messages per second" in bulk; Bot FAQ) and tolerates short bursts, so a chat may take
`chat_burst` messages in any second: a reply right after a bulk question is not refused,
a bot that ignores the one-second spacing is. Edits share the chat's limit with sends.
Answers to button presses are not messages and are never counted. Replies are not held to
the bulk budget: Telegram puts no overall limit on what a bot sends people who wrote to it,
so a message to a chat whose user wrote, pressed or edited within `reply_window_s` counts
against that chat's limit only.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable

from bot.sandbox.fakeapi.api_errors import ApiError, too_many_requests

# What Telegram counts as a message for its limits.
_COUNTED_PREFIXES = ("send", "edit", "copy", "forward")


class FloodLimits:
    def __init__(
        self,
        per_second: int = 30,
        *,
        chat_burst: int = 3,
        retry_after: int = 1,
        reply_window_s: float = 30.0,
        now: Callable[[], float] = time.monotonic,
    ) -> None:
        self.per_second = per_second
        self.chat_burst = chat_burst
        self.retry_after = retry_after
        self.now = now
        self.recent: deque[float] = deque()
        self.per_chat: dict[int, deque[float]] = {}
        self.refused = 0
        self.reply_window_s = reply_window_s
        self.acted: dict[int, float] = {}  # chat -> when its user last wrote or pressed

    def user_acted(self, chat_id: int) -> None:
        self.acted[chat_id] = self.now()

    def alike(self) -> FloodLimits:
        """Limits like these, counted apart (another bot's)."""
        return FloodLimits(
            self.per_second,
            chat_burst=self.chat_burst,
            retry_after=self.retry_after,
            reply_window_s=self.reply_window_s,
            now=self.now,
        )

    def check(self, method: str, chat_id: int | None) -> ApiError | None:
        """The 429 for this call, or None (then it is counted). `method` is lower-case."""
        if not method.startswith(_COUNTED_PREFIXES) or method == "sendchataction":
            return None
        now = self.now()
        _forget(self.recent, now)
        chat = self.per_chat.setdefault(chat_id, deque()) if chat_id is not None else None
        if chat is not None:
            _forget(chat, now)
        acted = self.acted.get(chat_id) if chat_id is not None else None
        reply = acted is not None and now - acted < self.reply_window_s
        if (not reply and len(self.recent) >= self.per_second) or (
            chat is not None and len(chat) >= self.chat_burst
        ):
            self.refused += 1
            return too_many_requests(self.retry_after)
        if not reply:
            self.recent.append(now)
        if chat is not None:
            chat.append(now)
        return None


def _forget(times: deque[float], now: float) -> None:
    while times and now - times[0] >= 1.0:
        times.popleft()
