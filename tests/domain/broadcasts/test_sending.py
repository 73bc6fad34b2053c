"""A broadcast from planning to its outbox rows: who gets it, in which words, when."""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from bot.db.database import Database
from bot.db.models import Broadcast, BroadcastStatus, Cohort, OutboxMessage, OutboxStatus, Person
from bot.domain.broadcasts import lifecycle
from bot.domain.broadcasts.audience import parse_audience
from bot.domain.broadcasts.dispatch import release_due, start_due, write_next
from bot.domain.broadcasts.errors import BroadcastError
from bot.domain.broadcasts.progress import cancel_and_report, show_progress
from bot.domain.broadcasts.report import undelivered
from bot.domain.broadcasts.tally import tally
from bot.lib.i18n import translator
from tests.domain.broadcasts.support import NOW, chat_of, seed_province

EN = translator("en")


async def _send(
    db: Database,
    text: str,
    audience: str = "",
    *,
    texts: dict[str, str] | None = None,
    viewer: str | None = None,
    at: str | None = None,
    repeat: str | None = None,
) -> int:
    async with db.transaction() as session:
        who = await session.get(Person, viewer) if viewer else None
        parsed = parse_audience(audience)
        tz = await lifecycle.audience_timezone(session, parsed, "Asia/Jakarta")
        schedule = lifecycle.parse_repeat(repeat)
        planned = await lifecycle.plan(
            session,
            audience=parsed,
            text=text,
            viewer=who,
            now=NOW,
            send_at=lifecycle.parse_at(at, tz, now=NOW) if at else None,
            timezone=tz,
            repeat=schedule,
        )
        made = await lifecycle.create(
            session,
            planned,
            text=text,
            texts=texts,
            language="id",
            actor=viewer or "cli:test",
            now=NOW,
            created_by_id=viewer,
            repeat=schedule,
        )
        return made.id


async def _rows(db: Database, broadcast_id: int) -> dict[int, OutboxMessage]:
    async with db.transaction() as session:
        rows = await session.scalars(
            select(OutboxMessage).where(OutboxMessage.broadcast_id == broadcast_id)
        )
        return {row.chat_id: row for row in rows}


async def test_everyone_registered_gets_it_in_their_language_and_name_the_rest_are_skipped(
    db: Database,
) -> None:
    await seed_province(db)
    sent = await _send(
        db,
        "Halo {nama}, pengering tiba Kamis.",
        texts={"en": "Hi {nama}, the dryer comes Thursday."},
    )
    async with db.transaction() as session:
        assert await release_due(session, now=NOW) == 3
    rows = await _rows(db, sent)
    assert rows[chat_of("KPM-01")].payload["text"] == "Halo Siti Rahayu, pengering tiba Kamis."
    assert rows[chat_of("KPM-02")].payload["text"] == "Hi John Purnomo, the dryer comes Thursday."
    # Javanese was not given: the default text.
    assert chat_of("KPM-06") in rows and chat_of("KPM-03") not in rows
    async with db.transaction() as session:
        counts = await tally(session, sent)
        people = await undelivered(session, sent)
    assert (counts.waiting, counts.paused, counts.unreachable) == (3, 1, 1)
    assert [(p.person_id, p.reason) for p in people] == [
        ("KPM-03", "paused"),
        ("KPM-04", "unreachable"),
        ("KPM-01", "waiting"),
        ("KPM-02", "waiting"),
        ("KPM-06", "waiting"),
    ]


async def test_running_twice_writes_nobody_twice(db: Database) -> None:
    await seed_province(db)
    sent = await _send(db, "Rapat Senin")
    async with db.transaction() as session:
        assert await release_due(session, now=NOW) == 3
    async with db.transaction() as session:
        assert await release_due(session, now=NOW + timedelta(seconds=2)) == 0
    assert len(await _rows(db, sent)) == 3


@pytest.mark.parametrize(
    ("audience", "who"),
    [
        ("cohort=kopi", {"KPM-06"}),
        ("district=leces,status=quiet", {"KPM-02"}),
        ("village=Clarak", {"KPM-02"}),
        ("facilitator=PDP-02", {"KPM-06"}),
        ("role=facilitator", {"PDP-01", "PDP-02"}),
    ],
)
async def test_an_audience_picks_exactly_its_people(
    db: Database, audience: str, who: set[str]
) -> None:
    await seed_province(db)
    sent = await _send(db, "Info", audience)
    async with db.transaction() as session:
        await release_due(session, now=NOW)
    assert {row.person_id for row in (await _rows(db, sent)).values()} == who


async def test_a_coordinator_reaches_only_their_own_district(db: Database) -> None:
    await seed_province(db)
    sent = await _send(db, "Info", viewer="KRD-02")
    async with db.transaction() as session:
        await release_due(session, now=NOW)
    assert {row.person_id for row in (await _rows(db, sent)).values()} == {"KPM-06"}


@pytest.mark.parametrize(
    ("audience", "text", "expected"),
    [
        ("colour=red", "x", 'Unknown audience key "colour"'),
        ("status=sleepy", "x", 'Unknown status "sleepy"'),
        ("cohort=nanas", "x", 'There is no cohort "nanas"'),
        ("village=Atlantis", "x", "Nobody registered matches"),
        ("", "   ", "The message is empty"),
        ("", "x" * 4097, "at most 4,096"),
    ],
)
async def test_bad_input_is_one_clear_line_and_writes_nothing(
    db: Database, audience: str, text: str, expected: str
) -> None:
    await seed_province(db)
    with pytest.raises(BroadcastError) as caught:
        await _send(db, text, audience)
    assert expected in caught.value.translate(EN)
    async with db.transaction() as session:
        assert (await session.scalars(select(Broadcast))).first() is None


async def test_a_time_in_the_past_is_refused() -> None:
    with pytest.raises(BroadcastError) as caught:
        lifecycle.parse_at("2026-03-01 08:00", "Asia/Jakarta", now=NOW)
    assert "already passed" in caught.value.translate(EN)


async def test_a_scheduled_broadcast_waits_for_its_time_and_then_the_quiet_hours(
    db: Database,
) -> None:
    await seed_province(db)
    # 22:00 in Jakarta is within the cohorts' default quiet hours (21:00-06:00).
    sent = await _send(db, "Besok pelatihan", "cohort=pisang", at="2026-03-02 22:00")
    async with db.transaction() as session:
        assert await release_due(session, now=NOW + timedelta(hours=5)) == 0
    async with db.transaction() as session:
        assert await release_due(session, now=NOW + timedelta(hours=12)) == 2
    rows = await _rows(db, sent)
    # Released at 22:00 WIB, held until 06:00 WIB (23:00 UTC).
    assert {row.not_before for row in rows.values()} == {NOW.replace(hour=23)}


async def test_a_repeating_broadcast_sends_an_occurrence_each_time(db: Database) -> None:
    await seed_province(db)
    parent = await _send(db, "Setor hasil", "cohort=kopi", repeat="mon 09:00")
    async with db.transaction() as session:
        first = await session.get(Broadcast, parent)
        assert first is not None
        due = first.send_at
    for week in range(2):
        async with db.transaction() as session:
            await release_due(session, now=due + timedelta(weeks=week, minutes=1))
    async with db.transaction() as session:
        children = list(
            await session.scalars(select(Broadcast).where(Broadcast.parent_id == parent))
        )
    assert len(children) == 2
    assert children[1].send_at - children[0].send_at == timedelta(weeks=1)


async def test_cancelling_stops_what_is_not_yet_sent(db: Database) -> None:
    await seed_province(db)
    sent = await _send(db, "Info")
    async with db.transaction() as session:
        await release_due(session, now=NOW)
    async with db.transaction() as session:
        done = await cancel_and_report(session, sent, actor="cli:test", now=NOW)
    assert done.unsent == 3
    rows = await _rows(db, sent)
    assert {row.status for row in rows.values()} == {OutboxStatus.FAILED}
    async with db.transaction() as session:
        assert (await session.get(Broadcast, sent)).status is BroadcastStatus.CANCELLED  # type: ignore[union-attr]
        with pytest.raises(BroadcastError):
            await cancel_and_report(session, sent, actor="cli:test", now=NOW)


async def test_it_is_done_once_nothing_is_left_to_send(db: Database) -> None:
    await seed_province(db)
    sent = await _send(db, "Info", viewer="STF-01")
    async with db.transaction() as session:
        await release_due(session, now=NOW)
        await session.execute(
            OutboxMessage.__table__.update()  # type: ignore[attr-defined]
            .where(OutboxMessage.broadcast_id == sent)
            .values(status=OutboxStatus.SENT, sent_at=NOW)
        )
    async with db.transaction() as session:
        await show_progress(session, now=NOW)
        assert (await session.get(Broadcast, sent)).status is BroadcastStatus.DONE  # type: ignore[union-attr]


async def test_written_a_chunk_at_a_time_it_goes_on_after_the_last_person_written(
    db: Database,
) -> None:
    await seed_province(db)
    sent = await _send(db, "Info")
    async with db.transaction() as session:
        assert await start_due(session, now=NOW) == 1
    written = []
    # One chunk a transaction, as `kabar run` writes them; each a new session, as after a
    # restart: the cursor is in the database.
    while True:
        async with db.transaction() as session:
            count = await write_next(session, now=NOW, chunk=2)
        if count is None:
            break
        written.append(count)
    assert sum(written) == 3 and len(written) >= 2
    assert len(await _rows(db, sent)) == 3
    async with db.transaction() as session:
        counts = await tally(session, sent)
    assert (counts.waiting, counts.paused, counts.unreachable) == (3, 1, 1)


async def test_a_broadcast_cancelled_while_being_written_writes_no_more(db: Database) -> None:
    await seed_province(db)
    sent = await _send(db, "Info")
    async with db.transaction() as session:
        await start_due(session, now=NOW)
        await write_next(session, now=NOW, chunk=1)
    async with db.transaction() as session:
        await cancel_and_report(session, sent, actor="cli:test", now=NOW)
    async with db.transaction() as session:
        assert await write_next(session, now=NOW, chunk=1) is None
    rows = await _rows(db, sent)
    assert len(rows) <= 1 and all(row.status is OutboxStatus.FAILED for row in rows.values())


async def test_the_preview_names_the_cohorts_own_quiet_hours(db: Database) -> None:
    await seed_province(db)
    async with db.transaction() as session:
        kopi = await session.scalar(select(Cohort).where(Cohort.name == "kopi"))
        assert kopi is not None
        kopi.quiet_hours_start, kopi.quiet_hours_end = "18:00", "07:00"
    async with db.transaction() as session:
        # 19:00 in Makassar: quiet for kopi (18-07), not by the usual hours (21-06).
        at = lifecycle.parse_at("2026-03-02 19:00", "Asia/Makassar", now=NOW)
        planned = await lifecycle.plan(
            session,
            audience=parse_audience("cohort=kopi"),
            text="Info",
            viewer=None,
            now=NOW,
            send_at=at,
            timezone="Asia/Makassar",
        )
    assert planned.waits_until is not None
    assert planned.waits_until.astimezone(ZoneInfo("Asia/Makassar")).hour == 7


async def test_the_report_gives_the_failures_reasons_in_the_senders_words(db: Database) -> None:
    await seed_province(db)
    sent = await _send(db, "Info", viewer="STF-01")
    async with db.transaction() as session:
        await release_due(session, now=NOW)
        rows = list(
            await session.scalars(select(OutboxMessage).where(OutboxMessage.broadcast_id == sent))
        )
        for row, (status, error) in zip(
            sorted(rows, key=lambda r: r.id),
            [
                (OutboxStatus.SENT, None),
                (OutboxStatus.FAILED, "Bad Request: chat not found"),
                (OutboxStatus.FAILED, "Bad Request: MEDIA_CAPTION_TOO_LONG"),
            ],
            strict=True,
        ):
            row.status, row.error, row.sent_at = status, error, NOW
        broadcast = await session.get(Broadcast, sent)
        assert broadcast is not None
        broadcast.progress_chat_id = chat_of("STF-01")
    async with db.transaction() as session:
        await show_progress(session, now=NOW)
        report = (
            await session.scalars(
                select(OutboxMessage).where(OutboxMessage.chat_id == chat_of("STF-01"))
            )
        ).one()
    text = report.payload["text"]
    assert "Gagal: 2" in text, text
    # Telegram's English, in the staff member's language; one Kabar does not know is
    # shown as Telegram gave it, named as Telegram's.
    assert "– obrolannya sudah tidak ada: 1" in text, text
    assert '– kata Telegram: "Bad Request: MEDIA_CAPTION_TOO_LONG": 1' in text, text
    assert "chat not found" not in text
