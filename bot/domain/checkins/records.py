"""Writes check-in answers into the round's follow-up record as they arrive."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import FollowUpRecord, RecordStatus
from bot.db.shape import write_columns

# Answer key -> how it lands in the record; answers not listed (e.g. photo) are attachments.
_CONVERTERS: dict[str, tuple[str, Any]] = {
    "produced": ("produced", lambda v: None if v is None else v == "yes"),
    "quantity_produced": ("quantity_produced", lambda v: None if v is None else Decimal(v)),
    "quantity_sold": ("quantity_sold", lambda v: None if v is None else Decimal(v)),
    "revenue_idr": ("revenue_idr", lambda v: None if v is None else int(v)),
    "problems": ("problems", lambda v: list(v or [])),
    "problem_note": ("problem_note", lambda v: v),
    "needs_help": ("needs_help", lambda v: v == "yes"),
    "offer_stock": ("offer_stock", lambda v: None if v is None else v == "yes"),
}


async def record_for(
    session: AsyncSession,
    *,
    round_id: int,
    person_id: str,
    conversation_id: int | None,
    unit: str,
    now: datetime,
    known_absent: bool = False,
) -> FollowUpRecord:
    """The person's record of the round, new at their first answer (`known_absent`: the
    caller has just seen there is none). A new record's id comes with the next flush, not
    forced here: a flush in the middle of a group of updates splits their UPDATEs."""
    record = None
    if not known_absent:
        record = (
            await session.execute(
                select(FollowUpRecord).where(
                    FollowUpRecord.round_id == round_id, FollowUpRecord.person_id == person_id
                )
            )
        ).scalar_one_or_none()
    if record is None:
        record = FollowUpRecord(
            round_id=round_id,
            person_id=person_id,
            conversation_id=conversation_id,
            status=RecordStatus.PARTIAL,
            unit=unit,
            problems=[],
            needs_help=False,
            late=False,
            created_at=now,
            updated_at=now,
        )
        session.add(record)
    return record


def apply_answers(record: FollowUpRecord, changed: Mapping[str, Any], now: datetime) -> None:
    if record.status is RecordStatus.MISSED:
        # Answering after the round closed: the answers count, and are flagged late.
        record.status = RecordStatus.PARTIAL
        record.late = True
    for key, value in changed.items():
        target = _CONVERTERS.get(key)
        if target is None:
            continue
        column, convert = target
        setattr(record, column, convert(value))
    touch(record, now)


# Every change to a record writes these columns, whatever changed (see bot/db/shape.py).
_WRITTEN = (
    "status",
    "produced",
    "quantity_produced",
    "quantity_sold",
    "revenue_idr",
    "problems",
    "problem_note",
    "needs_help",
    "late",
    "answered_at",
    "updated_at",
)


def touch(record: FollowUpRecord, now: datetime) -> None:
    """Mark the record changed at `now`, in the one shape of UPDATE all its changes take."""
    record.updated_at = now
    write_columns(record, _WRITTEN)


def clear_answers(record: FollowUpRecord, now: datetime) -> None:
    apply_answers(record, {key: None for key in _CONVERTERS}, now)
    record.status = RecordStatus.PARTIAL
    record.answered_at = None
