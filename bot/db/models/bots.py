"""The deployment's extra bots: a province's families spread over several Telegram bots.

The default bot is not a row: its token and username stay in KABAR_BOT_TOKEN and
KABAR_BOT_USERNAME, where they are rotated, so a copy here could never go stale. A NULL
`bot_id` anywhere (a cohort, an account, an outbox row) means the default bot.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from bot.db.models.base import Base


class Bot(Base):
    __tablename__ = "bots"

    # Small, and at most 2^31: it is the high half of the bot's inbox keys
    # (bot/messaging/bot_keys.py).
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    token: Mapped[str] = mapped_column(String(128), unique=True)
    # Paid broadcasts (above the free 30 a second) are each bot's own choice and bill.
    paid_broadcast: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime]
