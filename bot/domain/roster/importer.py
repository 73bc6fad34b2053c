"""Import a roster: check every row, then upsert people by id in one transaction.

Built for rosters of a whole regency or province (10⁵ rows): the file is parsed once, the
people table is read once (streamed, compared on the fly rather than kept), and writes are
batched Core executemany statements rather than ORM objects.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from functools import partial
from pathlib import Path
from typing import Any, cast

from sqlalchemy import Table, bindparam, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.database import Database
from bot.db.models import Cohort, ParticipantStatus, Person, Role
from bot.domain.audit import audit
from bot.domain.cohorts import ensure_cohorts
from bot.domain.roster.cohort_spelling import settle_cohort_names
from bot.domain.roster.reader import read_roster
from bot.domain.roster.validate import (
    ROLE_ORDER,
    CheckedFile,
    DatabaseView,
    RosterRow,
    RowProblem,
    check_against_database,
    check_rows,
)

# (phase, done, total): phase "read" counts bytes or rows of the file, "write" people written.
ImportProgress = Callable[[str, int, int], None]

_BATCH = 2000
_PEOPLE = cast(Table, Person.__table__)
# The columns a roster owns; status, consent and pauses belong to the bot and are left alone.
_ROSTER_COLUMNS = (
    "role",
    "name",
    "phone",
    "cohort_id",
    "village",
    "district",
    "regency",
    "supervisor_id",
    "language",
    "attributes",
    "baseline_revenue_idr",
)


@dataclass(slots=True)
class RoleCounts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0


@dataclass(slots=True)
class ImportResult:
    """What an import did (or, for a dry run or a file with errors, would have done)."""

    file_name: str
    dry_run: bool
    rows: int = 0
    problems: list[RowProblem] = field(default_factory=list)
    counts: dict[Role, RoleCounts] = field(
        default_factory=lambda: {role: RoleCounts() for role in ROLE_ORDER}
    )
    cohorts_created: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def written(self) -> bool:
        return self.ok and not self.dry_run

    def total(self) -> RoleCounts:
        return RoleCounts(
            created=sum(c.created for c in self.counts.values()),
            updated=sum(c.updated for c in self.counts.values()),
            unchanged=sum(c.unchanged for c in self.counts.values()),
        )


@dataclass(slots=True)
class _Plan:
    creates: list[RosterRow] = field(default_factory=list)
    updates: list[RosterRow] = field(default_factory=list)
    # Ids whose stored phone changes: cleared first, so phones can move between people
    # (even swap) without tripping the unique constraint halfway.
    phone_moves: list[str] = field(default_factory=list)


async def import_roster(
    db: Database,
    path: Path,
    *,
    now: datetime,
    timezone: str,
    dry_run: bool = False,
    actor: str = "cli",
    on_progress: ImportProgress | None = None,
) -> ImportResult:
    """Check the roster at `path` and, unless it has problems or this is a dry run, import it.

    Raises RosterFileError when the file cannot be read as a roster at all.
    """
    read_progress = partial(on_progress, "read") if on_progress is not None else None
    checked = check_rows(read_roster(path, on_progress=read_progress))
    result = ImportResult(file_name=path.name, dry_run=dry_run, rows=checked.total_rows)

    async with db.transaction() as session:
        await settle_cohort_names(session, checked)
        view, plan = await _load_existing(session, checked, result)
        check_against_database(checked, view)
        if checked.problems:
            result.problems = checked.sorted_problems()
            return result

        for row in plan.creates:
            result.counts[row.role].created += 1
        for row in plan.updates:
            result.counts[row.role].updated += 1

        cohort_names = {row.cohort for row in checked.rows if row.cohort is not None}
        if dry_run:
            known = await session.scalars(select(Cohort.name).where(Cohort.name.in_(cohort_names)))
            result.cohorts_created = sorted(cohort_names - set(known))
            return result

        cohort_ids, result.cohorts_created = await ensure_cohorts(
            session, cohort_names, timezone=timezone, now=now
        )
        await _write(session, plan, cohort_ids, now, on_progress)
        total = result.total()
        audit(
            session,
            at=now,
            actor=actor,
            action="roster.import",
            details={
                "file": path.name,
                "rows": result.rows,
                "created": total.created,
                "updated": total.updated,
                "unchanged": total.unchanged,
                "cohorts_created": result.cohorts_created,
            },
        )
    return result


async def _load_existing(
    session: AsyncSession, checked: CheckedFile, result: ImportResult
) -> tuple[DatabaseView, _Plan]:
    """Read the people table once: build the rules' view and sort file rows into a plan."""
    by_id = {row.id: row for row in checked.rows}
    in_file = checked.ids
    view = DatabaseView()
    plan = _Plan()
    query = select(
        Person.id,
        Person.role,
        Person.name,
        Person.phone,
        Cohort.name,
        Person.village,
        Person.district,
        Person.regency,
        Person.supervisor_id,
        Person.language,
        Person.attributes,
        Person.baseline_revenue_idr,
    ).outerjoin(Cohort, Person.cohort_id == Cohort.id)
    stream = await session.stream(query.execution_options(yield_per=_BATCH))
    async for partition in stream.partitions(_BATCH):
        for record in partition:
            person_id, role, phone, supervisor_id = record[0], record[1], record[3], record[8]
            view.roles[person_id] = role
            if person_id not in in_file:
                if phone is not None:
                    view.phone_owners[phone] = person_id
                if supervisor_id is not None:
                    view.dependants.setdefault(supervisor_id, []).append((person_id, role))
                continue
            row = by_id.pop(person_id, None)
            if row is None:
                continue  # a row with problems; it is reported, never written
            if _same(row, record):
                result.counts[row.role].unchanged += 1
            else:
                plan.updates.append(row)
                if phone is not None and phone != row.phone:
                    plan.phone_moves.append(person_id)
    # Whatever is left was not in the database.
    plan.creates = sorted(by_id.values(), key=lambda row: ROLE_ORDER.index(row.role))
    return view, plan


def _same(row: RosterRow, record: Sequence[Any]) -> bool:
    return (
        row.role is record[1]
        and row.name == record[2]
        and row.phone == record[3]
        and row.cohort == record[4]
        and row.village == record[5]
        and row.district == record[6]
        and row.regency == record[7]
        and row.supervisor_id == record[8]
        and row.language == record[9]
        and row.attributes_dict() == (record[10] or {})
        and row.baseline_revenue_idr == record[11]
    )


def _values(row: RosterRow, cohort_ids: dict[str, int]) -> dict[str, Any]:
    return {
        "role": row.role,
        "name": row.name,
        "phone": row.phone,
        "cohort_id": cohort_ids[row.cohort] if row.cohort is not None else None,
        "village": row.village,
        "district": row.district,
        "regency": row.regency,
        "supervisor_id": row.supervisor_id,
        "language": row.language,
        "attributes": row.attributes_dict(),
        "baseline_revenue_idr": row.baseline_revenue_idr,
    }


async def _write(
    session: AsyncSession,
    plan: _Plan,
    cohort_ids: dict[str, int],
    now: datetime,
    on_progress: ImportProgress | None,
) -> None:
    connection = await session.connection()
    total = len(plan.creates) + len(plan.updates)
    done = 0

    clear_phone = update(_PEOPLE).where(_PEOPLE.c.id == bindparam("b_id")).values(phone=None)
    for start in range(0, len(plan.phone_moves), _BATCH):
        ids = plan.phone_moves[start : start + _BATCH]
        await connection.execute(clear_phone, [{"b_id": person_id} for person_id in ids])

    # Creates are in role order, so every supervisor is inserted before their people.
    add = insert(_PEOPLE)
    for start in range(0, len(plan.creates), _BATCH):
        batch = plan.creates[start : start + _BATCH]
        await connection.execute(
            add,
            [
                {
                    "id": row.id,
                    **_values(row, cohort_ids),
                    "status": ParticipantStatus.ACTIVE,
                    "created_at": now,
                    "updated_at": now,
                }
                for row in batch
            ],
        )
        done += len(batch)
        if on_progress is not None:
            on_progress("write", done, total)

    change = (
        update(_PEOPLE)
        .where(_PEOPLE.c.id == bindparam("b_id"))
        .values(
            {
                column: bindparam(f"v_{column}", type_=_PEOPLE.c[column].type)
                for column in (*_ROSTER_COLUMNS, "updated_at")
            }
        )
    )
    for start in range(0, len(plan.updates), _BATCH):
        batch = plan.updates[start : start + _BATCH]
        await connection.execute(
            change,
            [
                {
                    "b_id": row.id,
                    "v_updated_at": now,
                    **{f"v_{k}": v for k, v in _values(row, cohort_ids).items()},
                }
                for row in batch
            ],
        )
        done += len(batch)
        if on_progress is not None:
            on_progress("write", done, total)
