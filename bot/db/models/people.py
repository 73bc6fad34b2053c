"""People, cohorts, Telegram accounts and invitations."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any

from sqlalchemy import BigInteger, ForeignKey, Index, Integer, Numeric, String
from sqlalchemy.orm import Mapped, mapped_column

from bot.db.models.base import Base, BigIntPK, str_enum


class Role(StrEnum):
    PARTICIPANT = "participant"
    FACILITATOR = "facilitator"
    COORDINATOR = "coordinator"
    STAFF = "staff"
    PARTNER = "partner"  # a buying partner (mitra): sees stock per village, no family's data


class ParticipantStatus(StrEnum):
    ACTIVE = "active"
    QUIET = "quiet"
    NOT_PRODUCING = "not-producing"
    UNREACHABLE = "unreachable"
    PAUSED = "paused"


class Cohort(Base):
    __tablename__ = "cohorts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(64), unique=True)
    schedule: Mapped[str] = mapped_column(String(64))
    timezone: Mapped[str] = mapped_column(String(64))
    unit: Mapped[str] = mapped_column(String(16), default="kg")
    quiet_hours_start: Mapped[str] = mapped_column(String(5), default="21:00")
    quiet_hours_end: Mapped[str] = mapped_column(String(5), default="06:00")
    reminder_after_hours: Mapped[int] = mapped_column(Integer, default=24)
    close_after_days: Mapped[int] = mapped_column(Integer, default=6)
    # Ceilings above which a typed answer is treated as a typo and asked again.
    max_quantity: Mapped[Decimal] = mapped_column(Numeric(14, 3), default=Decimal(10_000))
    max_revenue_idr: Mapped[int] = mapped_column(BigInteger, default=1_000_000_000)
    missed_rounds_threshold: Mapped[int] = mapped_column(Integer, default=2)
    no_production_threshold: Mapped[int] = mapped_column(Integer, default=3)
    escalate_after_days: Mapped[int] = mapped_column(Integer, default=3)
    # Early warning (bot/domain/alerts/early_warning.py): how many of the cohort's latest
    # rounds it reads, and each signal's threshold; 0 turns a signal off.
    warn_window_rounds: Mapped[int] = mapped_column(Integer, default=8, server_default="8")
    warn_falling_answers: Mapped[int] = mapped_column(Integer, default=3, server_default="3")
    warn_drop_percent: Mapped[int] = mapped_column(Integer, default=50, server_default="50")
    warn_low_answers: Mapped[int] = mapped_column(Integer, default=2, server_default="2")
    warn_low_percent: Mapped[int] = mapped_column(Integer, default=50, server_default="50")
    warn_later_answers: Mapped[int] = mapped_column(Integer, default=3, server_default="3")
    warn_same_problem_answers: Mapped[int] = mapped_column(Integer, default=3, server_default="3")
    warn_steady_answers: Mapped[int] = mapped_column(Integer, default=3, server_default="3")
    # The same falling and low signals on what the family earned from sales; sales vary
    # more than production, so a fall needs a longer run and a deeper drop.
    warn_sales_falling_answers: Mapped[int] = mapped_column(Integer, default=4, server_default="4")
    warn_sales_drop_percent: Mapped[int] = mapped_column(Integer, default=60, server_default="60")
    warn_sales_low_answers: Mapped[int] = mapped_column(Integer, default=2, server_default="2")
    warn_sales_low_percent: Mapped[int] = mapped_column(Integer, default=50, server_default="50")
    # The graduation bar (bot/domain/reports/graduation.py): revenue of at least this much
    # in at least `graduation_rounds` of the last `graduation_window` closed rounds.
    graduation_min_revenue_idr: Mapped[int] = mapped_column(BigInteger, default=500_000)
    graduation_rounds: Mapped[int] = mapped_column(Integer, default=5)
    graduation_window: Mapped[int] = mapped_column(Integer, default=6)
    created_at: Mapped[datetime]
    # The bot whose link the cohort's invitations carry (None: the default bot).
    bot_id: Mapped[int | None] = mapped_column(ForeignKey("bots.id"))


class Person(Base):
    """Anyone on the roster; the roster `id` is the primary key and the upsert key."""

    __tablename__ = "people"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    role: Mapped[Role] = mapped_column(str_enum(Role, "role"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    phone: Mapped[str | None] = mapped_column(String(20), unique=True)  # E.164
    cohort_id: Mapped[int | None] = mapped_column(ForeignKey("cohorts.id"), index=True)
    village: Mapped[str | None] = mapped_column(String(100))
    district: Mapped[str | None] = mapped_column(String(100))
    regency: Mapped[str | None] = mapped_column(String(100))
    supervisor_id: Mapped[str | None] = mapped_column(ForeignKey("people.id"), index=True)
    language: Mapped[str | None] = mapped_column(String(16))
    attributes: Mapped[dict[str, Any]] = mapped_column(default=dict)
    # Income from the business per month before training (roster column); the start a
    # family's change is measured against (bot/domain/reports/baseline.py).
    baseline_revenue_idr: Mapped[int | None] = mapped_column(BigInteger)
    status: Mapped[ParticipantStatus] = mapped_column(
        str_enum(ParticipantStatus, "participant_status"), default=ParticipantStatus.ACTIVE
    )
    consent_at: Mapped[datetime | None]
    paused_at: Mapped[datetime | None]
    created_at: Mapped[datetime]
    # Indexed: the alert rules' clock asks for the latest change every few seconds.
    updated_at: Mapped[datetime] = mapped_column(index=True)


class TelegramAccount(Base):
    """The Telegram user linked to a person (one each way)."""

    __tablename__ = "telegram_accounts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    person_id: Mapped[str] = mapped_column(ForeignKey("people.id"), unique=True)
    telegram_user_id: Mapped[int] = mapped_column(BigInteger, unique=True)
    chat_id: Mapped[int] = mapped_column(BigInteger, index=True)
    username: Mapped[str | None] = mapped_column(String(64))
    first_name: Mapped[str | None] = mapped_column(String(200))
    language_code: Mapped[str | None] = mapped_column(String(16))
    linked_at: Mapped[datetime]
    linked_by: Mapped[str] = mapped_column(String(16))  # invitation | contact
    # Set when Telegram says the user blocked the bot or the chat is gone.
    unreachable_at: Mapped[datetime | None]
    unreachable_reason: Mapped[str | None] = mapped_column(String(200))
    # The bot the person registered with, which sends them everything (None: the default).
    bot_id: Mapped[int | None] = mapped_column(ForeignKey("bots.id"))


class Invitation(Base):
    """A single-use code for a deep link (t.me/<bot>?start=<code>)."""

    __tablename__ = "invitations"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    person_id: Mapped[str] = mapped_column(ForeignKey("people.id"), index=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime | None]
    used_at: Mapped[datetime | None]
    used_by_telegram_user_id: Mapped[int | None] = mapped_column(BigInteger)
    revoked_at: Mapped[datetime | None]


class InvitationAttempt(Base):
    """A code someone sent that linked nobody (unknown, used, expired or revoked): counted
    per Telegram user, so that codes cannot be guessed without limit
    (bot/domain/invites/attempts.py)."""

    __tablename__ = "invitation_attempts"
    __table_args__ = (Index("ix_invitation_attempts_user_at", "telegram_user_id", "at"),)

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    telegram_user_id: Mapped[int] = mapped_column(BigInteger)
    at: Mapped[datetime]
