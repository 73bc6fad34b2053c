"""What a running Kabar process owns: settings, database, clock and wake-up signals."""

from __future__ import annotations

import asyncio
import os
import socket
from dataclasses import dataclass, field

from bot.app.services import Services
from bot.db.database import Database
from bot.lib.clock import Clock, SystemClock
from bot.lib.config import Settings
from bot.lib.metrics import Metrics
from bot.messaging.sender import ReplySender


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


@dataclass
class Runtime:
    settings: Settings
    db: Database
    clock: Clock = field(default_factory=SystemClock)
    worker: str = field(default_factory=worker_name)
    # Set when new inbox rows or outbox rows exist, so loops react at once instead of polling.
    inbox_wakeup: asyncio.Event = field(default_factory=asyncio.Event)
    outbox_wakeup: asyncio.Event = field(default_factory=asyncio.Event)
    bot_username: str | None = None
    # The ids of the extra bots this process receives from and sends with (bot/domain/bots.py).
    extra_bots: frozenset[int] = frozenset()
    # The sender running in this process (the leader's), which takes replies handed over
    # by the processor; None where another worker sends.
    reply_sender: ReplySender | None = None
    services: Services = field(default_factory=Services)
    metrics: Metrics = field(default_factory=Metrics)  # for GET /metrics
