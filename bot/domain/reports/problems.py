"""The problem roll-up: which problems families named most, and the words under them.

"tools 41 — pengering 17, timbangan 9": per cohort and district, how many families named
each problem code in the chosen rounds (SQL, grouped by code and note), and the most common
words of the notes written with it. The notes are grouped by their text in SQL, so each
distinct note is split into words once, weighted by how many families wrote it; common
words of Indonesian, Javanese and English are left out.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from sqlalchemy import func, select, true
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.dialect import json_array_items
from bot.db.models import FollowUpRecord, Person
from bot.domain.reports.scope import RoundRef, Selection

TOP_WORDS = 3
MIN_WORD = 3
_WORD = re.compile(r"[^\W\d_]+")

_INDONESIAN = (
    "yang dan di ke dari untuk dengan pada ini itu ada tidak tak belum sudah telah akan masih"
    " juga lagi saja jadi karena karna krn kalau kalo tapi tetapi atau sama bisa dapat mau"
    " ingin harus perlu butuh punya saya aku kami kita kamu anda dia mereka ibu bapak pak nya"
    " sih dong kok iya gak nggak enggak tdk blm sdh udah sangat sekali banget terlalu kurang"
    " lebih hanya cuma baru semua para oleh sebagai dalam luar atas bawah minggu bulan hari"
    " waktu sedang buat bikin agar supaya bila jika kapan bagaimana apa siapa mana sini situ"
    " tersebut setelah sebelum sampai hingga tanpa antara pun lah kah"
)
_JAVANESE = (
    "ora sing lan ing karo kanggo wis uwis durung isih arep kula kowe panjenengan dheweke iki"
    " kuwi kae ana ono dadi amarga mergo nek yen ning uga mung wae bae sak saka seko menyang"
    " neng nang kudu iso isa pengen tenan dina sasi"
)
_ENGLISH = (
    "the and but for with from are was were been this that these those our they you not yet"
    " have has had does did need needs still very too there here week month because can"
    " cannot will would also just only more less some any"
)
# Words that say nothing about the problem (shorter ones are dropped anyway).
STOP_WORDS = frozenset(f"{_INDONESIAN} {_JAVANESE} {_ENGLISH}".split())


@dataclass(frozen=True, slots=True)
class ProblemCount:
    cohort: str
    district: str | None  # None: the cohort's families together
    code: str
    families: int  # records naming the code: one per family and round
    words: tuple[tuple[str, int], ...]  # the most common words of its notes, with counts
    round_number: int | None = None  # None: the rounds counted together


@lru_cache(maxsize=4096)
def note_words(note: str) -> tuple[str, ...]:
    """The words of a note that say something: lower case, no stop words or short ones."""
    return tuple(
        word
        for word in _WORD.findall(note.lower())
        if len(word) >= MIN_WORD and word not in STOP_WORDS
    )


@dataclass
class Tally:
    """How many families named a problem, and the words of their notes."""

    families: int = 0
    words: Counter[str] | None = None

    def add(self, families: int, words: Sequence[str]) -> None:
        self.families += families
        if words:
            self.words = self.words or Counter()
            for word in words:
                self.words[word] += families

    def top_words(self) -> tuple[tuple[str, int], ...]:
        return tuple((self.words or Counter()).most_common(TOP_WORDS))


async def named_problems(
    session: AsyncSession, selection: Selection, rounds: Sequence[RoundRef], place: Any
) -> AsyncIterator[tuple[RoundRef, str | None, str, tuple[str, ...], int]]:
    """(round, place, code, the note's words, families) per distinct note: the families of
    the selection who named `code` in `rounds`, grouped by `place` (a Person column, such as
    the district or the village) in SQL; streamed, so a year of notes is never in memory."""
    if not rounds:
        return
    record = FollowUpRecord
    codes = json_array_items(session, record.problems, "problem_codes")
    statement = (
        select(record.round_id, place, codes.c.value, record.problem_note, func.count())
        .select_from(record)
        .join(codes, true())
        .join(Person, Person.id == record.person_id)
        .where(record.round_id.in_([r.id for r in rounds]))
        .group_by(record.round_id, place, codes.c.value, record.problem_note)
    )
    if selection.families is not None:
        statement = statement.where(selection.families)
    by_id = {r.id: r for r in rounds}
    result = await session.stream(statement.execution_options(yield_per=2000))
    async for partition in result.partitions():
        for round_id, where, code, note, count in partition:
            words = note_words(note) if note else ()
            yield by_id[round_id], where, str(code), words, int(count)


async def problem_rollup(
    session: AsyncSession,
    selection: Selection,
    rounds: Sequence[RoundRef],
    *,
    per_round: bool = False,
) -> list[ProblemCount]:
    """Per cohort (and per round with `per_round`), the problem codes named in `rounds`,
    most named first: for the cohort's families together (district None, first), then for
    each district."""
    tallies: dict[tuple[str, int | None, str | None, str], Tally] = {}
    async for round_, district, code, words, count in named_problems(
        session, selection, rounds, Person.district
    ):
        number = round_.number if per_round else None
        for where in (district, None):
            key = (round_.cohort.name, number, where, code)
            tallies.setdefault(key, Tally()).add(count, words)
    out = [
        ProblemCount(cohort, district, code, tally.families, tally.top_words(), number)
        for (cohort, number, district, code), tally in tallies.items()
    ]
    # Cohort by name, then round; within it the whole cohort, then the districts by name;
    # within each, the codes most named first.
    out.sort(
        key=lambda p: (
            p.cohort,
            p.round_number or 0,
            p.district is not None,
            p.district or "",
            -p.families,
            p.code,
        )
    )
    return out
