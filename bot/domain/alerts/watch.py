"""When the alert rules run: after rounds open or close (by whatever path: the round clock,
`kabar checkin send`, another worker), soon after a family's state changes (an answer, a
block, a pause), and hourly; escalation every run.

The database says what is due (the last evaluation and what it saw, in a BotState fact), so
a run after downtime catches up and runs may be skipped or repeated. What it saw is read
from indexed maxima, so a run that finds nothing new costs a few index lookups.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.database import Database
from bot.db.dialect import one_snapshot
from bot.db.facts import recall, remember
from bot.db.models import FollowUpRecord, Person, Round
from bot.domain.alerts import escalate_due, evaluate
from bot.domain.alerts.cards import notify_closed, notify_opened
from bot.messaging.messages import Message
from bot.messaging.outbox import enqueue

RULES_EVALUATED = "rules_evaluated"
RULES_EVERY = timedelta(hours=1)
# Answers come in by the hundred while a round is open: the rules run at most this often
# for them (a closed round is looked at at once).
CHANGES_EVERY = timedelta(seconds=30)


async def watch_alerts(db: Database, *, now: datetime) -> int:
    """Evaluate the rules if rounds opened or closed since the last evaluation, families
    changed and the last evaluation is `CHANGES_EVERY` old, or an hour has passed; escalate
    what is due. Returns the number of alert messages written."""
    async with db.transaction() as session:
        await one_snapshot(session)
        messages: list[Message] = []
        last = await recall(session, RULES_EVALUATED)
        rounds = await _rounds_seen(session)
        changed = await _families_changed(session)
        last_at = datetime.fromisoformat(last["at"]) if last is not None else None
        if (
            last is None
            or last_at is None
            or last_at <= now - RULES_EVERY
            or last.get("rounds") != rounds
            or (last.get("changed") != changed and last_at <= now - CHANGES_EVERY)
        ):
            outcome = await evaluate(session, now=now)
            messages += await notify_opened(session, outcome.opened)
            messages += await notify_closed(session, outcome.closed)
            # Seen after the evaluation: the statuses it changed itself are not news. In the
            # transaction's one snapshot, so an answer committed by another transaction while
            # the rules ran is news for the next run, not taken as seen.
            seen = {"at": now.isoformat(), "rounds": rounds}
            seen["changed"] = await _families_changed(session)
            await remember(session, RULES_EVALUATED, seen, now)
        messages += await notify_opened(session, await escalate_due(session, now))
        await enqueue(session, messages, now=now)
        return len(messages)


async def _families_changed(session: AsyncSession) -> list[str | None]:
    """The last change to a person (a pause, a block) and to a record (an answer)."""
    person, record = (
        await session.execute(
            select(
                select(func.max(Person.updated_at)).scalar_subquery(),
                select(func.max(FollowUpRecord.updated_at)).scalar_subquery(),
            )
        )
    ).one()
    return [at.isoformat() if at is not None else None for at in (person, record)]


async def _rounds_seen(session: AsyncSession) -> list[Any]:
    """The newest round and how many are closed: either changes when a round opens or closes,
    whoever did it (the round clock, `kabar checkin send`, another worker)."""
    newest, closed = (
        await session.execute(select(func.max(Round.id), func.count(Round.closed_at)))
    ).one()
    return [newest, int(closed)]
