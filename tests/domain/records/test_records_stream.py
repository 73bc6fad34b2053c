"""`iter_records` streams in chunks yet keeps each record's attachments together."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.db.database import Database
from bot.db.models import Attachment, Cohort, FollowUpRecord, Person, RecordStatus, Role, Round
from bot.domain.records import ExportFilter, iter_records

T0 = datetime(2025, 8, 17, 1, 0, tzinfo=UTC)


async def test_attachments_stay_with_their_record_across_chunks(db: Database) -> None:
    async with db.transaction() as session:
        cohort = Cohort(name="c", schedule="sun 08:00", timezone="Asia/Jayapura", created_at=T0)
        session.add(cohort)
        await session.flush()
        people = [
            Person(
                id=f"P{n}",
                role=Role.PARTICIPANT,
                name=f"KPM {n}",
                cohort_id=cohort.id,
                created_at=T0,
                updated_at=T0,
            )
            for n in range(4)
        ]
        round_ = Round(
            cohort_id=cohort.id,
            kind="manual",
            scheduled_for=T0,
            opened_at=T0,
            closes_at=T0 + timedelta(days=6),
        )
        session.add_all([*people, round_])
        await session.flush()
        records = [
            FollowUpRecord(
                round_id=round_.id,
                person_id=person.id,
                status=RecordStatus.ANSWERED,
                answered_at=T0,
                created_at=T0,
                updated_at=T0,
            )
            for person in people
        ]
        session.add_all(records)
        await session.flush()
        # 3, 0, 1 and 2 attachments: with chunks of 2 rows, records straddle the chunks.
        for record, count in zip(records, (3, 0, 1, 2), strict=True):
            session.add_all(
                Attachment(
                    person_id=record.person_id,
                    record_id=record.id,
                    kind="photo",
                    purpose="product_photo",
                    telegram_file_id=f"{record.person_id}-{i}",
                    created_at=T0,
                )
                for i in range(count)
            )

    async with db.sessions() as session:
        rows = [row async for row in iter_records(session, ExportFilter(), chunk_size=2)]
    assert [(row.participant_id, [f for _k, f in row.attachments]) for row in rows] == [
        ("P0", ["P0-0", "P0-1", "P0-2"]),
        ("P1", []),
        ("P2", ["P2-0"]),
        ("P3", ["P3-0", "P3-1"]),
    ]
    assert rows[0].round_opened_at.isoformat() == "2025-08-17T10:00:00+09:00"


def test_row_fields_are_the_export_header() -> None:
    from bot.domain.records import HEADER, RecordRow

    assert RecordRow._fields == HEADER
