"""The outbox: every outgoing message is a row, written in the transaction that decided it.

A sender drains the rows (see bot/messaging/sender.py); a crash between deciding and sending loses
nothing, because the decision and the row commit together.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal, TypeAlias

from sqlalchemy import and_, func, insert, or_, select, true, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.bulk import BulkWriter
from bot.db.dialect import in_lists, insert_skipping_conflicts, is_postgresql, notify_outbox
from bot.db.models import Bot, OutboxMessage, OutboxStatus, Priority, TelegramAccount
from bot.db.models.base import table_of
from bot.db.person_locks import people_still_here
from bot.messaging.messages import Message, decode

# Whose rows a sender takes: one bot's (None: the default bot's), or every bot's ("all").
BotFilter: TypeAlias = int | Literal["all"] | None


@dataclass(frozen=True, slots=True)
class Job:
    """A claimed outbox row, as the sender needs it."""

    row_id: int
    message: Message
    attempts: int
    broadcast_id: int | None = None  # a broadcast's message is not sent once it is cancelled
    due_at: datetime | None = None  # since when it may go: a reply's wait is counted from it
    bot_id: int | None = None  # the bot that sends it (None: the default bot)

    @property
    def chat_id(self) -> int:
        return self.message.chat_id

    @property
    def priority(self) -> int:
        return self.message.priority


async def enqueue(
    session: AsyncSession,
    messages: Iterable[Message],
    *,
    now: datetime,
    not_before: datetime | None = None,
    round_id: int | None = None,
    broadcast_id: int | None = None,
    claimed_by: str | None = None,
    via: Mapping[int, int | None] | None = None,
    skip_duplicates: bool = False,
) -> list[Job]:
    """Write messages as outbox rows, in one multi-row INSERT, sent in the order given.

    A message whose dedup key some row has already is refused by the database (an error,
    the transaction's end); with `skip_duplicates` it is left out instead. On PostgreSQL a
    second writer of the same key waits for the first one's transaction, then skips: two
    clock ticks at once write one copy.

    `not_before` holds them back (quiet hours); `round_id` says which round they open,
    `broadcast_id` which broadcast they carry.
    With `claimed_by`, replies are written already claimed by that worker's sender, and
    returned for it to send at once: the sender need not find them again (a claim query per
    batch). If the worker dies before sending them, they are released like any claim of a
    dead sender (bot/app/leader.py).
    Each row is sent by its chat's bot: `via` (chat -> bot, None the default), the bot of
    the update being answered, else the bot the chat's person registered with.
    A message for a person erased meanwhile is not written (nor returned).
    """
    messages = await without_erased(session, messages)
    bots = await bots_of(session, {m.chat_id for m in messages}, via or {})
    # Only the columns some row sets: each bound value costs the bulk of a round's rows.
    fixed: dict[str, Any] = {
        "status": OutboxStatus.PENDING,
        "not_before": not_before or now,
        "attempts": 0,
        "created_at": now,
    }
    if round_id is not None:
        fixed["round_id"] = round_id
    if broadcast_id is not None:
        fixed["broadcast_id"] = broadcast_id
    if claimed_by is not None:
        fixed |= {"claimed_at": None, "claimed_by": None}
    claim = {"status": OutboxStatus.SENDING, "attempts": 1, "claimed_at": now}
    dedup = False
    rows: list[dict[str, Any]] = []
    claimed: list[Message] = []
    for message in messages:
        row = {
            "chat_id": message.chat_id,
            "person_id": message.person_id,
            "kind": message.kind,
            "payload": message.to_json(),
            "priority": message.priority,
            **fixed,
        }
        if message.dedup_key is not None:
            row["dedup_key"] = message.dedup_key
            dedup = True
        if bots:  # a column only when some chat has an extra bot, so the default costs nothing
            row["bot_id"] = bots.get(message.chat_id)
        if claimed_by is not None and message.priority == Priority.REPLY:
            row |= claim
            row["claimed_by"] = claimed_by
            claimed.append(message)
        rows.append(row)
    if not rows:
        return []
    if dedup:  # every row of one INSERT names the same columns
        for row in rows:
            row.setdefault("dedup_key", None)
    table = table_of(OutboxMessage)
    if not claimed:
        writing = (
            insert_skipping_conflicts(session, table, ["dedup_key"])
            if dedup and skip_duplicates
            else insert(table)
        )
        await session.execute(writing, rows)
        await notify_outbox(session)  # a reply written by a worker that does not send
        return []
    result = await session.execute(
        insert(table).returning(table.c.id, table.c.chat_id, table.c.status), rows
    )
    if len(claimed) < len(rows):
        await notify_outbox(session)
    # RETURNING rows come in no promised order (ordering them costs SQLite a statement per
    # row), but ids grow in VALUES order, so a chat's k-th id is its k-th claimed message.
    ids: dict[int, list[int]] = {}
    for row_id, chat_id, status in sorted(result.all()):
        if status == OutboxStatus.SENDING:
            ids.setdefault(chat_id, []).append(row_id)
    seen: dict[int, int] = {}
    jobs: list[Job] = []
    for message in claimed:
        index = seen.get(message.chat_id, 0)
        seen[message.chat_id] = index + 1
        bot_id = bots.get(message.chat_id)
        jobs.append(Job(ids[message.chat_id][index], message, 1, due_at=now, bot_id=bot_id))
    return jobs


async def without_erased(session: AsyncSession, messages: Iterable[Message]) -> list[Message]:
    """`messages` less those for anyone erased meanwhile; the others' people locked as a key
    would lock them (0015: none checks the outbox's person; bot/db/person_locks.py). One
    statement for the batch. A caller that records what it wrote counts what this keeps."""
    messages = list(messages)
    named = {m.person_id for m in messages if m.person_id is not None}
    here = await people_still_here(session, named)
    if len(here) < len(named):
        messages = [m for m in messages if m.person_id is None or m.person_id in here]
    return messages


async def bots_of(
    session: AsyncSession, chats: set[int], via: Mapping[int, int | None]
) -> dict[int, int]:
    """The chats an extra bot writes to, and its id: from `via`, else from their accounts."""
    found = {chat: bot for chat, bot in via.items() if bot is not None and chat in chats}
    unknown = sorted(chats - via.keys())
    if not unknown or (await session.execute(select(table_of(Bot).c.id).limit(1))).first() is None:
        return found  # one bot only: nothing to look up (a round's chats: 20 queries saved)
    accounts = table_of(TelegramAccount)
    for chats_in in in_lists(unknown):
        rows = await session.execute(
            select(accounts.c.chat_id, accounts.c.bot_id).where(
                accounts.c.bot_id.is_not(None), accounts.c.chat_id.in_(chats_in)
            )
        )
        found |= {int(chat): int(bot) for chat, bot in rows}
    return found


async def enqueue_many(
    writer: BulkWriter,
    messages: Iterable[Message],
    *,
    now: datetime,
    not_before: datetime | None = None,
    round_id: int | None = None,
    bots: Mapping[int, int] | None = None,
) -> int:
    """`enqueue` for many bulk messages at once (a round's first questions): the same rows,
    written by COPY on PostgreSQL by `writer` (bot/db/bulk.py), which may still be writing
    them on return; none may carry a dedup key. `bots` maps the chats an extra bot writes
    to (`extra_bot_chats`). The number of rows.
    Its people are not locked (100,000 tuples written): the caller holds erasures off
    before reading them (`hold_off_erasures`, bot/db/person_locks.py)."""
    shared: dict[str, Any] = {
        "status": OutboxStatus.PENDING,
        "not_before": not_before or now,
        "attempts": 0,
        "created_at": now,
        "round_id": round_id,
    }
    columns: tuple[str, ...] = ("chat_id", "person_id", "kind", "payload", "priority")
    if bots:  # a column only when some chat has an extra bot, so the default costs nothing
        columns += ("bot_id",)

    def rows() -> Iterable[tuple[Any, ...]]:
        for message in messages:
            if message.dedup_key is not None:
                raise ValueError("enqueue_many writes no dedup keys: use enqueue")
            row = (
                message.chat_id,
                message.person_id,
                message.kind,
                message.to_json(),
                message.priority,
            )
            yield (*row, bots.get(message.chat_id)) if bots else row

    return await writer.write(table_of(OutboxMessage), shared, columns, rows())


async def extra_bot_chats(session: AsyncSession) -> dict[int, int]:
    """Every chat an extra bot writes to, and its id; empty (one query) with one bot only.
    For a round's many chats: one read instead of one per batch."""
    if (await session.execute(select(table_of(Bot).c.id).limit(1))).first() is None:
        return {}
    accounts = table_of(TelegramAccount)
    rows = await session.execute(
        select(accounts.c.chat_id, accounts.c.bot_id).where(accounts.c.bot_id.is_not(None))
    )
    return {int(chat): int(bot) for chat, bot in rows}


async def release(session: AsyncSession, jobs: Sequence[Job]) -> None:
    """Make claimed rows nobody will send now sendable again."""
    table = table_of(OutboxMessage)
    await session.execute(
        update(table)
        .where(table.c.id.in_([job.row_id for job in jobs]), table.c.status == OutboxStatus.SENDING)
        .values(
            status=OutboxStatus.PENDING,
            claimed_at=None,
            claimed_by=None,
            attempts=table.c.attempts - 1,
        )
    )


async def claim_due(
    session: AsyncSession,
    *,
    now: datetime,
    worker: str,
    limit: int,
    stale_after_s: float = 120,
    lane: Literal["replies", "bulk"] | None = None,
    include_stale: bool = True,
    bot: BotFilter = "all",
) -> list[Job]:
    """Claim up to `limit` due rows for this worker, most urgent first.

    `lane` takes only replies, or only bulk messages (check-ins, reminders, broadcasts);
    None takes both.
    A row stuck in `sending` longer than `stale_after_s` belonged to a worker that died
    mid-send; it is claimed again (at most the messages in flight at a crash repeat).
    Looking for those reads the whole table, so a sender does it now and then
    (`include_stale`); the due rows are read from their partial index alone. One query
    for both read the whole table and sorted it every time: 15 ms with a round of 20,000
    waiting, on every wake-up, while the processor waited for the write turn.
    Core statements on the table: the sender needs a few columns, not ORM objects.
    """
    from datetime import timedelta

    table = table_of(OutboxMessage)
    stale = now - timedelta(seconds=stale_after_s)
    in_lane = (
        table.c.priority == Priority.REPLY
        if lane == "replies"
        else table.c.priority != Priority.REPLY
        if lane == "bulk"
        else true()
    )
    if bot != "all":
        in_lane = and_(in_lane, table.c.bot_id.is_(None) if bot is None else table.c.bot_id == bot)
    due = (
        select(table.c.id)
        .where(table.c.status == OutboxStatus.PENDING, table.c.not_before <= now, in_lane)
        .order_by(table.c.priority, table.c.not_before, table.c.id)
    )
    left = (
        select(table.c.id)
        .where(table.c.status == OutboxStatus.SENDING, table.c.claimed_at < stale, in_lane)
        .order_by(table.c.id)
    )
    ids: list[int] = []
    for query in [due, left] if include_stale else [due]:
        if len(ids) >= limit:
            break
        query = query.limit(limit - len(ids))
        if is_postgresql(session):
            query = query.with_for_update(skip_locked=True)
        ids += (await session.execute(query)).scalars()
    if not ids:
        return []
    # A conditional UPDATE is the claim on SQLite, where FOR UPDATE does not exist.
    claimed = await session.execute(
        update(table)
        .where(
            table.c.id.in_(ids),
            or_(
                table.c.status == OutboxStatus.PENDING,
                and_(table.c.status == OutboxStatus.SENDING, table.c.claimed_at < stale),
            ),
        )
        .values(
            status=OutboxStatus.SENDING,
            claimed_at=now,
            claimed_by=worker,
            attempts=table.c.attempts + 1,
        )
        .returning(
            table.c.id,
            table.c.chat_id,
            table.c.kind,
            table.c.payload,
            table.c.attempts,
            table.c.priority,
            table.c.not_before,
            table.c.person_id,
            table.c.broadcast_id,
            table.c.bot_id,
        )
    )
    rows = list(claimed.all())
    rows.sort(key=lambda row: (row.priority, row.not_before, row.id))
    jobs: list[Job] = []
    unreadable: list[int] = []
    for row in rows:
        try:
            message = decode(
                row.kind, row.chat_id, row.payload, person_id=row.person_id, priority=row.priority
            )
        except (KeyError, TypeError, ValueError):
            unreadable.append(row.id)  # would fail every claim again: set aside, visibly
            continue
        jobs.append(
            Job(row.id, message, row.attempts, row.broadcast_id, row.not_before, row.bot_id)
        )
    if unreadable:
        await session.execute(
            update(table)
            .where(table.c.id.in_(unreadable))
            .values(status=OutboxStatus.FAILED, error="not a message Kabar can read")
        )
    return jobs


async def pending_count(session: AsyncSession) -> int:
    result = await session.execute(
        select(func.count())
        .select_from(OutboxMessage)
        .where(OutboxMessage.status.in_([OutboxStatus.PENDING, OutboxStatus.SENDING]))
    )
    return int(result.scalar_one())
