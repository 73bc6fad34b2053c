"""The pickup list: each family's stock (made minus sold, never below zero, since the last
time they had none), offered only by families who said yes, per village; for partners
without anyone's name."""

from __future__ import annotations

import asyncio
import csv
import io
from collections import defaultdict
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

from sqlalchemy import select

from bot.db.database import Database
from bot.db.models import Cohort, FollowUpRecord, Person, RecordStatus, Role, Round
from bot.domain.stock.holdings import Holding, offered_holdings, refresh_stocks, stock_before
from bot.domain.stock.pickup import pickup_list
from tests.domain.records.support import run_kabar
from tests.domain.reports.support import populated

START = datetime(2025, 3, 3, 1, 0, tzinfo=UTC)


async def _reference(database_url: str) -> dict[tuple[str, str], tuple[Decimal, int]]:
    """(family, unit) -> (stock, round the stock began), computed row by row in Python,
    for the families whose latest answer to the offer was yes."""
    db = Database(database_url)
    try:
        async with db.sessions() as session:
            rows = (
                (await session.execute(select(FollowUpRecord).order_by(FollowUpRecord.round_id)))
                .scalars()
                .all()
            )
    finally:
        await db.dispose()
    stock: dict[tuple[str, str], Decimal] = defaultdict(Decimal)
    began: dict[tuple[str, str], int] = {}
    offer: dict[str, bool] = {}
    for row in rows:
        if row.status is RecordStatus.MISSED or row.unit is None:
            continue
        key = (row.person_id, row.unit)
        before = stock[key]
        after = max(
            Decimal(0),
            before + (row.quantity_produced or 0) - (row.quantity_sold or 0),
        )
        if before == 0 and after > 0:
            began[key] = row.round_id
        stock[key] = after
        if row.offer_stock is not None:
            offer[row.person_id] = row.offer_stock
    return {
        key: (value, began[key]) for key, value in stock.items() if value > 0 and offer.get(key[0])
    }


async def _holdings(database_url: str) -> list[Holding]:
    db = Database(database_url)
    try:
        async with db.sessions() as session:
            return await offered_holdings(session, Person.role == Role.PARTICIPANT)
    finally:
        await db.dispose()


def test_the_sql_stock_matches_a_row_by_row_count_on_a_programme(database_url: str) -> None:
    populated(database_url)
    expected = asyncio.run(_reference(database_url))
    holdings = asyncio.run(_holdings(database_url))
    assert len(expected) > 20, "the programme has families with offered stock"

    async def opened() -> dict[int, datetime]:
        db = Database(database_url)
        try:
            async with db.sessions() as session:
                return {r.id: r.opened_at for r in (await session.scalars(select(Round))).all()}
        finally:
            await db.dispose()

    when = asyncio.run(opened())
    got = {(h.person_id, h.unit): (h.quantity, h.since) for h in holdings}
    assert got == {key: (value, when[began]) for key, (value, began) in expected.items()}


async def _small_programme(database_url: str) -> None:
    """Ani: 10 made, 4 sold, then 5 made, 0 sold: 11 kg since round 1, offered.
    Budi: 6 made, 6 sold (none left), then 3 made 1 sold: 2 kg since round 2, offered.
    Citra: 8 made, 2 sold, then sold 9 of 2 made (empty), then 4 made: 4 kg since round 3,
    said yes, then no: not listed. Dewi: 5 made, nothing sold, yes; another village."""
    db = Database(database_url)
    try:
        async with db.transaction() as session:
            cohort = Cohort(name="anyaman", schedule="mon 08:00", timezone="Asia/Jakarta",
                            unit="kg", created_at=START)  # fmt: skip
            session.add(cohort)
            await session.flush()
            now = START

            def person(pid: str, role: Role, name: str, **cells: object) -> Person:
                return Person(id=pid, role=role, name=name, created_at=now, updated_at=now,
                              attributes={}, **cells)  # fmt: skip

            session.add(person("STAFF-1", Role.STAFF, "Staf"))
            await session.flush()
            session.add(person("KOOR-1", Role.COORDINATOR, "Koor", supervisor_id="STAFF-1"))
            await session.flush()
            session.add(person("FAS-1", Role.FACILITATOR, "Fasil", supervisor_id="KOOR-1"))
            await session.flush()
            families = {
                "KPM-A": ("Ani Lestari", "Sukamaju", "0812-1111-0001"),
                "KPM-B": ("Budi Santoso", "Sukamaju", "0812-1111-0002"),
                "KPM-C": ("Citra Dewi", "Sukamaju", "0812-1111-0003"),
                "KPM-D": ("Dewi Kartika", "Karanganyar", "0812-1111-0004"),
            }
            for pid, (name, village, _phone) in families.items():
                session.add(
                    person(
                        pid,
                        Role.PARTICIPANT,
                        name,
                        cohort_id=cohort.id,
                        village=village,
                        district="Kalibening",
                        supervisor_id="FAS-1",
                        phone="+62" + _phone.replace("-", "")[1:],
                    )
                )
            rounds = []
            for week in range(3):
                opened = START + timedelta(weeks=week)
                round_ = Round(cohort_id=cohort.id, kind="scheduled", scheduled_for=opened,
                               opened_at=opened, closes_at=opened + timedelta(days=6))  # fmt: skip
                session.add(round_)
                rounds.append(round_)
            await session.flush()
            answers = {
                "KPM-A": [(10, 4, True), (5, 0, None), None],
                "KPM-B": [(6, 6, None), (3, 1, True), (0, 0, None)],
                "KPM-C": [(8, 2, True), (2, 9, None), (4, 0, False)],
                "KPM-D": [None, None, (5, 0, True)],
            }
            for pid, series in answers.items():
                for round_, answer in zip(rounds, series, strict=True):
                    if answer is None:
                        session.add(FollowUpRecord(round_id=round_.id, person_id=pid,
                                                   status=RecordStatus.MISSED, unit="kg",
                                                   created_at=now, updated_at=now))  # fmt: skip
                        continue
                    made, sold, offer = answer
                    session.add(
                        FollowUpRecord(round_id=round_.id, person_id=pid,
                                       status=RecordStatus.ANSWERED, produced=made > 0,
                                       quantity_produced=Decimal(made),
                                       quantity_sold=Decimal(sold), unit="kg",
                                       offer_stock=offer, created_at=now, updated_at=now)
                    )  # fmt: skip
            await session.flush()
            # Kept as when the last check-in was finished, during round 3.
            await refresh_stocks(session, START + timedelta(weeks=2, days=1))
    finally:
        await db.dispose()


def test_kabar_stock_lists_each_villages_offered_stock_with_its_families(
    database_url: str, tmp_path: Path
) -> None:
    asyncio.run(_small_programme(database_url))
    result = run_kabar(database_url, "stock", "--format", "csv", workdir=tmp_path)
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    got = [
        (r["village"], r["product"], r["village_quantity"], r["village_since"], r["name"],
         r["quantity"])
        for r in rows
    ]  # fmt: skip
    assert got == [
        ("Karanganyar", "anyaman", "5", "2025-03-17", "Dewi Kartika", "5"),
        ("Sukamaju", "anyaman", "13", "2025-03-03", "Ani Lestari", "11"),
        ("Sukamaju", "anyaman", "13", "2025-03-03", "Budi Santoso", "2"),
    ]
    # Budi's stock began in round 2, after round 1 left him none; Ani's in round 1.
    since = {r["name"]: r["since"] for r in rows}
    assert since["Budi Santoso"] == "2025-03-10"

    table = run_kabar(database_url, "stock", "--cohort", "anyaman", workdir=tmp_path)
    assert table.exit_code == 0, table.output
    assert "Ani Lestari" in table.stdout and "13 kg" in table.stdout
    assert "Citra" not in table.stdout  # her latest answer: no


def test_an_unknown_cohort_is_one_line_listing_the_known_ones(
    database_url: str, tmp_path: Path
) -> None:
    asyncio.run(_small_programme(database_url))
    result = run_kabar(database_url, "stock", "--cohort", "tenun", workdir=tmp_path)
    assert result.exit_code != 0
    assert result.output.strip().splitlines() == [
        'There is no cohort "tenun". Known cohorts: "anyaman".'
    ]


async def _as_partner_and_before(database_url: str) -> tuple[list[object], Decimal, Decimal]:
    db = Database(database_url)
    try:
        async with db.transaction() as session:
            partner = Person(id="MITRA-1", role=Role.PARTNER, name="Koperasi", attributes={},
                             created_at=START, updated_at=START)  # fmt: skip
            session.add(partner)
            await session.flush()
            lots = await pickup_list(session, partner)
            last = (await session.scalars(select(Round.id).order_by(Round.id.desc()))).first()
            citra = await stock_before(session, "KPM-C", last)
            ani = await stock_before(session, "KPM-A", None)
            # A fourth round, opened after the stock was kept: read from the kept rows.
            cohort = await session.scalar(select(Cohort.id))
            opened = START + timedelta(weeks=3)
            fourth = Round(cohort_id=cohort, kind="scheduled", scheduled_for=opened,
                           opened_at=opened, closes_at=opened + timedelta(days=6))  # fmt: skip
            session.add(fourth)
            await session.flush()
            kept = {p: await stock_before(session, p, fourth.id) for p in ("KPM-A", "KPM-C")}
            assert kept == {"KPM-A": 11, "KPM-C": 4}
            return list(lots), citra, ani
    finally:
        await db.dispose()


def test_a_partner_gets_quantities_per_village_and_nobody_holding_them(
    database_url: str,
) -> None:
    asyncio.run(_small_programme(database_url))
    lots, citra_before_round_3, ani_now = asyncio.run(_as_partner_and_before(database_url))
    assert [(lot.village, lot.quantity, lot.holders) for lot in lots] == [  # type: ignore[attr-defined]
        ("Karanganyar", Decimal(5), ()),
        ("Sukamaju", Decimal(13), ()),
    ]
    # Before round 3 Citra had sold more than she held: nothing, so she is not asked.
    assert citra_before_round_3 == 0
    assert ani_now == 11
