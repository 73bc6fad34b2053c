"""A small programme in the database, and `kabar` run in-process against it."""

from __future__ import annotations

import asyncio
import os
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

from click.testing import CliRunner, Result

from bot.cli.main import cli
from bot.db.database import Database
from bot.db.models import (
    Attachment,
    Cohort,
    FollowUpRecord,
    Person,
    RecordStatus,
    Role,
    Round,
)

CREATED = datetime(2025, 8, 1, tzinfo=UTC)


def run_kabar(
    database_url: str, *args: str, workdir: Path, env: dict[str, str] | None = None
) -> Result:
    """`kabar ARGS` with English messages (unless `env` says) and no stray .env file."""
    environment: dict[str, str | None] = {
        "KABAR_DATABASE_URL": database_url,
        "KABAR_LOCALE": "en",
        "KABAR_TIMEZONE": None,
        "KABAR_BOT_TOKEN": None,
        "KABAR_BOT_USERNAME": None,
        **(env or {}),
    }
    previous = Path.cwd()
    os.chdir(workdir)  # settings read ./.env; the test's own directory has none
    try:
        return CliRunner().invoke(cli, list(args), env=environment, catch_exceptions=False)
    finally:
        os.chdir(previous)


@dataclass(frozen=True)
class Programme:
    """Ids of what `seed` made, for the assertions."""

    answered: int
    missed: int
    partial: int
    wita: int
    round_1: int
    round_2: int
    round_wita: int


def _person(id: str, name: str, cohort: Cohort | None, **fields: object) -> Person:
    return Person(
        id=id,
        name=name,
        cohort_id=cohort.id if cohort else None,
        created_at=CREATED,
        updated_at=CREATED,
        **fields,
    )


def _record(round_: Round, person: str, status: RecordStatus, **fields: object) -> FollowUpRecord:
    return FollowUpRecord(
        round_id=round_.id,
        person_id=person,
        status=status,
        created_at=round_.opened_at,
        updated_at=round_.opened_at,
        **fields,
    )


def _round(cohort: Cohort, opened_at: datetime) -> Round:
    return Round(
        cohort_id=cohort.id,
        kind="scheduled",
        scheduled_for=opened_at,
        opened_at=opened_at,
        closes_at=opened_at + timedelta(days=6),
    )


async def _seed(database_url: str) -> Programme:
    db = Database(database_url)
    try:
        async with db.transaction() as session:
            # Created in an order unlike the export's, so the test sees the sorting.
            wita = Cohort(
                name="tenun-manggarai",
                schedule="mon 08:00",
                timezone="Asia/Makassar",
                created_at=CREATED,
            )
            wib = Cohort(
                name="pelepah-pisang",
                schedule="sun 08:00",
                timezone="Asia/Jakarta",
                created_at=CREATED,
            )
            session.add_all([wita, wib])
            await session.flush()
            session.add(_person("F01", "Bu Rina", None, role=Role.FACILITATOR))
            await session.flush()
            session.add_all(
                [
                    _person(
                        "P003",
                        "Maria Goreti",
                        wita,
                        role=Role.PARTICIPANT,
                        village="Golo Mori",
                        district="Komodo",
                    ),
                    _person(
                        "P002",
                        "Yohanes Don Bosco",
                        wib,
                        role=Role.PARTICIPANT,
                        supervisor_id="F01",
                    ),
                    _person(
                        "P001",
                        "Siti Aminah Ñoñi",
                        wib,
                        role=Role.PARTICIPANT,
                        village="Wae Kelambu",
                        district="Boleng",
                        supervisor_id="F01",
                    ),
                ]
            )
            # 08:00 local: 01:00 UTC in WIB (UTC+7), 00:00 UTC in WITA (UTC+8).
            round_wita = _round(wita, datetime(2025, 8, 18, 0, 0, tzinfo=UTC))
            round_2 = _round(wib, datetime(2025, 8, 24, 1, 0, tzinfo=UTC))
            round_1 = _round(wib, datetime(2025, 8, 17, 1, 0, tzinfo=UTC))
            session.add_all([round_wita, round_2, round_1])
            await session.flush()

            wita_record = _record(
                round_wita,
                "P003",
                RecordStatus.ANSWERED,
                produced=True,
                quantity_produced=Decimal("5.000"),
                unit="lembar",
                quantity_sold=Decimal("0.250"),
                revenue_idr=2_500_000,
                problems=["raw_material"],
                problem_note="=1+1 benang habis",
                needs_help=False,
                offer_stock=False,  # kept for themselves
                late=True,
                answered_at=datetime(2025, 8, 25, 2, 0, tzinfo=UTC),
            )
            partial = _record(round_2, "P001", RecordStatus.PARTIAL, produced=False)
            missed = _record(round_1, "P002", RecordStatus.MISSED)
            answered = _record(
                round_1,
                "P001",
                RecordStatus.ANSWERED,
                produced=True,
                quantity_produced=Decimal("1.500"),
                unit="kg",
                quantity_sold=Decimal("1.000"),
                revenue_idr=150_000,
                problems=["tools", "market"],
                problem_note="Belum punya timbangan, pembeli jauh",
                needs_help=True,
                offer_stock=True,  # 0.5 kg left, offered to buying partners
                late=False,
                answered_at=datetime(2025, 8, 17, 3, 30, 15, tzinfo=UTC),
            )
            session.add_all([wita_record, partial, missed, answered])
            await session.flush()
            session.add_all(
                [
                    Attachment(
                        person_id="P001",
                        record_id=answered.id,
                        kind=kind,
                        purpose="product_photo",
                        telegram_file_id=file_id,
                        created_at=CREATED,
                        # The photo is downloaded already, the voice note not yet.
                        download_status="saved" if saved else "pending",
                        local_path=saved,
                    )
                    for kind, file_id, saved in (
                        ("photo", "AgACAgQ-1", "P001/7-photo.jpg"),
                        ("voice", "AwACAgQ-2", None),
                    )
                ]
            )
            return Programme(
                answered=answered.id,
                missed=missed.id,
                partial=partial.id,
                wita=wita_record.id,
                round_1=round_1.id,
                round_2=round_2.id,
                round_wita=round_wita.id,
            )
    finally:
        await db.dispose()


def seed(database_url: str) -> Programme:
    """Two cohorts (WIB and WITA), three participants, four records, two attachments."""
    return asyncio.run(_seed(database_url))
