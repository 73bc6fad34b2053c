"""When the alert rules run: after rounds open or close, and hourly; escalation every run.

The database says what is due (the last evaluation and the rounds it saw, in a BotState
fact), so a run after downtime catches up and runs may be skipped or repeated.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.database import Database
from bot.db.facts import recall, remember
from bot.db.models import Round
from bot.domain.alerts import escalate_due, evaluate
from bot.domain.alerts.cards import notify_closed, notify_opened
from bot.messaging.messages import Outgoing
from bot.messaging.outbox import enqueue

RULES_EVALUATED = "rules_evaluated"
RULES_EVERY = timedelta(hours=1)


async def watch_alerts(db: Database, *, now: datetime) -> int:
    """Evaluate the rules if rounds opened or closed since the last evaluation, or an hour
    has passed; escalate what is due. Returns the number of alert messages written."""
    async with db.transaction() as session:
        messages: list[Outgoing] = []
        last = await recall(session, RULES_EVALUATED)
        rounds = await _rounds_seen(session)
        if (
            last is None
            or datetime.fromisoformat(last["at"]) <= now - RULES_EVERY
            or last.get("rounds") != rounds
        ):
            outcome = await evaluate(session, now=now)
            messages += await notify_opened(session, outcome.opened)
            messages += await notify_closed(session, outcome.closed)
            await remember(session, RULES_EVALUATED, {"at": now.isoformat(), "rounds": rounds}, now)
        messages += await notify_opened(session, await escalate_due(session, now))
        await enqueue(session, messages, now=now)
        return len(messages)


async def _rounds_seen(session: AsyncSession) -> list[Any]:
    """The newest round and how many are closed: either changes when a round opens or closes,
    whoever did it (the round clock, `kabar checkin send`, another worker)."""
    newest, closed = (
        await session.execute(select(func.max(Round.id), func.count(Round.closed_at)))
    ).one()
    return [newest, int(closed)]
