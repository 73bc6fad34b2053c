"""The follow-up records as typed rows, streamed from the database in export order.

Domain code: takes a session, yields data, never prints. Problems are raised as RecordsError
carrying an English msgid, translated by the caller in the reader's language.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any, NamedTuple
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, Select, and_, case, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import Attachment, Cohort, FollowUpRecord, Person, RecordStatus, Round
from bot.domain import cohort_names
from bot.domain.cohort_error import CohortError
from bot.domain.cohort_names import Named
from bot.lib.i18n import N_, Names, Translator

MSG_UNKNOWN_COHORT = N_('There is no cohort "{name}". Known cohorts: {known}.')
MSG_NO_COHORTS = N_('There is no cohort "{name}": no cohorts exist yet.')


class RecordsError(Exception):
    """An export that cannot be done; `translate(t)` gives the operator's text."""

    def __init__(self, msgid: str, **params: Any) -> None:
        self.msgid = msgid
        self.params = params
        super().__init__(msgid.format(**params))

    def translate(self, t: Translator) -> str:
        params = {
            key: t.format_number(value) if isinstance(value, int) else value
            for key, value in self.params.items()
        }
        return t.fill(self.msgid, params)


@dataclass(frozen=True, slots=True)
class ExportFilter:
    """Which records: one cohort (or all), rounds opened from `since` to `until` inclusive.

    The dates are calendar days in each cohort's own time zone.
    """

    cohort: str | None = None
    since: date | None = None
    until: date | None = None


class RecordRow(NamedTuple):
    """One follow-up record, typed, its fields in HEADER order.

    Timestamps are aware, in the cohort's time zone. `None` means unknown or not
    applicable (a missed round has no answers). A tuple rather than a dataclass: a big
    export builds one per record, and a tuple is the cheapest to build.
    """

    record_id: int
    participant_id: str
    participant_name: str
    cohort: str
    village: str | None
    district: str | None
    facilitator_id: str | None
    round_id: int
    round_opened_at: datetime
    answered_at: datetime | None
    status: RecordStatus
    produced: bool | None
    quantity_produced: Decimal | None
    unit: str | None
    quantity_sold: Decimal | None
    revenue_idr: int | None
    problems: tuple[str, ...]
    problem_note: str | None
    needs_help: bool | None
    attachments: tuple[tuple[str, str], ...]  # (kind, telegram_file_id)
    late: bool | None
    media_files: tuple[str, ...] = ()  # the attachments' copies, relative to the media folder
    offer_stock: bool | None = None  # None: not asked (no stock left, or flow version 1)


@dataclass(frozen=True, slots=True)
class _CohortZone:
    id: int
    name: str
    zone: ZoneInfo


def choose_cohort(cohorts: Iterable[Named], name: str | None) -> list[Named]:
    """The cohorts sorted by name, or the one called `name`; RecordsError for an unknown
    name, listing the known ones."""
    ordered = sorted(cohorts, key=lambda cohort: cohort.name)
    if name is None:
        return ordered
    try:
        found = cohort_names.pick(ordered, name)  # "Tenun-2026" finds "tenun-2026"
    except CohortError as error:
        raise RecordsError(error.msgid, **error.params) from None
    chosen = [found] if found is not None else []
    if not chosen:
        if not ordered:
            raise RecordsError(MSG_NO_COHORTS, name=name)
        known = Names(cohort.name for cohort in ordered)
        raise RecordsError(MSG_UNKNOWN_COHORT, name=name, known=known)
    return chosen


async def _cohorts(session: AsyncSession, name: str | None) -> list[_CohortZone]:
    """The cohorts to export, sorted by name; an unknown name lists the known ones."""
    rows = (await session.execute(select(Cohort.id, Cohort.name, Cohort.timezone))).all()
    return choose_cohort(
        (_CohortZone(id=row.id, name=row.name, zone=ZoneInfo(row.timezone)) for row in rows),
        name,
    )


def _local_midnight(day: date, zone: ZoneInfo) -> datetime:
    return datetime.combine(day, time(0), tzinfo=zone)


def _round_filter(cohorts: Sequence[_CohortZone], filters: ExportFilter) -> ColumnElement[bool]:
    """Rounds of the chosen cohorts opened within the dates, each in its cohort's zone."""
    terms: list[ColumnElement[bool]] = []
    for cohort in cohorts:
        conditions: list[ColumnElement[bool]] = [Round.cohort_id == cohort.id]
        if filters.since is not None:
            conditions.append(Round.opened_at >= _local_midnight(filters.since, cohort.zone))
        if filters.until is not None:
            end = _local_midnight(filters.until + timedelta(days=1), cohort.zone)
            conditions.append(Round.opened_at < end)
        terms.append(and_(*conditions))
    return or_(*terms)


async def count_records(session: AsyncSession, filters: ExportFilter) -> int:
    """How many records `iter_records` would yield (raises RecordsError like it)."""
    cohorts = await _cohorts(session, filters.cohort)
    if not cohorts:
        return 0
    statement = (
        select(func.count())
        .select_from(FollowUpRecord)
        .join(Round, Round.id == FollowUpRecord.round_id)
        .where(_round_filter(cohorts, filters))
    )
    return int((await session.execute(statement)).scalar_one())


def _columns_query(
    cohorts: Sequence[_CohortZone], filters: ExportFilter
) -> Select[*tuple[Any, ...]]:
    # Plain columns rather than ORM objects: nothing to track in the identity map, so memory
    # stays flat however many records stream past.
    position = {cohort.id: index for index, cohort in enumerate(cohorts)}
    return (
        select(
            FollowUpRecord.id,
            FollowUpRecord.person_id,
            FollowUpRecord.status,
            FollowUpRecord.produced,
            FollowUpRecord.quantity_produced,
            FollowUpRecord.unit,
            FollowUpRecord.quantity_sold,
            FollowUpRecord.revenue_idr,
            FollowUpRecord.problems,
            FollowUpRecord.problem_note,
            FollowUpRecord.needs_help,
            FollowUpRecord.late,
            FollowUpRecord.offer_stock,
            FollowUpRecord.answered_at,
            Round.id.label("round_id"),
            Round.cohort_id,
            Round.opened_at,
            Person.name,
            Person.village,
            Person.district,
            Person.supervisor_id,
            Attachment.kind.label("attachment_kind"),
            Attachment.telegram_file_id,
            Attachment.local_path,
        )
        .join(Round, Round.id == FollowUpRecord.round_id)
        .join(Person, Person.id == FollowUpRecord.person_id)
        # One row per attachment; the ordering keeps a record's rows together.
        .outerjoin(Attachment, Attachment.record_id == FollowUpRecord.id)
        .where(_round_filter(cohorts, filters))
        .order_by(
            # Cohort order by name, decided here rather than by each database's collation.
            case(position, value=Round.cohort_id),
            Round.opened_at,
            Round.id,
            FollowUpRecord.person_id,
            FollowUpRecord.id,
            Attachment.id,
        )
    )


def _build(
    row: Any,
    cohort: _CohortZone,
    attachments: tuple[tuple[str, str], ...],
    media_files: tuple[str, ...],
) -> RecordRow:
    # Positional unpacking: the order of the columns in _columns_query.
    (
        record_id, person_id, status_value, produced, quantity_produced, unit, quantity_sold,
        revenue_idr, problems, problem_note, needs_help, late, offer_stock, answered_at,
        round_id, _cohort_id, opened_at, name, village, district, supervisor_id, _kind,
        _file_id, _local_path,
    ) = row  # fmt: skip
    status = RecordStatus(status_value)
    # A missed round asked nothing, so "needs help" and "late" are unknown, not false.
    answered = status is not RecordStatus.MISSED
    zone = cohort.zone
    return RecordRow(
        record_id,
        person_id,
        name,
        cohort.name,
        village,
        district,
        supervisor_id,
        round_id,
        opened_at.astimezone(zone),
        answered_at.astimezone(zone) if answered_at is not None else None,
        status,
        produced,
        quantity_produced,
        unit,
        quantity_sold,
        revenue_idr,
        tuple(problems or ()),
        problem_note,
        needs_help if answered else None,
        attachments,
        late if answered else None,
        media_files,
        offer_stock,
    )


async def iter_records(
    session: AsyncSession, filters: ExportFilter, *, chunk_size: int = 1000
) -> AsyncIterator[RecordRow]:
    """Yield the records ordered by cohort, round opening time and participant id.

    One streamed query (a server-side cursor read `chunk_size` rows at a time), so the
    export is one consistent snapshot and a million records never sit in memory at once.
    """
    cohorts = await _cohorts(session, filters.cohort)
    if not cohorts:
        return
    by_id = {cohort.id: cohort for cohort in cohorts}
    statement = _columns_query(cohorts, filters).execution_options(yield_per=chunk_size)
    result = await session.stream(statement)
    pending: Any = None
    attachments: list[tuple[str, str]] = []
    media_files: list[str] = []
    # Whole partitions, then plain loops: one await per chunk rather than one per row.
    async for partition in result.partitions():
        for row in partition:
            if pending is not None and row[0] != pending[0]:
                cohort = by_id[pending.cohort_id]
                yield _build(pending, cohort, tuple(attachments), tuple(media_files))
                attachments, media_files = [], []
            pending = row
            if row.attachment_kind is not None:
                attachments.append((row.attachment_kind, row.telegram_file_id))
            if row.local_path is not None:
                media_files.append(row.local_path)
    if pending is not None:
        cohort = by_id[pending.cohort_id]
        yield _build(pending, cohort, tuple(attachments), tuple(media_files))
