"""What the sender's outcomes add to /metrics."""

from __future__ import annotations

from datetime import timedelta

from prometheus_client import generate_latest
from prometheus_client.parser import text_string_to_metric_families

from bot.app.runtime import Runtime
from bot.app.sending import counted_outcomes
from bot.db.database import Database
from bot.db.models import OutboxStatus, Priority
from bot.lib.clock import FakeClock
from bot.lib.config import Settings
from bot.messaging.cancels import CANCELLED
from bot.messaging.messages import Outgoing
from bot.messaging.outbox import Job
from bot.messaging.outcomes import Outcome
from tests.support.programme import NOW


def scraped(runtime: Runtime) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    text = generate_latest(runtime.metrics.registry).decode()
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


async def test_sent_failed_throttled_and_the_replies_wait(db: Database) -> None:
    clock = FakeClock(NOW)
    runtime = Runtime(settings=Settings(), db=db, clock=clock)
    observe = counted_outcomes(runtime)
    reply = Job(1, Outgoing(chat_id=7, text="…", priority=Priority.REPLY), 1, due_at=NOW)
    bulk = Job(2, Outgoing(chat_id=8, text="…", priority=Priority.CHECKIN), 1, due_at=NOW)
    clock.advance(timedelta(seconds=2))
    observe(reply, Outcome(OutboxStatus.SENT, message_id=10))
    observe(bulk, Outcome(OutboxStatus.PENDING, throttled=True, wait_s=3.0))
    observe(bulk, Outcome(OutboxStatus.FAILED, error="blocked", unreachable=True))
    observe(bulk, Outcome(OutboxStatus.FAILED, error=CANCELLED))
    found = scraped(runtime)
    assert found[("kabar_messages_sent_total", (("kind", "text"),))] == 1
    assert found[("kabar_reply_send_seconds_count", ())] == 1
    assert found[("kabar_reply_send_seconds_sum", ())] == 2.0
    assert found[("kabar_throttled_total", ())] == 1
    assert found[("kabar_throttled_seconds_total", ())] == 3.0
    failed = (("kind", "text"), ("reason", "unreachable"))
    assert found[("kabar_messages_failed_total", failed)] == 1
    assert found[("kabar_messages_failed_total", (("kind", "text"), ("reason", "cancelled")))] == 1
