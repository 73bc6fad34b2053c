"""Rounds, conversations, follow-up records and their attachments."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    BigInteger,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from bot.db.models.base import PERSON_REFERENCE, Base, str_enum


class ConversationStatus(StrEnum):
    OPEN = "open"
    COMPLETED = "completed"
    CANCELLED = "cancelled"
    CLOSED = "closed"  # the round closed before the family finished


class RecordStatus(StrEnum):
    ANSWERED = "answered"
    PARTIAL = "partial"
    MISSED = "missed"


class Round(Base):
    """One check-in period of a cohort; opening it is idempotent per scheduled slot."""

    __tablename__ = "rounds"
    __table_args__ = (UniqueConstraint("cohort_id", "scheduled_for"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohorts.id"), index=True)
    kind: Mapped[str] = mapped_column(String(16))  # scheduled | manual
    scheduled_for: Mapped[datetime]
    opened_at: Mapped[datetime]
    closes_at: Mapped[datetime]
    closed_at: Mapped[datetime | None]


class Conversation(Base):
    """Where a person is in a flow; the state is versioned JSON so a restart resumes it."""

    # Table and column names are the first schema's; in the code it is a conversation.
    __tablename__ = "conversation_sessions"
    __table_args__ = (
        UniqueConstraint("round_id", "person_id"),
        Index("ix_conversation_sessions_person_status", "person_id", "status"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # A person's and a round's id without a foreign key (0018): the checks, a query per row
    # and key, were most of PostgreSQL's time to open a round (docs/PERFORMANCE.md, #14).
    # Integrity holds by construction: a round's conversations are written in the
    # transaction that read their people and made the round, nothing deletes a round, and
    # erasure, the one place a person is deleted, moves theirs (`PERSON_REFERENCE`).
    person_id: Mapped[str] = mapped_column(String(64), info=PERSON_REFERENCE)
    round_id: Mapped[int | None] = mapped_column(Integer)
    flow: Mapped[str] = mapped_column(String(32))
    flow_version: Mapped[int] = mapped_column(Integer)
    step: Mapped[str | None] = mapped_column(String(64))
    state: Mapped[dict[str, Any]] = mapped_column(default=dict)
    # Bumped on every change: a stale writer (or a stale button) is detected, not applied.
    revision: Mapped[int] = mapped_column(Integer, default=0)
    status: Mapped[ConversationStatus] = mapped_column(
        str_enum(ConversationStatus, "session_status"), default=ConversationStatus.OPEN
    )
    started_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    reminded_at: Mapped[datetime | None]
    finished_at: Mapped[datetime | None]


class FollowUpRecord(Base):
    """What one family reported (or failed to report) for one round."""

    __tablename__ = "follow_up_records"
    __table_args__ = (
        UniqueConstraint("round_id", "person_id"),
        Index("ix_follow_up_records_person_round", "person_id", "round_id"),
        # The programme figures (bot/domain/reports/figures.py) read these, not the table:
        # every column their sums need, in round order (and the family, for the change
        # against each family's start, reports/baseline.py); and the producing families'
        # revenue in order per round, for the median.
        Index(
            "ix_follow_up_records_figures",
            "round_id",
            "unit",
            "status",
            "produced",
            "quantity_produced",
            "quantity_sold",
            "revenue_idr",
            "person_id",
        ),
        Index(
            "ix_follow_up_records_revenue",
            "round_id",
            "revenue_idr",
            "person_id",
            sqlite_where=text("produced = 1"),
            postgresql_where=text("produced = true"),
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("rounds.id"))
    person_id: Mapped[str] = mapped_column(ForeignKey("people.id"))
    # Stored as session_id, the column name of the first schema.
    conversation_id: Mapped[int | None] = mapped_column(
        "session_id", ForeignKey("conversation_sessions.id"), key="conversation_id"
    )
    status: Mapped[RecordStatus] = mapped_column(str_enum(RecordStatus, "record_status"))
    produced: Mapped[bool | None]
    quantity_produced: Mapped[Decimal | None] = mapped_column(Numeric(14, 3))
    unit: Mapped[str | None] = mapped_column(String(16))
    quantity_sold: Mapped[Decimal | None] = mapped_column(Numeric(14, 3))
    revenue_idr: Mapped[int | None] = mapped_column(BigInteger)
    problems: Mapped[list[str]] = mapped_column(default=list)
    problem_note: Mapped[str | None] = mapped_column(Text)
    needs_help: Mapped[bool] = mapped_column(default=False)
    # The family's answer to "offer my stock to buying partners?"; None: not asked (no stock).
    offer_stock: Mapped[bool | None]
    late: Mapped[bool] = mapped_column(default=False)
    answered_at: Mapped[datetime | None]
    created_at: Mapped[datetime]
    # Indexed: the alert rules' clock asks for the latest answer every few seconds.
    updated_at: Mapped[datetime] = mapped_column(index=True)


class FamilyStock(Base):
    """A family's stock of one unit as of its latest finished check-in: kept by
    bot/domain/stock/holdings.py (`refresh_stocks`), so the pickup list reads one row per
    family instead of every family's whole history."""

    __tablename__ = "family_stocks"

    person_id: Mapped[str] = mapped_column(ForeignKey("people.id"), primary_key=True)
    unit: Mapped[str] = mapped_column(String(16), primary_key=True)
    quantity: Mapped[Decimal] = mapped_column(Numeric(14, 3))
    # The round in which the stock began (after the last round that left none).
    since_round_id: Mapped[int | None] = mapped_column(ForeignKey("rounds.id"))
    # The family's latest answer to "offer my stock to buying partners?" is yes.
    offered: Mapped[bool]
    updated_at: Mapped[datetime]


class Attachment(Base):
    """A photo, voice note or document a person sent; Telegram keeps the bytes."""

    __tablename__ = "attachments"
    # The download job looks for files due a (new) try.
    __table_args__ = (Index("ix_attachments_download", "download_status", "download_after"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    person_id: Mapped[str] = mapped_column(ForeignKey("people.id"), index=True)
    record_id: Mapped[int | None] = mapped_column(ForeignKey("follow_up_records.id"), index=True)
    # Stored as session_id, the column name of the first schema.
    conversation_id: Mapped[int | None] = mapped_column(
        "session_id", ForeignKey("conversation_sessions.id"), key="conversation_id"
    )
    # Indexed: a card looks up the voice note left on its alert.
    alert_id: Mapped[int | None] = mapped_column(ForeignKey("alerts.id"), index=True)
    kind: Mapped[str] = mapped_column(String(16))  # photo | voice | document | video_note
    purpose: Mapped[str] = mapped_column(String(32))  # product_photo | problem_note | alert_note
    telegram_file_id: Mapped[str] = mapped_column(String(255))
    telegram_file_unique_id: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime]
    size_bytes: Mapped[int | None] = mapped_column(BigInteger)
    caption: Mapped[str | None] = mapped_column(Text)  # what was written under a photo
    # A copy for staff (bot/domain/media/downloads.py): pending until saved, skipped (too
    # big) or failed (given up after its tries); `local_path` is relative to the media folder.
    download_status: Mapped[str] = mapped_column(
        String(16), default="pending", server_default="pending"
    )
    local_path: Mapped[str | None] = mapped_column(String(255))
    download_attempts: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    download_after: Mapped[datetime | None]  # the next try; none yet: due now
