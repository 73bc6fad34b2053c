"""Property: whatever arrives — random Unicode with NUL and lone surrogates, huge and negative
numbers, missing fields, deep nesting — the next ordinary update from someone else is
answered, nothing stays unacknowledged or unhandled, and the logs hold no traceback storm
and nothing the sender wrote. Against the real database (SQLite, or PostgreSQL when
KABAR_TEST_DATABASE_URL is set), by long polling and by webhook.

Kabar runs once per test; the examples follow one another against it, as hostile updates
would in a real day. The example count is bounded and the run derandomized, so the test
takes seconds and fails the same way every time.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from typing import Any

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from bot.db.database import Database
from bot.db.models import InboxUpdate, QuarantinedUpdate
from bot.messaging.admission import MAX_DEPTH
from tests.app.support import until
from tests.support.hostile import KNOWN, MARK, ORDINARY, hostile_updates, ids
from tests.support.inprocess import Running, body, running_kabar

pytestmark = pytest.mark.e2e

WELCOME = "Untuk bergabung"

PROPERTY = settings(
    max_examples=20,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

# Posted straight to the webhook, beside the fake Telegram's own updates (ids from 1 up):
# never one of those, or the inbox would rightly take the ordinary update for a redelivery.
update_ids = st.one_of(st.integers(10**9, 2**63 - 1), ids).filter(
    lambda value: not (isinstance(value, int) and 0 <= value < 10**9)
)


def _known(test: Any) -> Any:
    for update in KNOWN:
        test = example(update=update)(test)
    return test


def _known_with_ids(test: Any) -> Any:
    for number, update in enumerate(KNOWN):
        test = example(update=dict(update), update_id=2**62 + number)(test)
    return example(update=KNOWN[0], update_id=2**70)(test)


@pytest.fixture
async def polling(database_url: str) -> AsyncIterator[Running]:
    async with running_kabar(database_url) as kabar:
        yield kabar


@pytest.fixture
async def webhook(database_url: str) -> AsyncIterator[Running]:
    async with running_kabar(database_url, webhook=True) as kabar:
        yield kabar


async def _nothing_stuck(db: Database) -> bool:
    async with db.sessions() as session:
        waiting = await session.scalar(
            select(func.count()).select_from(InboxUpdate).where(InboxUpdate.processed_at.is_(None))
        )
    return waiting == 0


async def _ordinary_update_is_answered(kabar: Running, db: Database, start: int) -> None:
    someone = kabar.tg.user(ORDINARY, first_name="Budi", language_code="id", started=True)
    someone.drain_replies()
    await someone.send_command("start")
    assert WELCOME in (await someone.next_reply(timeout=20)).text
    await until(lambda: _nothing_stuck(db), timeout=20)
    logged = kabar.log.since(start, logging.INFO)
    for record in logged:
        line = record.getMessage() + (str(record.exc_info[1]) if record.exc_info else "")
        assert MARK not in line, "what the sender wrote reached the logs"
    tracebacks = [r for r in logged if r.exc_info is not None]
    assert len(tracebacks) <= 1, "one traceback at most, when an update is given up on"


async def _quarantined(db: Database) -> int:
    async with db.sessions() as session:
        return int(await session.scalar(select(func.count()).select_from(QuarantinedUpdate)) or 0)


@PROPERTY
@given(update=hostile_updates())
@_known
async def test_by_long_polling_a_hostile_update_holds_back_nobody(
    polling: Running, db: Database, update: dict[str, Any]
) -> None:
    start = len(polling.log.records)
    polling.push(update)
    await _ordinary_update_is_answered(polling, db, start)
    await until(lambda: polling.tg.pending_updates == 0)


@PROPERTY
@given(update=hostile_updates(), update_id=update_ids)
@_known_with_ids
async def test_by_webhook_a_hostile_update_holds_back_nobody(
    webhook: Running, db: Database, update: dict[str, Any], update_id: Any
) -> None:
    start = len(webhook.log.records)
    update["update_id"] = update_id
    status = await webhook.post(body(update))
    assert status in (200, 400), "a clear answer, never a 500 that Telegram would repeat"
    await _ordinary_update_is_answered(webhook, db, start)


async def test_the_property_tests_did_meet_updates_that_must_be_set_aside(
    database_url: str, db: Database
) -> None:
    """The strategies reach the quarantine (a property test that never met a bad update
    proves nothing): a sample of their updates, stored the way the poller stores them."""
    from hypothesis import Phase, find

    unshrunk = settings(PROPERTY, phases=[Phase.generate])  # any such update will do
    deep = find(hostile_updates(), lambda u: _depth(u) > MAX_DEPTH + 5, settings=unshrunk)
    async with running_kabar(database_url) as kabar:
        kabar.push(deep)
        await until(lambda: kabar.tg.pending_updates == 0)
        await until(lambda: _nothing_stuck(db))
    assert await _quarantined(db) >= 1


def _depth(value: Any) -> int:
    if isinstance(value, dict):
        return 1 + max((_depth(v) for v in value.values()), default=0)
    if isinstance(value, list):
        return 1 + max((_depth(v) for v in value), default=0)
    return 0
