"""Results back to the families: a broadcast whose text is each village's own figures.

The sentences are fixed when the broadcast starts (its figures are those of that moment,
whatever is answered while it goes out), one per village and language, from the report's
village figures (bot/domain/reports/villages.py) within the sender's scope.
"""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import Person
from bot.domain.broadcasts.audience import Audience
from bot.domain.broadcasts.compose import text_for
from bot.domain.reports.scope import ReportFilter
from bot.domain.reports.villages import village_figures, village_sentence
from bot.lib.i18n import SUPPORTED_LOCALES, resolve_locale, translator

RESULTS = "results"  # Broadcast.kind

VillageTexts = dict[str, dict[str, str]]  # village (lower case) -> language -> sentence


async def village_texts(
    session: AsyncSession, audience: Audience, viewer: Person | None
) -> VillageTexts:
    """Each village's sentence in every language Kabar speaks."""
    filters = ReportFilter(cohort=audience.get("cohort"), district=audience.get("district"))
    found: VillageTexts = {}
    for figures in await village_figures(session, viewer, filters):
        found[figures.village.lower()] = {
            code: village_sentence(figures, translator(code)) for code in SUPPORTED_LOCALES
        }
    return found


def results_text(
    intro: str, texts: VillageTexts, *, village: str | None, language: str | None, name: str
) -> str | None:
    """The person's village's sentence after the sender's own words; None when their village
    has no figures (they are skipped: there is nothing of theirs to tell)."""
    sentences = texts.get((village or "").lower())
    if not sentences:
        return None
    sentence = sentences.get(resolve_locale(language)) or next(iter(sentences.values()))
    intro = text_for(intro, {}, language=None, name=name).strip()
    return f"{intro}\n{sentence}" if intro else sentence
