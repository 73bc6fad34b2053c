"""Received updates into the inbox, or set aside: the one way in for polling and webhooks.

Each update is checked first (bot/messaging/admission.py): what a database refuses is
cleaned, and what cannot be an update Kabar reads is quarantined. The batch is stored in one
transaction; if that fails, each update is stored alone, so one bad update holds back no
other. An update that fails alone while the database answers is tried again when it comes
again and quarantined after MAX_STORE_TRIES; while the database itself is away, nothing is
counted and the caller does not acknowledge (Telegram delivers again).

A quarantined update is acknowledged like any other; its sender is told once that the
message could not be read (bot/messaging/quarantine.py limits how often). Each is logged as
one WARNING line with the update id and the reason, never the content.
"""

from __future__ import annotations

import logging
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select

from bot.app.runtime import Runtime
from bot.db.models import InboxUpdate
from bot.messaging import inbox, quarantine
from bot.messaging.admission import Refused, Storable, check, raw_of
from bot.messaging.bot_keys import sender_via
from bot.messaging.outbox import enqueue
from bot.tg.context import UnitOfWork
from bot.tg.handlers.failures import unreadable

log = logging.getLogger(__name__)

MAX_STORE_TRIES = 3


@dataclass(frozen=True, slots=True)
class Received:
    """One update as it came: parsed JSON, and the body's bytes when there are some."""

    update: Any
    raw: bytes | None = None


@dataclass(slots=True)
class Admission:
    """What became of a batch: ids stored, set aside, or to be delivered again."""

    stored: list[int] = field(default_factory=list)
    set_aside: list[Refused] = field(default_factory=list)
    waiting: list[int] = field(default_factory=list)


class StoreTries:
    """Failed tries to store each update alone, kept between its deliveries (a bounded
    number of updates is remembered: only bad ones are ever here)."""

    def __init__(self, remember: int = 10_000) -> None:
        self._tries: OrderedDict[int, int] = OrderedDict()
        self._remember = remember

    def failed(self, update_id: int) -> int:
        tries = self._tries.pop(update_id, 0) + 1
        self._tries[update_id] = tries
        while len(self._tries) > self._remember:
            self._tries.popitem(last=False)
        return tries

    def forget(self, update_id: int) -> None:
        self._tries.pop(update_id, None)


async def admit(runtime: Runtime, received: Sequence[Received], tries: StoreTries) -> Admission:
    """Store or set aside each update; raises (nothing to acknowledge) if the database is
    away."""
    now = runtime.clock.now()
    checked = [(item.update, check(item.update, item.raw)) for item in received]
    storable = [item for _, item in checked if isinstance(item, Storable)]
    refused = [(update, item) for update, item in checked if isinstance(item, Refused)]
    admission = Admission()
    try:
        async with runtime.db.transaction() as session:
            await inbox.store_checked(session, storable, now)
            added = await quarantine.put(session, [item for _, item in refused], now)
        admission.stored = [item.update_id for item in storable]
    except Exception:
        if not storable:
            raise
        # Which update is it? Each alone; then those that cannot be stored are set aside.
        await _store_alone(runtime, storable, tries, now, admission, refused)
        async with runtime.db.transaction() as session:
            added = await quarantine.put(session, [item for _, item in refused], now)
    admission.set_aside = added
    runtime.metrics.updates_received.inc(len(admission.stored))
    runtime.metrics.updates_quarantined.inc(len(added))
    for item in added:
        log.warning("update %s set aside unread: %s", item.update_id, item.reason)
    if admission.stored:
        runtime.inbox_wakeup.set()
    await tell_senders(runtime, [(update, item) for update, item in refused if item in added])
    return admission


async def _store_alone(
    runtime: Runtime,
    storable: Sequence[Storable],
    tries: StoreTries,
    now: datetime,
    admission: Admission,
    refused: list[tuple[Any, Refused]],
) -> None:
    for item in storable:
        try:
            async with runtime.db.transaction() as session:
                await inbox.store_checked(session, [item], now)
        except Exception as error:
            if not await _database_answers(runtime):
                raise
            problem = type(error).__name__
            count = tries.failed(item.update_id)
            if count < MAX_STORE_TRIES:
                log.warning(
                    "update %s could not be stored (%s), try %d of %d",
                    item.update_id,
                    problem,
                    count,
                    MAX_STORE_TRIES,
                )
                admission.waiting.append(item.update_id)
                continue
            reason = f"could not be stored {count} times ({problem})"
            raw = item.raw or raw_of(item.payload)
            refused.append((item.payload, Refused(item.update_id, item.chat_id, reason, raw)))
        else:
            tries.forget(item.update_id)
            admission.stored.append(item.update_id)


async def _database_answers(runtime: Runtime) -> bool:
    """Whether the inbox can be read: if not, a failure is the database's, not an update's."""
    try:
        async with runtime.db.sessions() as session:
            await session.execute(select(InboxUpdate.update_id).limit(1))
    except Exception:
        return False
    return True


async def tell_senders(runtime: Runtime, set_aside: Sequence[tuple[Any, Refused]]) -> None:
    """Tell each sender once that their message could not be read (best effort: the
    updates are set aside already, whatever happens here)."""
    people = [(update, item) for update, item in set_aside if item.chat_id is not None]
    if not people:
        return
    try:
        async with runtime.db.transaction() as session:
            now = runtime.clock.now()
            told = 0
            for update, item in people:
                sender = (
                    sender_via(update, item.update_id, runtime.extra_bots)
                    if isinstance(update, dict)
                    else None
                )
                if sender is None or not await quarantine.may_notify(session, sender.chat_id, now):
                    continue
                unit = UnitOfWork(session, now, item.update_id or 0, sender)
                message = await unreadable(unit)
                if message is None:
                    continue
                await enqueue(session, [message], now=now, via=unit.via())
                await quarantine.mark_notified(session, item.update_id, now)
                told += 1
    except Exception as error:
        problem = type(error).__name__
        log.warning("could not tell the senders of %d set-aside updates (%s)", len(people), problem)
        return
    if told:
        runtime.outbox_wakeup.set()
