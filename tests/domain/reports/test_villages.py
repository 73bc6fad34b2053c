"""Results back to the families: each village's figures of the last closed round, and the
sentence a broadcast sends them, in their language."""

from __future__ import annotations

import asyncio
from collections import Counter
from decimal import Decimal
from pathlib import Path

from bot.db.database import Database
from bot.domain.reports.figures import Quantity
from bot.domain.reports.scope import ReportFilter
from bot.domain.reports.villages import VillageFigures, village_figures, village_sentence
from bot.lib.i18n import translator
from tests.domain.reports.support import exported, populated


async def _villages(database_url: str, filters: ReportFilter) -> list[VillageFigures]:
    db = Database(database_url)
    try:
        async with db.transaction() as session:
            return await village_figures(session, None, filters)
    finally:
        await db.dispose()


def test_each_village_gets_the_figures_of_its_last_closed_round(
    database_url: str, tmp_path: Path
) -> None:
    populated(database_url)
    records = exported(database_url, tmp_path)
    villages = asyncio.run(_villages(database_url, ReportFilter()))
    assert villages, "the programme has villages"
    # Round 6 is open: the last closed round, 5, of every cohort is counted.
    counted = {(row["cohort"], row["round_id"]) for row in records}
    last = {}
    for cohort, round_id in sorted(counted, key=lambda pair: int(pair[1])):
        last.setdefault(cohort, []).append(round_id)
    closed = {ids[-2] for ids in last.values()}
    for village in villages:
        mine = [r for r in records if r["village"] == village.village and r["round_id"] in closed]
        producing = [r for r in mine if r["produced"] == "true"]
        assert village.asked == len(mine)
        assert village.producing == len(producing)
        made: dict[str, Decimal] = {}
        for r in producing:
            if r["quantity_produced"]:
                made[r["unit"]] = made.get(r["unit"], Decimal(0)) + Decimal(r["quantity_produced"])
        assert {q.unit: q.produced for q in village.quantities} == made
        codes = Counter(c for r in mine if r["problems"] for c in r["problems"].split(";"))
        if codes:
            most = max(codes.values())
            assert village.top_problem in {c for c, n in codes.items() if n == most}
            assert village.top_problem_families == most


def test_the_sentence_in_each_language() -> None:
    figures = VillageFigures(
        village="Sumberkare",
        district="Leces",
        rounds=(("pelepah-pisang-2026", 4),),
        asked=30,
        producing=24,
        quantities=(Quantity("kg", Decimal("118.5"), Decimal(90)),),
        top_problem="tools",
        top_problem_families=11,
        top_word="pengering",
    )
    assert village_sentence(figures, translator("id")) == (
        "Pada check-in terakhir, 24 keluarga di Sumberkare memproduksi 118,5 kg; "
        "kendala terbanyak: alat atau peralatan (pengering)."
    )
    assert village_sentence(figures, translator("en")) == (
        "In the last check-in, 24 families in Sumberkare produced 118.5 kg; "
        "the most common problem: tools or equipment (pengering)."
    )
    one = VillageFigures(
        "Clarak", None, (), 3, 1, (Quantity("kg", Decimal(2), Decimal(1)),), None, 0, None
    )
    assert village_sentence(one, translator("en")) == (
        "In the last check-in, 1 family in Clarak produced 2 kg."
    )
    none = VillageFigures("Clarak", None, (), 3, 0, (), "capital", 2, None)
    assert village_sentence(none, translator("id")) == (
        "Pada check-in terakhir, belum ada keluarga di Clarak yang melaporkan produksi; "
        "kendala terbanyak: modal."
    )
