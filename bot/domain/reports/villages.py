"""Each village's own figures, for sending results back to the families.

"In the last check-in, 24 families in Sumberkare produced 118 kg; the most common problem:
tools or equipment (pengering)." A broadcast fills one such sentence per village, in each
recipient's language, so families see that their answers count. The figures are those of
each cohort's latest closed round (complete: everyone has answered or missed), or of the
round chosen, for the families the sender may see.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import case, func, select, true
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import FollowUpRecord, Person
from bot.domain.reports.figures import Quantity, decimal
from bot.domain.reports.problems import Tally, named_problems
from bot.domain.reports.scope import ReportFilter, RoundRef, Selection, select_scope
from bot.domain.reports.text import problem_label
from bot.lib.i18n import N_, Translator

NONE_PRODUCED = N_(
    "In the last check-in, no family in {village} reported production; "
    "the most common problem: {problem}."
)
NONE_PRODUCED_NO_PROBLEM = N_("In the last check-in, no family in {village} reported production.")


@dataclass(frozen=True, slots=True)
class VillageFigures:
    """One village's figures in the rounds counted (one per cohort with families there)."""

    village: str
    district: str | None
    rounds: tuple[tuple[str, int], ...]  # (cohort, round number) counted
    asked: int  # families asked in those rounds
    producing: int  # of them, families who said they produced
    quantities: tuple[Quantity, ...]  # produced and sold, per unit
    top_problem: str | None  # the problem code most families named, if any
    top_problem_families: int
    top_word: str | None  # the most common word of the notes under it


async def village_figures(
    session: AsyncSession,
    viewer: Person | None = None,
    filters: ReportFilter = ReportFilter(),  # noqa: B008 - frozen, never changed
) -> list[VillageFigures]:
    """Per village of the families `viewer` may see (None: every family), by village name.

    Raises RecordsError like `programme_report` for an unknown cohort, district or round.
    """
    selection = await select_scope(session, viewer, filters)
    rounds = selection.latest_closed
    if not rounds:
        return []
    record = FollowUpRecord
    statement = (
        select(
            Person.village,
            Person.district,
            record.unit,
            func.count(),
            func.sum(case((record.produced == true(), 1), else_=0)),
            func.sum(record.quantity_produced),
            func.sum(record.quantity_sold),
        )
        .join(Person, Person.id == record.person_id)
        .where(record.round_id.in_([r.id for r in rounds]), Person.village.is_not(None))
        .group_by(Person.village, Person.district, record.unit)
    )
    if selection.families is not None:
        statement = statement.where(selection.families)
    asked: dict[str, int] = defaultdict(int)
    producing: dict[str, int] = defaultdict(int)
    districts: dict[str, str | None] = {}
    made: dict[str, dict[str, tuple[Decimal, Decimal]]] = defaultdict(dict)
    for village, district, unit, count, producers, produced, sold in (
        await session.execute(statement)
    ).all():
        asked[village] += int(count)
        producing[village] += int(producers or 0)
        districts.setdefault(village, district)
        if produced is not None:
            key = unit or rounds[0].cohort.unit
            before = made[village].get(key, (Decimal(0), Decimal(0)))
            made[village][key] = (before[0] + decimal(produced), before[1] + decimal(sold))
    problems = await _top_problems(session, selection, rounds)
    counted = tuple((r.cohort.name, r.number) for r in rounds)
    out = []
    for village in sorted(asked):
        top = problems.get(village)
        out.append(
            VillageFigures(
                village=village,
                district=districts[village],
                rounds=counted,
                asked=asked[village],
                producing=producing[village],
                quantities=tuple(
                    Quantity(unit, *amounts) for unit, amounts in sorted(made[village].items())
                ),
                top_problem=top[0] if top else None,
                top_problem_families=top[1].families if top else 0,
                top_word=_first_word(top[1]) if top else None,
            )
        )
    return out


def _first_word(tally: Tally) -> str | None:
    words = tally.top_words()
    return words[0][0] if words else None


async def _top_problems(
    session: AsyncSession, selection: Selection, rounds: tuple[RoundRef, ...]
) -> dict[str, tuple[str, Tally]]:
    """Per village, the code most families named (ties: the code first by name)."""
    tallies: dict[tuple[str, str], Tally] = {}
    async for _round, village, code, words, count in named_problems(
        session, selection, rounds, Person.village
    ):
        if village is not None:
            tallies.setdefault((village, code), Tally()).add(count, words)
    best: dict[str, tuple[str, Tally]] = {}
    for (village, code), tally in sorted(tallies.items()):
        if village not in best or tally.families > best[village][1].families:
            best[village] = (code, tally)
    return best


def village_sentence(figures: VillageFigures, t: Translator) -> str:
    """The village's figures in one sentence of `t`'s language, for its families."""
    from babel.lists import format_list

    problem = None
    if figures.top_problem is not None:
        label = problem_label(t, figures.top_problem)
        problem = label[:1].lower() + label[1:]
        if figures.top_word:
            problem = f"{problem} ({figures.top_word})"
    if figures.producing == 0:
        msgid = NONE_PRODUCED if problem else NONE_PRODUCED_NO_PROBLEM
        return t.gettext(msgid).format(village=figures.village, problem=problem)
    amounts = [f"{t.format_number(q.produced)} {q.unit}" for q in figures.quantities]
    values = {
        "count": t.format_number(figures.producing),
        "village": figures.village,
        "quantity": format_list(amounts or [t.format_number(0)], locale=t.locale),
        "problem": problem,
    }
    if problem is None:
        return t.ngettext(
            "In the last check-in, {count} family in {village} produced {quantity}.",
            "In the last check-in, {count} families in {village} produced {quantity}.",
            figures.producing,
        ).format(**values)
    return t.ngettext(
        "In the last check-in, {count} family in {village} produced {quantity}; "
        "the most common problem: {problem}.",
        "In the last check-in, {count} families in {village} produced {quantity}; "
        "the most common problem: {problem}.",
        figures.producing,
    ).format(**values)
