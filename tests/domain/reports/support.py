"""The programme figures recomputed in the test, from `kabar records export --format csv`
and plain reads of the roster: written without the report's code, to check it."""

from __future__ import annotations

import asyncio
import csv
import io
import re
import statistics
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from pathlib import Path

from sqlalchemy import select

from bot.db.database import Database
from bot.db.models import Alert, Conversation, Person, Role, Round, TelegramAccount
from tests.benchmarks.programme_data import populate
from tests.domain.records.support import run_kabar

Row = dict[str, str]


def populated(database_url: str) -> None:
    """Four cohorts, twelve districts and facilitators, five closed rounds and an open one."""
    populate(database_url, participants=240, rounds=5, seed=3, per_facilitator=20)


def parse_csv(text: str) -> list[Row]:
    return list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"), newline="")))


def exported(database_url: str, workdir: Path) -> list[Row]:
    result = run_kabar(database_url, "records", "export", "--format", "csv", workdir=workdir)
    assert result.exit_code == 0, result.output
    return parse_csv(result.stdout)


@dataclass
class Facts:
    """What the records export does not carry, read plainly from the database."""

    rounds: dict[int, tuple[int, datetime, datetime, bool]]  # id: cohort, opened, ends, closed
    cohort_names: dict[int, str]
    people: dict[str, Person]
    unreachable_at: dict[str, datetime]
    waiting: dict[int, set[str]]  # open round: families with a check-in
    alerts: list[tuple[str, str, str]]  # (person, rule, status)


async def _facts(database_url: str) -> Facts:
    from bot.db.models import Cohort

    db = Database(database_url)
    try:
        async with db.sessions() as session:
            rounds = {
                r.id: (r.cohort_id, r.opened_at, r.closes_at, r.closed_at is not None)
                for r in (await session.scalars(select(Round))).all()
            }
            cohorts = {c.id: c.name for c in (await session.scalars(select(Cohort))).all()}
            people = {p.id: p for p in (await session.scalars(select(Person))).all()}
            accounts = (await session.scalars(select(TelegramAccount))).all()
            talks = (await session.scalars(select(Conversation))).all()
            alerts = (await session.scalars(select(Alert))).all()
    finally:
        await db.dispose()
    waiting: dict[int, set[str]] = defaultdict(set)
    for talk in talks:
        if talk.round_id is not None and talk.flow == "checkin":
            waiting[talk.round_id].add(talk.person_id)
    return Facts(
        rounds=rounds,
        cohort_names=cohorts,
        people=people,
        unreachable_at={a.person_id: a.unreachable_at for a in accounts if a.unreachable_at},
        waiting=waiting,
        alerts=[(a.person_id, a.rule, a.status.value) for a in alerts],
    )


def facts(database_url: str) -> Facts:
    return asyncio.run(_facts(database_url))


def _number(text: str) -> Decimal:
    return Decimal(text) if text else Decimal(0)


def recompute(
    records: Iterable[Row], facts: Facts, family: Callable[[Person], bool]
) -> dict[tuple[str, int], dict[str, object]]:
    """(cohort, round number) -> the report's CSV figures, as numbers."""
    by_round: dict[int, list[Row]] = defaultdict(list)
    for row in records:
        if family(facts.people[row["participant_id"]]):
            by_round[int(row["round_id"])].append(row)
    families = [p for p in facts.people.values() if p.role is Role.PARTICIPANT and family(p)]
    out: dict[tuple[str, int], dict[str, object]] = {}
    for cohort_id, name in facts.cohort_names.items():
        series = sorted(
            (opened, round_id)
            for round_id, (owner, opened, _ends, _closed) in facts.rounds.items()
            if owner == cohort_id
        )
        rate_before: Decimal | None = None
        for number, (opened, round_id) in enumerate(series, start=1):
            rows = by_round.get(round_id, [])
            _cohort, _opened, ends, closed = facts.rounds[round_id]
            mine = [p for p in families if p.cohort_id == cohort_id and p.consent_at]
            recorded = {row["participant_id"] for row in rows}
            unanswered = {
                person
                for person in facts.waiting.get(round_id, set())
                if person not in recorded and family(facts.people[person])
            }
            asked = len(rows) + (0 if closed else len(unanswered))
            count = Counter(row["status"] for row in rows)
            producing = [row for row in rows if row["produced"] == "true"]
            incomes = [
                int(row["revenue_idr"]) if row["revenue_idr"] else 0
                for row in producing
                if row["revenue_idr"] or row["quantity_sold"] == "0"
            ]
            responded = count["answered"] + count["partial"]
            rate = (Decimal(responded) / asked).quantize(Decimal("0.0001")) if asked else None
            out[(name, number)] = {
                "round_id": round_id,
                "closed": "true" if closed else "false",
                "registered": sum(1 for p in mine if p.consent_at <= opened),
                "asked": asked,
                "answered": count["answered"],
                "partial": count["partial"],
                "missed": count["missed"],
                "response_rate": rate,
                # An open round is compared with nothing: its answers are still coming.
                "response_rate_change": (
                    rate - rate_before
                    if closed and rate is not None and rate_before is not None
                    else None
                ),
                "producing": len(producing),
                "quantity_produced": sum(
                    (_number(r["quantity_produced"]) for r in rows), Decimal(0)
                ),
                "quantity_sold": sum((_number(r["quantity_sold"]) for r in rows), Decimal(0)),
                "revenue_idr": sum(int(r["revenue_idr"] or 0) for r in rows),
                "median_revenue_idr": Decimal(str(statistics.median(incomes))) if incomes else None,
                "paused": sum(
                    1
                    for p in mine
                    if p.status.value == "paused" and p.paused_at and p.paused_at <= ends
                ),
                "unreachable": sum(
                    1
                    for p in mine
                    if p.id in facts.unreachable_at and facts.unreachable_at[p.id] <= ends
                ),
            }
            rate_before = rate
    return out


def reported(rows: Iterable[Row]) -> dict[tuple[str, int], dict[str, object]]:
    """`kabar report --format csv` rows as the same numbers."""

    def optional(text: str) -> Decimal | None:
        return Decimal(text) if text else None

    return {
        (row["cohort"], int(row["round"])): {
            "round_id": int(row["round_id"]),
            "closed": row["closed"],
            "registered": int(row["registered"]),
            "asked": int(row["asked"]),
            "answered": int(row["answered"]),
            "partial": int(row["partial"]),
            "missed": int(row["missed"]),
            "response_rate": optional(row["response_rate"]),
            "response_rate_change": optional(row["response_rate_change"]),
            "producing": int(row["producing"]),
            "quantity_produced": _number(row["quantity_produced"]),
            "quantity_sold": _number(row["quantity_sold"]),
            "revenue_idr": int(row["revenue_idr"]),
            "median_revenue_idr": optional(row["median_revenue_idr"]),
            "paused": int(row["paused"]),
            "unreachable": int(row["unreachable"]),
        }
        for row in rows
    }


WORD = re.compile(r"[a-z]+")


def note_word_count(records: Iterable[Row], round_ids: set[int], code: str, word: str) -> int:
    """How many times `word` appears in the notes of records naming `code`."""
    return sum(
        WORD.findall(row["problem_note"].lower()).count(word)
        for row in records
        if int(row["round_id"]) in round_ids and code in row["problems"].split(";")
    )
