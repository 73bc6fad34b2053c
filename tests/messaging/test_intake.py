"""Every received update ends in the inbox or in the quarantine, never retried forever, and a
sender is told at most once an hour that a message could not be read."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

from hypothesis import HealthCheck, given, settings
from sqlalchemy import select

from bot.app.runtime import Runtime
from bot.db.database import Database
from bot.db.models import InboxUpdate, OutboxMessage, QuarantinedUpdate
from bot.lib.clock import FakeClock
from bot.lib.config import Settings
from bot.tg.intake import Received, StoreTries, admit
from tests.support.hostile import deep, hostile_updates, message

_ids = iter(range(1, 10**6))


@settings(
    max_examples=60,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(update=hostile_updates())
async def test_every_update_is_stored_or_set_aside_and_what_is_stored_is_clean(
    database_url: str, db: Database, update: dict[str, Any]
) -> None:
    update["update_id"] = next(_ids)
    runtime = Runtime(settings=Settings(database_url=database_url), db=db)
    admission = await admit(runtime, [Received(update)], StoreTries())
    assert admission.waiting == []
    async with db.sessions() as session:
        stored = await session.get(InboxUpdate, update["update_id"])
        aside = await session.scalar(
            select(QuarantinedUpdate).where(QuarantinedUpdate.update_id == update["update_id"])
        )
    assert (stored is None) != (aside is None), "in exactly one of the two"
    if stored is not None:
        text = json.dumps(stored.payload, ensure_ascii=False)
        assert "\\u0000" not in text
        text.encode("utf-8")  # no lone surrogate left
    else:
        assert aside is not None and aside.raw is not None


async def test_a_sender_is_told_once_an_hour_however_many_bad_messages(
    database_url: str, db: Database
) -> None:
    clock = FakeClock()
    runtime = Runtime(settings=Settings(database_url=database_url), db=db, clock=clock)
    tries = StoreTries()

    async def send_bad(update_id: int) -> None:
        update = message("x", reply_markup=deep(100)) | {"update_id": update_id}
        await admit(runtime, [Received(update)], tries)

    await send_bad(1)
    clock.advance(timedelta(minutes=30))
    await send_bad(2)
    await send_bad(2)  # delivered again: not a new one
    clock.advance(timedelta(minutes=31))
    await send_bad(3)
    async with db.sessions() as session:
        notices = (await session.execute(select(OutboxMessage.chat_id))).scalars().all()
        aside = (
            await session.execute(select(QuarantinedUpdate).order_by(QuarantinedUpdate.id))
        ).scalars()
        told = [(row.update_id, row.notified_at is not None) for row in aside]
    assert notices == [4_000, 4_000]
    assert told == [(1, True), (2, False), (3, True)]


def test_the_poller_acknowledges_past_what_was_stored_or_set_aside_up_to_what_waits() -> None:
    from bot.tg.poller import next_offset

    batch: list[Any] = [{"update_id": 7}, {"no": "id"}, "not an update", {"update_id": 9}]
    assert next_offset(batch, [], 3) == 10
    assert next_offset(batch, [9, 8], 3) == 8  # 8 and 9 come again; 7 does not
    assert next_offset([{"update_id": "x"}], [], 3) == 3
