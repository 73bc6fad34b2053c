"""The facilitators' weekly digest: a chart of their families' last rounds, once a week."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from bot.app.services import Services
from bot.db.database import Database
from bot.db.models import OutboxMessage, Person
from bot.domain.reports.weekly import send_weekly_digests
from bot.domain.rounds.scheduler import tick
from bot.messaging.limits import SendLimits
from bot.messaging.messages import Photo, decode
from bot.sandbox.fakeapi import FakeTelegram
from tests.domain.rounds.support import facilitator_on_telegram, seed_cohort
from tests.messaging.support import drain

PNG = b"\x89PNG"


async def test_the_weekly_digest_goes_out_once_with_a_chart(db: Database) -> None:
    await seed_cohort(db, 6)
    await facilitator_on_telegram(db)
    runner = Services().runner
    # Two rounds, the second closed by the third: the families missed them all.
    for week in range(3):
        now = datetime(2026, 1, 12, 1, 0, tzinfo=UTC) + timedelta(weeks=week)
        await tick(db, now=now, runner=runner)
        await send_weekly_digests(db, now=now, timezone="Asia/Jakarta")

    async with db.sessions() as session:
        photos = (
            (await session.execute(select(OutboxMessage).where(OutboxMessage.kind == "photo")))
            .scalars()
            .all()
        )
    # Monday 08:00 WIB is after 07:00: one digest a week (none the first week, with no
    # check-in behind it yet), not one a tick.
    assert [p.chat_id for p in photos] == [4242, 4242]
    later = datetime(2026, 1, 26, 2, 0, tzinfo=UTC)
    await tick(db, now=later, runner=runner)
    again = await send_weekly_digests(db, now=later, timezone="Asia/Jakarta")
    assert again == 0
    last = decode(photos[-1].kind, photos[-1].chat_id, photos[-1].payload)
    assert isinstance(last, Photo) and last.content is not None
    assert last.content.startswith(PNG)
    assert "6 tidak menjawab" in last.caption

    async with FakeTelegram() as tg:
        tg.user(4242, started=True)
        await drain(
            tg,
            db,
            SendLimits(chat_interval_s=0),
            until=lambda: len([m for m in tg.sent_messages() if "photo" in m]) == 2,
        )
        sent = [m for m in tg.sent_messages(4242) if "photo" in m][-1]
        assert tg.file_content(sent["photo"][-1]["file_id"]).startswith(PNG)


async def test_no_digest_for_a_facilitator_without_rounds(db: Database) -> None:
    await seed_cohort(db, 2)
    await facilitator_on_telegram(db)
    now = datetime(2026, 1, 6, 1, 0, tzinfo=UTC)
    await tick(db, now=now, runner=Services().runner)
    result = await send_weekly_digests(db, now=now, timezone="Asia/Jakarta")
    assert result == 0
    async with db.sessions() as session:
        assert await session.get(Person, "tenun-2026-F") is not None
