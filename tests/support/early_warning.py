"""Simulated cohorts with known futures, to show what the early-warning rule is worth.

`simulate(seed)` makes a cohort of families, each of one kind, and what each answered in
every weekly round (pure Python, seeded). `replay(db, cohort)` writes it into a real Kabar
database round by round, running the real rules (`evaluate`) after each round as the round
clock would, and returns which alerts opened when. `score` turns that into the figures:

- flagged early: of the families that later go silent, the share with an early-warning
  alert at least one round before their unresponsive alert;
- lead: rounds from that first warning to the unresponsive alert, averaged over them;
- false flags: of the families with an early-warning alert, the share that never go silent.

The kinds (shares of a cohort):
- steady (25%): the same level every round, ±10%.
- growing (15%): +4% a round.
- sliding (20%): from a random round, production falls 25-40% a round, answers come later,
  the same problem is named again and again, the last answer may be "no production"; after
  3-5 such rounds the family stops answering for good.
- unsold (10%): selling fails (no buyer): from a random round production holds but what
  they sell, and so earn, falls 35-55% a round, answers come on time, "market" is named
  now and then; after 3-5 such rounds the family stops answering for good.
- seasonal (15%): a dip to 55-80% of their level for 2-3 rounds, then back.
- noisy (15%): ±25% a round, a typo ten times too big now and then, a round missed now and
  then, answers at any hour, sells 60-100% of it (nothing, now and then).
Every family sells 70-100% of what it makes at its own price, and goes through the
cohort's season (3 rounds at 60-85% of their level) and its market season (2 rounds in
which everyone sells 45-60% of what they usually sell).
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import insert, select, update

from bot.db.database import Database
from bot.db.models import (
    Alert,
    AlertStatus,
    Cohort,
    FollowUpRecord,
    ParticipantStatus,
    Person,
    RecordStatus,
    Role,
    Round,
    TelegramAccount,
)
from bot.domain.alerts import Rule, evaluate

START = datetime(2026, 1, 5, 1, 0, tzinfo=UTC)
WEEK = timedelta(days=7)
KINDS = (
    ("steady", 25),
    ("growing", 15),
    ("sliding", 20),
    ("unsold", 10),
    ("seasonal", 15),
    ("noisy", 15),
)
# The kinds who go silent at the end of their slide.
SILENT = ("sliding", "unsold")
PROBLEMS = ("tools", "raw_material", "capital", "market")
FACILITATOR = "F"


@dataclass(frozen=True)
class Answer:
    """One family's record for one round; `produced` None = missed."""

    produced: bool | None
    quantity: float = 0.0
    delay_hours: float = 0.0
    problems: tuple[str, ...] = ()
    # What was sold of it and the rupiah received; None: not answered (the amount asked
    # only when something was sold).
    sold: float | None = None
    revenue: int | None = None


@dataclass
class Family:
    id: str
    kind: str
    answers: list[Answer] = field(default_factory=list)

    @property
    def goes_silent(self) -> bool:
        return self.kind in SILENT


@dataclass
class SimulatedCohort:
    seed: int
    rounds: int
    families: list[Family]


def _kinds(rng: random.Random, count: int) -> list[str]:
    kinds = [kind for kind, share in KINDS for _ in range(round(count * share / 100))]
    kinds += ["steady"] * (count - len(kinds))
    rng.shuffle(kinds)
    return kinds[:count]


def _on_time(rng: random.Random) -> float:
    return rng.uniform(0.5, 10.0)


@dataclass(frozen=True)
class _Seasons:
    production: range
    market: range
    market_depth: float


def _family(
    rng: random.Random, seed: int, number: int, kind: str, rounds: int, seasons: _Seasons
) -> Family:
    family = Family(f"S{seed}-{number:04d}", kind)
    level = rng.uniform(8, 30)
    price = round(rng.uniform(10_000, 30_000), -3)
    share = rng.uniform(0.70, 1.0)
    season_depth = rng.uniform(0.60, 0.85)
    slide_from = rng.randint(6, rounds - 7)
    slide_length = rng.randint(3, 5)
    slide_rate = rng.uniform(0.60, 0.75)
    unsold_rate = rng.uniform(0.45, 0.65)
    dip_from = rng.randint(4, rounds - 5)
    dip = range(dip_from, dip_from + rng.randint(2, 3))
    dip_depth = rng.uniform(0.55, 0.80)
    problem = rng.choice(PROBLEMS)
    for number_ in range(rounds):
        factor = season_depth if number_ in seasons.production else 1.0
        selling = share * (seasons.market_depth if number_ in seasons.market else 1.0)
        if kind == "growing":
            factor *= 1.04**number_
        if kind == "seasonal" and number_ in dip:
            factor *= dip_depth
        delay = _on_time(rng)
        problems: tuple[str, ...] = ()
        sliding = kind in SILENT and number_ >= slide_from
        step = number_ - slide_from + 1
        if sliding and step > slide_length:
            family.answers.append(Answer(None))
            continue
        if sliding and kind == "sliding":
            factor *= slide_rate**step
            delay = 4.0 * 2.2**step + rng.uniform(0, 4)
            problems = (problem,)
            if step == slide_length and rng.random() < 0.5:
                family.answers.append(Answer(False, 0.0, delay, problems))
                continue
        if sliding and kind == "unsold":
            selling *= unsold_rate**step
            problems = ("market",) if rng.random() < 0.5 else ()
        noise = 0.25 if kind == "noisy" else 0.10
        quantity = level * factor * rng.uniform(1 - noise, 1 + noise)
        sold_share = min(1.0, selling * rng.uniform(0.9, 1.1))
        made = round(quantity, 1)  # what was made: a typo below is in the answer only
        if kind == "noisy":
            if rng.random() < 0.05:
                family.answers.append(Answer(None))
                continue
            if rng.random() < 0.02:
                quantity *= 10
            delay = rng.expovariate(1 / 6)
            if rng.random() < 0.3:
                problems = (rng.choice(PROBLEMS),)
            sold_share = 0.0 if rng.random() < 0.03 else min(1.0, selling * rng.uniform(0.6, 1.1))
        elif not sliding and rng.random() < 0.1:
            problems = (rng.choice(PROBLEMS),)
        quantity = round(quantity, 1)
        sold = round(made * sold_share, 1)
        revenue = int(round(sold * price, -3)) if sold else None
        family.answers.append(Answer(True, quantity, delay, problems, sold, revenue))
    return family


def simulate(seed: int, families: int = 100, rounds: int = 20) -> SimulatedCohort:
    rng = random.Random(seed)
    season_from = rng.randint(3, rounds - 4)
    market_from = rng.randint(3, rounds - 3)
    seasons = _Seasons(
        range(season_from, season_from + 3),
        range(market_from, market_from + 2),
        rng.uniform(0.45, 0.60),
    )
    kinds = _kinds(rng, families)
    return SimulatedCohort(
        seed,
        rounds,
        [_family(rng, seed, number, kind, rounds, seasons) for number, kind in enumerate(kinds)],
    )


@dataclass
class Replay:
    cohort: SimulatedCohort
    # Per family and rule: the rounds (0-based) after which alerts opened, and closed.
    opened: dict[tuple[str, str], list[int]]
    closed: dict[tuple[str, str], list[int]] = field(default_factory=dict)


def _record(round_id: int, family: str, answer: Answer, opened: datetime) -> dict[str, Any]:
    at = opened + timedelta(hours=answer.delay_hours)
    missed = answer.produced is None
    return {
        "round_id": round_id,
        "person_id": family,
        "status": RecordStatus.MISSED if missed else RecordStatus.ANSWERED,
        "produced": answer.produced,
        "quantity_produced": None if not answer.produced else Decimal(str(answer.quantity)),
        "unit": None if not answer.produced else "kg",
        "quantity_sold": None if answer.sold is None else Decimal(str(answer.sold)),
        "revenue_idr": answer.revenue,
        "problems": list(answer.problems),
        "needs_help": False,
        "late": answer.delay_hours >= 24,
        "answered_at": None if missed else at,
        "created_at": opened,
        "updated_at": opened if missed else at,
    }


def under_way_record(round_id: int, family: str, opened: datetime) -> FollowUpRecord:
    """A check-in half done: the family said they produced, and has not typed how much."""
    at = opened + timedelta(hours=1)
    return FollowUpRecord(
        round_id=round_id,
        person_id=family,
        status=RecordStatus.PARTIAL,
        produced=True,
        unit="kg",
        problems=[],
        created_at=at,
        updated_at=at,
    )


async def seed_people(db: Database, cohort: SimulatedCohort, **thresholds: int) -> int:
    async with db.transaction() as session:
        row = Cohort(
            name=f"sim-{cohort.seed}",
            schedule="mon 08:00",
            timezone="Asia/Jakarta",
            created_at=START,
            **thresholds,
        )
        session.add(row)
        await session.flush()
        # One facilitator for every simulated cohort in the database.
        first = await session.get(Person, FACILITATOR) is None
        people = [(FACILITATOR, Role.FACILITATOR, None, None)] if first else []
        people += [(family.id, Role.PARTICIPANT, FACILITATOR, row.id) for family in cohort.families]
        await session.execute(
            insert(Person),
            [
                {
                    "id": pid,
                    "role": role,
                    "name": pid,
                    "cohort_id": cohort_id,
                    "supervisor_id": supervisor,
                    "attributes": {},
                    "status": ParticipantStatus.ACTIVE,
                    "consent_at": START,
                    "created_at": START,
                    "updated_at": START,
                }
                for pid, role, supervisor, cohort_id in people
            ],
        )
        base = 1 if first else row.id * 100_000
        await session.execute(
            insert(TelegramAccount),
            [
                {
                    "person_id": pid,
                    "telegram_user_id": base + number,
                    "chat_id": base + number,
                    "linked_at": START,
                    "linked_by": "invitation",
                }
                for number, (pid, *_) in enumerate(people)
            ],
        )
        return row.id


def closed_round(cohort_id: int, opened: datetime) -> Round:
    """A weekly round as the round clock leaves it: closed six days after it opened."""
    return Round(
        cohort_id=cohort_id,
        kind="scheduled",
        scheduled_for=opened,
        opened_at=opened,
        closes_at=opened + timedelta(days=6),
        closed_at=opened + timedelta(days=6),
    )


Written = float | tuple[float, int] | None


def _written(entry: Written) -> Answer:
    if entry is None:
        return Answer(None)
    if isinstance(entry, tuple):
        quantity, revenue = entry
        # All of it sold for `revenue` rupiah; 0: nothing sold.
        return Answer(
            quantity > 0, quantity, 3.0, (), quantity if revenue else 0.0, revenue or None
        )
    return Answer(entry > 0, entry, 3.0)


def by_hand(*families: tuple[str, list[Written]], seed: int = 0) -> SimulatedCohort:
    """A cohort written out: per family, its quantities (0 = "no production", None = missed),
    or (quantity, rupiah from sales) pairs, answered three hours after the question, without
    problems."""
    made = [
        Family(family_id, "by-hand", [_written(entry) for entry in entries])
        for family_id, entries in families
    ]
    return SimulatedCohort(seed, max(len(f.answers) for f in made), made)


async def replay(
    db: Database, cohort: SimulatedCohort, *, resolve_after: int | None = None, **thresholds: int
) -> Replay:
    """The cohort's rounds written one by one, the real rules run after each; after round
    `resolve_after` the facilitator resolves every open alert."""
    cohort_id = await seed_people(db, cohort, **thresholds)
    run = Replay(cohort, {})
    for number in range(cohort.rounds):
        at = START + number * WEEK
        async with db.transaction() as session:
            round_ = closed_round(cohort_id, at)
            session.add(round_)
            await session.flush()
            rows = [
                _record(round_.id, family.id, family.answers[number], at)
                for family in cohort.families
            ]
            await session.execute(insert(FollowUpRecord), rows)
        async with db.transaction() as session:
            outcome = await evaluate(session, now=at + timedelta(days=6), cohort_id=cohort_id)
        for alert in outcome.opened:
            run.opened.setdefault((alert.person_id, alert.rule), []).append(number)
        for alert in outcome.closed:
            run.closed.setdefault((alert.person_id, alert.rule), []).append(number)
        if number == resolve_after:
            async with db.transaction() as session:
                await session.execute(
                    update(Alert)
                    .where(Alert.status == AlertStatus.OPEN)
                    .values(status=AlertStatus.RESOLVED, closed_reason="resolved")
                )
    return run


# What the rule must achieve on simulated cohorts (issue #15).
TARGET_FLAGGED_SHARE = 0.80
TARGET_LEAD_ROUNDS = 1.5
TARGET_FALSE_SHARE = 0.10


async def measure(db: Database, seeds: range, **thresholds: int) -> Score:
    """Every seed's cohort replayed in `db` (one cohort each), scored together."""
    return score([await replay(db, simulate(seed), **thresholds) for seed in seeds])


@dataclass(frozen=True)
class Score:
    silent: int
    flagged_early: int
    lead_rounds: float
    warnings: int
    false_warnings: int

    @property
    def flagged_share(self) -> float:
        return self.flagged_early / self.silent if self.silent else 1.0

    @property
    def false_share(self) -> float:
        return self.false_warnings / self.warnings if self.warnings else 0.0

    @property
    def meets_targets(self) -> bool:
        return (
            self.flagged_share >= TARGET_FLAGGED_SHARE
            and self.lead_rounds >= TARGET_LEAD_ROUNDS
            and self.false_share <= TARGET_FALSE_SHARE
        )


def score(replays: list[Replay]) -> Score:
    """Flags are counted per family: a family warned about twice is one flag."""
    silent = flagged = warnings = false = 0
    leads: list[int] = []
    for run in replays:
        for family in run.cohort.families:
            warned = run.opened.get((family.id, Rule.EARLY_WARNING.value), [])
            quiet = run.opened.get((family.id, Rule.UNRESPONSIVE.value), [])
            warnings += bool(warned)
            if not family.goes_silent:
                false += bool(warned)
                continue
            if not quiet:
                continue  # the simulation ended before the rule would fire
            silent += 1
            before = [number for number in warned if number < quiet[0]]
            if before:
                flagged += 1
                leads.append(quiet[0] - before[0])
    return Score(silent, flagged, sum(leads) / len(leads) if leads else 0.0, warnings, false)


async def alerts_in(db: Database) -> list[Alert]:
    async with db.sessions() as session:
        return list((await session.scalars(select(Alert).order_by(Alert.id))).all())
