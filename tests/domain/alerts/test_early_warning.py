"""The early-warning rule, round by round, on a real database (SQLite, or PostgreSQL)."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from sqlalchemy import select, update

from bot.db.database import Database
from bot.db.models import Alert, AlertStatus, FollowUpRecord, Person, RecordStatus
from bot.domain.alerts import Rule, evaluate
from bot.domain.alerts.cards import Recipient, alert_card
from tests.support.early_warning import (
    START,
    WEEK,
    Answer,
    Family,
    SimulatedCohort,
    by_hand,
    closed_round,
    replay,
    under_way_record,
)

WARNING = Rule.EARLY_WARNING.value
STEADY = [12.0, 12.5, 11.8, 12.2, 12.0]


async def _card(db: Database, alert: Alert, language: str) -> str:
    async with db.sessions() as session:
        facilitator = await session.get(Person, "F")
        assert facilitator is not None
        facilitator.language = language
        card = await alert_card(session, alert, Recipient(facilitator, 1))
        return card.text


async def _warnings(db: Database) -> list[Alert]:
    async with db.sessions() as session:
        query = select(Alert).where(Alert.rule == WARNING).order_by(Alert.id)
        return list((await session.scalars(query)).all())


async def test_falling_production_is_flagged_with_the_numbers_in_indonesian(
    db: Database,
) -> None:
    cohort = by_hand(
        ("A", [*STEADY, 12.0, 8.0, 3.0]),
        ("B", [*STEADY, 12.0, 12.0, 12.0]),
        ("C", [*STEADY, 10.0, 10.5, 9.8]),
    )
    run = await replay(db, cohort)
    assert run.opened == {("A", WARNING): [7]}
    (alert,) = await _warnings(db)
    assert alert.status is AlertStatus.OPEN and alert.assigned_to_id == "F"
    text = await _card(db, alert, "id")
    assert "peringatan dini" in text
    assert "produksi turun 3 laporan berturut-turut: 12 → 8 → 3 kg" in text
    english = await _card(db, alert, "en")
    assert "production fell 3 check-ins in a row: 12 → 8 → 3 kg" in english


async def test_a_dip_the_whole_cohort_shares_is_no_warning(db: Database) -> None:
    season = [1.0, 1.0, 1.0, 1.0, 1.0, 0.8, 0.5, 0.3]
    # Enough families answering for their average to be the cohort's level.
    cohort = by_hand(*((f"P{n}", [12.0 * f for f in season]) for n in range(10)))
    run = await replay(db, cohort)
    assert run.opened == {}


async def test_in_a_small_cohort_a_shared_dip_is_taken_as_it_is(db: Database) -> None:
    season = [1.0, 1.0, 1.0, 1.0, 1.0, 0.8, 0.5, 0.3]
    cohort = by_hand(*((name, [12.0 * f for f in season]) for name in "AB"))
    run = await replay(db, cohort)
    assert run.opened == {("A", WARNING): [6], ("B", WARNING): [6]}


async def test_the_family_recovers_and_the_warning_closes(db: Database) -> None:
    cohort = by_hand(("A", [*STEADY, 12.0, 8.0, 3.0, 12.0]), ("B", [*STEADY, 12, 12, 12, 12]))
    run = await replay(db, cohort)
    assert run.opened == {("A", WARNING): [7]}
    assert run.closed == {("A", WARNING): [8]}
    (alert,) = await _warnings(db)
    assert alert.status is AlertStatus.CLOSED and alert.closed_reason == "recovered"


async def test_one_alert_per_episode_while_the_slide_goes_on(db: Database) -> None:
    cohort = by_hand(("A", [*STEADY, 12.0, 8.0, 3.0, 2.0, 1.0]), ("B", [*STEADY, *[12.0] * 5]))
    run = await replay(db, cohort)
    assert run.opened == {("A", WARNING): [7]}


async def test_no_production_after_steady_production_is_flagged(db: Database) -> None:
    cohort = by_hand(("A", [*STEADY, 0.0]), ("B", [*STEADY, 12.0]))
    run = await replay(db, cohort)
    assert run.opened == {("A", WARNING): [5]}
    (alert,) = await _warnings(db)
    assert "tidak berproduksi, setelah 3 laporan berturut-turut berproduksi" in await _card(
        db, alert, "id"
    )


async def test_the_same_problem_and_later_answers_are_flagged(db: Database) -> None:
    steady = [Answer(True, 12.0, 2.0) for _ in range(4)]
    same = [Answer(True, 12.0, 2.0, ("market",)) for _ in range(3)]
    later = [Answer(True, 12.0, hours) for hours in (3.0, 30.0, 60.0)]
    cohort = SimulatedCohort(
        0, 7, [Family("A", "x", steady + same), Family("B", "x", steady + later)]
    )
    run = await replay(db, cohort, reminder_after_hours=24)
    assert run.opened == {("A", WARNING): [6], ("B", WARNING): [6]}
    first, second = await _warnings(db)
    assert "masalah yang sama 3 laporan berturut-turut" in await _card(db, first, "id")
    assert "jawaban makin lambat: 3 → 30 → 60 jam" in await _card(db, second, "id")


async def test_a_cohort_can_turn_the_signals_off(db: Database) -> None:
    cohort = by_hand(("A", [*STEADY, 12.0, 8.0, 3.0, 0.0]), ("B", [*STEADY, 12, 12, 12, 12]))
    run = await replay(
        db,
        cohort,
        warn_falling_answers=0,
        warn_low_answers=0,
        warn_steady_answers=0,
    )
    assert run.opened == {}


async def test_a_resolved_warning_returns_only_on_new_evidence(db: Database) -> None:
    sliding = [*STEADY, 12.0, 8.0, 3.0, 2.0, 1.0, 0.5]
    cohort = by_hand(("A", sliding), ("B", [12.0] * len(sliding)))
    run = await replay(db, cohort, resolve_after=7)
    # Resolved after round 7; the slide goes on, and is told again once three answers
    # all after the resolved alert fall.
    assert run.opened == {("A", WARNING): [7, 10]}


async def test_two_answers_below_half_of_usual_are_flagged(db: Database) -> None:
    cohort = by_hand(("A", [*STEADY, 4.0, 4.1]), ("B", [*STEADY, 12.0, 12.0]))
    run = await replay(db, cohort)
    assert run.opened == {("A", WARNING): [6]}
    (alert,) = await _warnings(db)
    text = await _card(db, alert, "id")
    assert "produksi 2 laporan terakhir di bawah 50% dari biasanya: 4 → 4,1 kg" in text
    assert "(biasanya 12,1 kg)" in text


STEADY_SALES = [(12.0, 250_000)] * 5


async def test_falling_sales_while_production_holds_are_flagged_as_money(db: Database) -> None:
    cohort = by_hand(
        ("A", [*STEADY_SALES, (12.0, 200_000), (12.0, 150_000), (12.0, 90_000)]),
        ("B", [*STEADY_SALES, (12.0, 250_000), (12.0, 240_000), (12.0, 255_000)]),
    )
    run = await replay(db, cohort)
    assert run.opened == {("A", WARNING): [7]}
    (alert,) = await _warnings(db)
    text = await _card(db, alert, "id")
    line = "penjualan turun 4 laporan berturut-turut: Rp250.000 → Rp200.000 → Rp150.000 → Rp90.000"
    assert line in text
    # Production held: no reason about it.
    assert not [row for row in text.splitlines() if row.startswith("• produksi")]
    english = await _card(db, alert, "en")
    assert "sales fell 4 check-ins in a row: IDR250,000 → IDR200,000 → IDR150,000 → IDR90,000" in (
        english
    )


async def test_sales_below_half_of_usual_twice_are_flagged_nothing_sold_as_zero(
    db: Database,
) -> None:
    cohort = by_hand(
        ("A", [*STEADY_SALES, (12.0, 100_000), (12.0, 0)]),
        ("B", [*STEADY_SALES, (12.0, 250_000), (12.0, 250_000)]),
    )
    run = await replay(db, cohort)
    assert run.opened == {("A", WARNING): [6]}
    (alert,) = await _warnings(db)
    text = await _card(db, alert, "id")
    assert (
        "penjualan 2 laporan terakhir di bawah 50% dari biasanya: Rp100.000 → Rp0 "
        "(biasanya Rp250.000)"
    ) in text


async def test_a_market_dip_the_whole_cohort_shares_is_no_sales_warning(db: Database) -> None:
    season = [1.0, 1.0, 1.0, 1.0, 1.0, 0.8, 0.5, 0.3]
    # Everyone sells less for a while (after a feast, prices fall): production holds.
    cohort = by_hand(*((f"P{n}", [(12.0, round(250_000 * f)) for f in season]) for n in range(10)))
    run = await replay(db, cohort)
    assert run.opened == {}


async def test_a_cohort_can_turn_the_sales_signals_off(db: Database) -> None:
    sliding = [*STEADY_SALES, (12.0, 200_000), (12.0, 150_000), (12.0, 90_000), (12.0, 20_000)]
    cohort = by_hand(("A", sliding), ("B", [(12.0, 250_000)] * len(sliding)))
    run = await replay(db, cohort, warn_sales_falling_answers=0, warn_sales_low_answers=0)
    assert run.opened == {}


async def test_a_check_in_still_under_way_is_not_taken_for_no_production(db: Database) -> None:
    """The rules run between a family's messages: "yes, we produced" with the amount not yet
    typed says nothing about the amount; the warning waits for it and then tells it."""
    cohort = by_hand(("A", [*STEADY, 12.0, 8.0]), ("B", [*STEADY, 12.0, 12.0]))
    await replay(db, cohort)
    at = START + len(cohort.families[0].answers) * WEEK
    async with db.transaction() as session:
        cohort_id = await session.scalar(select(Person.cohort_id).where(Person.id == "A"))
        assert cohort_id is not None
        round_ = closed_round(cohort_id, at)
        session.add(round_)
        await session.flush()
        session.add(under_way := under_way_record(round_.id, "A", at))
    async with db.transaction() as session:
        outcome = await evaluate(session, now=at + timedelta(hours=1), cohort_id=cohort_id)
    assert outcome.opened == []
    async with db.transaction() as session:
        await session.execute(
            update(FollowUpRecord)
            .where(FollowUpRecord.id == under_way.id)
            .values(quantity_produced=Decimal(3), status=RecordStatus.ANSWERED)
        )
    async with db.transaction() as session:
        outcome = await evaluate(session, now=at + timedelta(hours=2), cohort_id=cohort_id)
    (alert,) = outcome.opened
    assert "produksi turun 3 laporan berturut-turut: 12 → 8 → 3 kg" in await _card(db, alert, "id")
