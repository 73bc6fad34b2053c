"""Inbox (updates received), outbox (messages to send) and broadcasts."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    BigInteger,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    SmallInteger,
    String,
    Text,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from bot.db.models.base import PERSON_REFERENCE, Base, BigIntPK, str_enum


class OutboxStatus(StrEnum):
    PENDING = "pending"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"


class Priority:
    """Lower drains first: a person waiting on a reply beats a bulk round or broadcast."""

    REPLY = 0
    CHECKIN = 1
    BROADCAST = 2


class InboxUpdate(Base):
    """An update as Telegram sent it, stored before it is acknowledged.

    `chat_id` lets several workers keep one chat's updates in order (only the oldest
    unprocessed update of a chat is claimed); `claimed_by`/`claimed_at` say which worker
    holds it while it is handled, and after that who handled it.
    """

    __tablename__ = "inbox_updates"
    __table_args__ = (
        Index(
            "ix_inbox_updates_unprocessed",
            "update_id",
            sqlite_where=text("processed_at IS NULL"),
            postgresql_where=text("processed_at IS NULL"),
        ),
        Index(
            "ix_inbox_updates_chat_unprocessed",
            "chat_id",
            "update_id",
            sqlite_where=text("processed_at IS NULL"),
            postgresql_where=text("processed_at IS NULL"),
        ),
    )

    update_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    # None for updates that belong to no chat; those need no ordering.
    chat_id: Mapped[int | None] = mapped_column(BigInteger)
    payload: Mapped[dict[str, Any]]
    received_at: Mapped[datetime]
    processed_at: Mapped[datetime | None]
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    error: Mapped[str | None] = mapped_column(Text)
    claimed_by: Mapped[str | None] = mapped_column(String(64))
    claimed_at: Mapped[datetime | None]
    # The body as received when `payload` had to be cleaned to be stored (NUL, lone
    # surrogates: bot/messaging/admission.py), so nothing of it is lost.
    raw: Mapped[bytes | None] = mapped_column(LargeBinary)


class QuarantinedUpdate(Base):
    """An update set aside (a dead letter): it could not be stored or handled.

    It is acknowledged to Telegram all the same, so it holds back nobody; `kabar status`
    shows these. `update_id` is None when the update had none that fits a BIGINT.
    """

    __tablename__ = "quarantined_updates"

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    update_id: Mapped[int | None] = mapped_column(BigInteger, unique=True)
    chat_id: Mapped[int | None] = mapped_column(BigInteger, index=True)
    # Short and free of personal data: what kind of problem, not what the person wrote.
    reason: Mapped[str] = mapped_column(String(200))
    raw: Mapped[bytes | None] = mapped_column(LargeBinary)  # at most MAX_RAW_BYTES of it
    quarantined_at: Mapped[datetime] = mapped_column(index=True)
    # When the sender was told their message could not be read (None: not told).
    notified_at: Mapped[datetime | None]


class OutboxMessage(Base):
    """A message to send, written in the transaction that decided it.

    `kind` and `payload` are Kabar's own form (bot/messaging/messages.py), not the Bot API's.
    """

    __tablename__ = "outbox_messages"
    __table_args__ = (
        Index(
            "ix_outbox_messages_due",
            "priority",
            "not_before",
            "id",
            sqlite_where=text("status = 'pending'"),
            postgresql_where=text("status = 'pending'"),
        ),
        # A broadcast's progress, counted every two seconds from the index alone
        # (bot/domain/broadcasts/tally.py). Only broadcasts' rows: a round's are not
        # written into it (every query names a broadcast).
        Index(
            "ix_outbox_messages_broadcast_progress",
            "broadcast_id",
            "status",
            "sent_at",
            "not_before",
            sqlite_where=text("broadcast_id IS NOT NULL"),
            postgresql_where=text("broadcast_id IS NOT NULL"),
        ),
        # A chat's rows newest first from the index alone: a button press looks for its
        # question among them (bot/dialogue/screen.py); the sender finds a chat's waiting
        # rows by its first column.
        Index("ix_outbox_messages_chat_id", "chat_id", "id"),
    )

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    chat_id: Mapped[int] = mapped_column(BigInteger)
    # A person's and a round's id without a foreign key: its check, a query per row, was
    # most of PostgreSQL's time to open a round (docs/PERFORMANCE.md, #14). The rows are
    # written in the transaction that read the people and made the round; erasure, the
    # one place a person is deleted, moves or deletes theirs (`PERSON_REFERENCE`).
    person_id: Mapped[str | None] = mapped_column(String(64), info=PERSON_REFERENCE)
    kind: Mapped[str] = mapped_column(String(32))
    payload: Mapped[dict[str, Any]]
    priority: Mapped[int] = mapped_column(SmallInteger, default=Priority.REPLY)
    status: Mapped[OutboxStatus] = mapped_column(
        str_enum(OutboxStatus, "outbox_status"), default=OutboxStatus.PENDING
    )
    not_before: Mapped[datetime]
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime]
    claimed_at: Mapped[datetime | None]
    claimed_by: Mapped[str | None] = mapped_column(String(64))
    sent_at: Mapped[datetime | None]
    telegram_message_id: Mapped[int | None] = mapped_column(BigInteger)
    error: Mapped[str | None] = mapped_column(Text)
    # Lets a producer write the same logical message twice without it being sent twice.
    dedup_key: Mapped[str | None] = mapped_column(String(128), unique=True)
    broadcast_id: Mapped[int | None] = mapped_column(ForeignKey("broadcasts.id"))
    round_id: Mapped[int | None] = mapped_column(Integer)
    # The bot that sends it: the chat's (None: the default bot); each bot has its own sender.
    bot_id: Mapped[int | None] = mapped_column(ForeignKey("bots.id"))


class BroadcastStatus(StrEnum):
    DRAFT = "draft"  # being written in /siaran; not sent
    SCHEDULED = "scheduled"  # waits for send_at (a repeating one stays here)
    SENDING = "sending"  # its outbox rows are written; some may still wait
    DONE = "done"
    CANCELLED = "cancelled"


class Broadcast(Base):
    """An announcement from staff to an audience; its messages are outbox rows.

    A repeating broadcast (`repeat` is a schedule) stays scheduled and, at each `send_at`,
    an occurrence (a row with `parent_id`) is sent; reports are per occurrence.
    """

    __tablename__ = "broadcasts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    created_by_id: Mapped[str | None] = mapped_column(ForeignKey("people.id"))
    # Who, for the audit log and reports: a person id, or the CLI's operating-system user.
    actor: Mapped[str] = mapped_column(String(80), default="")
    status: Mapped[BroadcastStatus] = mapped_column(
        str_enum(BroadcastStatus, "broadcast_status"), default=BroadcastStatus.DRAFT
    )
    # What the /siaran dialog in Telegram waits for next, while a draft.
    step: Mapped[str | None] = mapped_column(String(32))
    text: Mapped[str] = mapped_column(Text)  # in `language`, for everyone without their own
    language: Mapped[str] = mapped_column(String(16), default="id")
    texts: Mapped[dict[str, Any]] = mapped_column(default=dict)  # other languages: code -> text
    photo_file_id: Mapped[str | None] = mapped_column(String(200))
    # "text", or "results": each village is sent its own figures.
    kind: Mapped[str] = mapped_column(String(16), default="text")
    # For "results": each village's sentence per language, fixed when it starts.
    village_texts: Mapped[dict[str, Any]] = mapped_column(default=dict)
    audience: Mapped[str] = mapped_column(String(500), default="")
    timezone: Mapped[str] = mapped_column(String(64), default="Asia/Jakarta")
    send_at: Mapped[datetime]
    repeat: Mapped[str | None] = mapped_column(String(64))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("broadcasts.id"), index=True)
    created_at: Mapped[datetime]
    queued_at: Mapped[datetime | None]  # every message written (they are written in chunks)
    written_to: Mapped[str | None] = mapped_column(String(64))  # the last person written
    recipients: Mapped[int | None] = mapped_column(Integer)
    skipped: Mapped[int | None] = mapped_column(Integer)
    finished_at: Mapped[datetime | None]
    cancelled_at: Mapped[datetime | None]
    # The sender's preview message, edited with the progress while the broadcast goes out.
    progress_chat_id: Mapped[int | None] = mapped_column(BigInteger)
    progress_message_id: Mapped[int | None] = mapped_column(BigInteger)
    progress_text: Mapped[str | None] = mapped_column(Text)  # the last shown, not sent twice


class BroadcastSkip(Base):
    """A person in a broadcast's audience who was not sent it, and why (paused, unreachable)."""

    __tablename__ = "broadcast_skips"

    broadcast_id: Mapped[int] = mapped_column(ForeignKey("broadcasts.id"), primary_key=True)
    person_id: Mapped[str] = mapped_column(ForeignKey("people.id"), primary_key=True)
    reason: Mapped[str] = mapped_column(String(24))


class BroadcastReply(Base):
    """A family's message answering a broadcast, kept as it came and passed to their
    facilitator (`forwarded_to_id`, None when they have no reachable one)."""

    __tablename__ = "broadcast_replies"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    broadcast_id: Mapped[int] = mapped_column(ForeignKey("broadcasts.id"), index=True)
    person_id: Mapped[str] = mapped_column(ForeignKey("people.id"), index=True)
    text: Mapped[str | None] = mapped_column(Text)
    media_kind: Mapped[str | None] = mapped_column(String(16))
    file_id: Mapped[str | None] = mapped_column(String(200))
    received_at: Mapped[datetime]
    forwarded_to_id: Mapped[str | None] = mapped_column(ForeignKey("people.id"))
