"""Dates a facilitator or a family reads are the family's own day: a round that opened Monday
08:00 WIT (Sunday 23:00 UTC) is Monday on the alert card, in /peserta, /peringatan and /dataku."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select, update

from bot.db.database import Database
from bot.db.models import Alert, Cohort, FollowUpRecord, Person, RecordStatus, Round
from bot.domain.alerts.cards import Recipient, alert_card
from bot.domain.facilitators.views import alert_page, history
from bot.domain.people.preferences import my_data
from bot.lib.i18n import translator
from tests.support.programme import seed_programme

# Monday 5 January 2026, 08:00 in Jayapura (WIT, UTC+9): still Sunday the 4th in UTC.
MONDAY_MORNING_WIT = datetime(2026, 1, 4, 23, 0, tzinfo=UTC)


async def seed(db: Database) -> int:
    await seed_programme(db)
    async with db.transaction() as session:
        await session.execute(update(Cohort).values(timezone="Asia/Jayapura"))
        cohort_id = await session.scalar(select(Cohort.id))
        assert cohort_id is not None
        opened = Round(
            cohort_id=cohort_id,
            kind="manual",
            scheduled_for=MONDAY_MORNING_WIT,
            opened_at=MONDAY_MORNING_WIT,
            closes_at=MONDAY_MORNING_WIT + timedelta(days=6),
        )
        session.add(opened)
        await session.flush()
        session.add(
            FollowUpRecord(
                round_id=opened.id,
                person_id="KPM-01",
                status=RecordStatus.ANSWERED,
                produced=False,
                created_at=MONDAY_MORNING_WIT,
                updated_at=MONDAY_MORNING_WIT,
            )
        )
        alert = Alert(
            person_id="KPM-01",
            rule="unresponsive",
            assigned_to_id="PDP-01",
            opened_at=MONDAY_MORNING_WIT,
            details={},
        )
        session.add(alert)
        await session.flush()
        return alert.id


async def as_pdp01_reads_them(db: Database, alert_id: int, language: str) -> tuple[str, ...]:
    """The alert card (in PDP-01's Indonesian), KPM-01's /peserta and the /peringatan board
    in `language`."""
    t = translator(language)
    async with db.sessions() as session:
        family = await session.get(Person, "KPM-01")
        facilitator = await session.get(Person, "PDP-01")
        alert = await session.get(Alert, alert_id)
        assert family is not None and facilitator is not None and alert is not None
        card = (await alert_card(session, alert, Recipient(facilitator, 1))).text
        details = await history(session, family, t)
        board = (await alert_page(session, facilitator, t, 1)).text
    return card, details, board


async def test_dates_are_the_familys_day_not_utcs(db: Database) -> None:
    card, details, board = await as_pdp01_reads_them(db, await seed(db), "id")
    assert "• 5 Jan: tidak berproduksi" in card
    assert "4 Jan" not in card
    assert "5 Jan 2026" in details and "4 Jan" not in details
    assert "5 Jan" in board and "4 Jan" not in board


async def test_dataku_gives_the_day_of_consent_in_the_familys_zone(db: Database) -> None:
    await seed(db)
    async with db.transaction() as session:
        family = await session.get(Person, "KPM-01")
        assert family is not None
        family.consent_at = MONDAY_MORNING_WIT
        [reply] = await my_data(session, family, chat_id=1)
    assert "5 Januari 2026" in reply.text and "4 Januari" not in reply.text
