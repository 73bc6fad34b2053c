"""What became of one try to send a message, as the sender records it and tells the
process (its metrics)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from bot.db.models import OutboxStatus
from bot.messaging.outbox import Job


@dataclass(frozen=True, slots=True)
class Outcome:
    status: OutboxStatus
    message_id: int | None = None
    error: str | None = None
    retry_at: datetime | None = None
    unreachable: bool = False
    # Telegram asked us to wait, or the message was not tried: not a failed attempt of it.
    throttled: bool = False
    wait_s: float = 0.0  # before it is tried again


# Told each try's outcome (the composition root counts them for /metrics).
Observer = Callable[[Job, Outcome], None]
