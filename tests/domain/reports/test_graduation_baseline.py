"""Graduation readiness and change against each family's start, on a small programme
written by hand (insights_fixture.py): the expected families and figures are worked out
here, not computed by the code under test."""

from __future__ import annotations

import asyncio
from decimal import Decimal

from bot.db.database import Database
from bot.domain.reports.baseline import BaselineReport, baseline_report
from bot.domain.reports.graduation import CohortGraduation, graduation_list
from bot.domain.reports.scope import ReportFilter, select_scope
from tests.domain.reports.insights_fixture import NOW, K, build


async def _insights(
    database_url: str, cohort: str | None = None
) -> tuple[list[CohortGraduation], BaselineReport]:
    db = Database(database_url)
    try:
        async with db.transaction() as session:
            selection = await select_scope(session, None, ReportFilter(cohort=cohort))
            return await graduation_list(session, selection), await baseline_report(
                session, selection, NOW
            )
    finally:
        await db.dispose()


def test_the_families_meeting_each_cohorts_bar(database_url: str) -> None:
    asyncio.run(build(database_url))
    graduation, _ = asyncio.run(_insights(database_url))
    found = {g.cohort: [f.name for f in g.families] for g in graduation}
    # kopi, 500,000 in 5 of rounds 3-8: Ani (6 of 6), Budi (5: round 5 was 100,000),
    # Gita (500,000 exactly in rounds 3-7; "no production" in round 8 is still an answer),
    # Hadi (his alert is resolved). Not: Citra (4 of 6), Dewi (open alert), Eko (missed
    # round 8), Fajar (paused), Indah (her good rounds were 1 and 2).
    # teh, its own bar of 100,000 in 2 of rounds 2-4: Joko (150,000 and 120,000); not
    # Kartini (200,000 once). batik: 26 rounds of 1 to 300,000, nobody reaches 500,000.
    assert found == {
        "kopi": ["Ani", "Budi", "Gita", "Hadi"],
        "teh": ["Joko"],
        "batik": [],
    }
    kopi = next(g for g in graduation if g.cohort == "kopi")
    assert [r.number for r in kopi.rounds] == [3, 4, 5, 6, 7, 8]
    budi = next(f for f in kopi.families if f.name == "Budi")
    assert budi.revenues == (600 * K, 600 * K, 100 * K, 600 * K, 600 * K, 600 * K)
    assert budi.rounds_met == 5
    gita = next(f for f in kopi.families if f.name == "Gita")
    assert gita.revenues == (500 * K,) * 5 + (0,)
    teh = next(g for g in graduation if g.cohort == "teh")
    assert (teh.bar.min_revenue_idr, teh.bar.rounds, teh.bar.window) == (100 * K, 2, 3)


def test_one_cohort_only(database_url: str) -> None:
    asyncio.run(build(database_url))
    graduation, change = asyncio.run(_insights(database_url, "teh"))
    assert [g.cohort for g in graduation] == ["teh"]
    assert {c.cohort for c in change.cohorts} == {"teh"}


def test_change_against_each_familys_start(database_url: str) -> None:
    asyncio.run(build(database_url))
    _, change = asyncio.run(_insights(database_url))
    people = {f.name: f for f in change.families if f.cohort == "batik"}
    # Per month: the average of the answered rounds times the rounds of the month.
    # Lestari: start 100,000 x 5 rounds = 500,000; at 3 months 200,000 x 4 = 800,000;
    # at 6 months she answered 2 of 4 rounds with 300,000: 300,000 x 4 = 1,200,000.
    assert people["Lestari"].start_idr == 500 * K
    assert (people["Lestari"].change(3), people["Lestari"].change(6)) == (300 * K, 700 * K)
    # Made: the roster's 1,000,000 a month; 150,000 x 4 = 600,000; nothing produced at 6.
    assert people["Made"].from_roster
    assert (people["Made"].change(3), people["Made"].change(6)) == (-400 * K, -1_000 * K)
    # Nyoman: produced nothing in round 1 and missed the rest: 0; then 50,000 x 4.
    assert (people["Nyoman"].start_idr, people["Nyoman"].change(3)) == (0, 200 * K)
    assert people["Nyoman"].change(6) is None  # no answer in June
    # Oka: 200,000 x 5 = 1,000,000, and 250,000 x 4 = 1,000,000: no change.
    assert people["Oka"].change(3) == 0

    batik = {c.months: c for c in change.cohorts if c.cohort == "batik"}
    three, six = batik[3], batik[6]
    # 3 months: changes 300k, -400k, 200k, 0: median (0 + 200k) / 2; above: Lestari,
    # Nyoman; producing at the start: all but Nyoman; now: all four.
    assert three.reached and three.families == 4
    assert three.median_change_idr == Decimal(100 * K)
    assert (three.above_start, three.producing_at_start, three.producing_now) == (
        Decimal("0.5"), Decimal("0.75"), Decimal("1"),
    )  # fmt: skip
    # 6 months: Lestari +700k and Made -1,000k.
    assert six.families == 2 and six.median_change_idr == Decimal(-150 * K)
    assert (six.above_start, six.producing_at_start, six.producing_now) == (
        Decimal("0.5"), Decimal("1"), Decimal("0.5"),
    )  # fmt: skip
    # kopi's rounds end in February: neither checkpoint is reached.
    kopi = [c for c in change.cohorts if c.cohort == "kopi"]
    assert [(c.months, c.reached, c.families) for c in kopi] == [(3, False, 0), (6, False, 0)]
