"""The open round's question for a family who registers during it never reaches them after a
newer round's greeting: its buttons would be dead (the older check-in is ended)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.app.services import Services
from bot.db.database import Database
from bot.db.models import Person
from bot.domain.checkins.take_up import ask_newcomer
from bot.domain.rounds.scheduler import tick
from bot.messaging.messages import Outgoing
from bot.messaging.outbox import claim_due
from tests.domain.rounds.support import seed_cohort

MONDAY = datetime(2026, 1, 12, 1, 0, tzinfo=UTC)  # 08:00 in Jakarta, a round opens
NEWCOMER, CHAT = "tenun-2026-00001", 10_001


async def test_the_newcomers_question_goes_before_a_newer_rounds_greeting(db: Database) -> None:
    await seed_cohort(db, 2, quiet=("00:00", "00:00"))
    runner = Services().runner
    async with db.transaction() as session:
        newcomer = await session.get(Person, NEWCOMER)
        assert newcomer is not None
        newcomer.consent_at = None  # not registered yet when the round opens
    await tick(db, now=MONDAY, runner=runner)

    # She agrees a second after the next round was due, before the tick that opens it
    # commits; that tick read its clock before she agreed.
    next_monday = MONDAY + timedelta(weeks=1)
    agreed = next_monday + timedelta(seconds=1)
    async with db.transaction() as session:
        newcomer = await session.get(Person, NEWCOMER)
        assert newcomer is not None
        newcomer.consent_at = agreed
        await ask_newcomer(session, runner, newcomer, CHAT, agreed, [])
    await tick(db, now=next_monday, runner=runner)

    async with db.transaction() as session:
        jobs = await claim_due(
            session, now=agreed, worker="w", limit=100, lane="bulk", include_stale=False
        )
    texts = [j.message.text for j in jobs if isinstance(j.message, Outgoing) and j.chat_id == CHAT]
    assert len(texts) == 2, texts
    assert texts[0].startswith("Laporan putaran ini sedang dibuka. Ini pertanyaan pertamanya:")
    assert texts[1].startswith("Halo, Keluarga 1!")


async def test_a_family_who_agrees_during_a_round_is_answered_before_its_queued_greetings(
    db: Database,
) -> None:
    """The round's greetings to the rest of the cohort may still be queued (11 minutes of
    them for 20,000 families at 30 a second): the family who just agreed is not put behind
    them."""
    await seed_cohort(db, 3, quiet=("00:00", "00:00"))
    runner = Services().runner
    async with db.transaction() as session:
        newcomer = await session.get(Person, NEWCOMER)
        assert newcomer is not None
        newcomer.consent_at = None
    await tick(db, now=MONDAY, runner=runner)  # greetings for the two others, none sent yet

    agreed = MONDAY + timedelta(minutes=3)
    async with db.transaction() as session:
        newcomer = await session.get(Person, NEWCOMER)
        assert newcomer is not None
        newcomer.consent_at = agreed
        welcome = Outgoing(chat_id=CHAT, text="Selamat datang", person_id=NEWCOMER)
        assert await ask_newcomer(session, runner, newcomer, CHAT, agreed, [welcome])

    async with db.transaction() as session:
        jobs = await claim_due(
            session, now=agreed, worker="w", limit=2, lane="bulk", include_stale=False
        )
    texts = [j.message.text for j in jobs if isinstance(j.message, Outgoing)]
    assert [j.chat_id for j in jobs] == [CHAT, CHAT], texts
    assert texts[0] == "Selamat datang"
    assert texts[1].startswith("Laporan putaran ini sedang dibuka. Ini pertanyaan pertamanya:")
