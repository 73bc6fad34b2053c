"""Results back to the families: `kabar broadcast --results` sends each village its own
figures, in each family's language."""

from __future__ import annotations

import asyncio
from pathlib import Path

from sqlalchemy import select

from bot.db.database import Database
from bot.db.models import OutboxMessage, Person
from bot.domain.broadcasts.dispatch import release_due
from bot.domain.reports.villages import village_figures, village_sentence
from bot.lib.clock import SystemClock
from bot.lib.i18n import translator
from tests.domain.cohorts.support import run_kabar
from tests.domain.reports.support import populated


async def _sent(database_url: str) -> tuple[dict[str, str], dict[str, Person], dict[str, str]]:
    """(person -> text written, person -> Person, village -> Indonesian sentence)."""
    db = Database(database_url)
    try:
        async with db.transaction() as session:
            await release_due(session, now=SystemClock().now())
        async with db.transaction() as session:
            rows = list(await session.scalars(select(OutboxMessage)))
            people = {p.id: p for p in await session.scalars(select(Person))}
            figures = {f.village: f for f in await village_figures(session, None)}
        sentences = {
            village: {code: village_sentence(f, translator(code)) for code in ("id", "en", "jv")}
            for village, f in figures.items()
        }
    finally:
        await db.dispose()
    texts = {row.person_id or "": row.payload["text"] for row in rows}
    return texts, people, sentences  # type: ignore[return-value]


def test_each_family_is_sent_their_own_villages_figures_in_their_language(
    database_url: str, tmp_path: Path
) -> None:
    populated(database_url)
    preview = run_kabar(
        database_url,
        "broadcast",
        "--results",
        "--text",
        "Terima kasih atas jawaban Anda, {nama}.",
        "--dry-run",
        workdir=tmp_path,
    )
    assert preview.exit_code == 0, preview.output
    assert "Pada check-in terakhir" in preview.output or "no family" in preview.output
    written = run_kabar(
        database_url,
        "broadcast",
        "--results",
        "--text",
        "Terima kasih atas jawaban Anda, {nama}.",
        workdir=tmp_path,
    )
    assert written.exit_code == 0, written.output
    texts, people, sentences = asyncio.run(_sent(database_url))
    assert texts, "registered families were written to"
    for person_id, text in texts.items():
        person = people[person_id]
        code = person.language or "id"
        intro, _, sentence = text.partition("\n")
        assert intro == f"Terima kasih atas jawaban Anda, {person.name}."
        assert person.village is not None
        assert sentence == sentences[person.village][code]


def test_results_before_any_round_has_closed_are_refused(database_url: str, tmp_path: Path) -> None:
    from tests.domain.cohorts.support import P, seed

    seed(database_url, [P("KPM-1", registered=True, cohort="c", village="Clarak")], cohorts=["c"])
    result = run_kabar(database_url, "broadcast", "--results", workdir=tmp_path)
    assert result.exit_code != 0
    assert "No village of this audience has figures yet" in result.output
