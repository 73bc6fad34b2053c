"""Handles stored updates: a group of chats per transaction, one chat's updates in order.

The transaction holds the handlers' state changes, their outbox rows and the inbox marks, so
an update is processed exactly once even across crashes and double delivery.

On PostgreSQL every worker runs a processor: each claims the oldest waiting update of chats
nobody else holds (bot/messaging/inbox.py), so an update is handled by one worker and a chat's
updates stay in order. On SQLite the one process reads the backlog directly.

Each update gets its own UnitOfWork, handed to the handlers by bot/tg/router.py; what a
handler raises comes back here and undoes the update's transaction.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Sequence
from typing import Any

from telegram.ext import Application

from bot.app.runtime import Runtime
from bot.messaging import inbox, quarantine
from bot.messaging.admission import Refused
from bot.messaging.bot_keys import sender_via
from bot.messaging.inbound import Sender, chat_of
from bot.messaging.outbox import Job, enqueue, release
from bot.tg.context import UnitOfWork
from bot.tg.handlers import handlers
from bot.tg.handlers.failures import apology
from bot.tg.lean_updates import parse_update
from bot.tg.prefetch import Prefetch
from bot.tg.router import Router

log = logging.getLogger(__name__)


class Processor:
    def __init__(
        self,
        application: Application[Any, Any, Any, Any, Any, Any],
        runtime: Runtime,
        *,
        batch: int | None = None,
    ) -> None:
        self.application = application
        self.runtime = runtime
        # A group's updates, ORM objects and replies are all in memory at once. On SQLite
        # groups of 50 kept the peak 2-4 MB lower than 200 at the same CPU per answer; on
        # PostgreSQL each group is a claim too, and 50 looked dearer in CPU (docs/
        # PERFORMANCE.md, "Memory of `kabar run`").
        self.batch = batch or (50 if runtime.db.is_sqlite else 200)
        self.router = Router(application, runtime, handlers())

    async def run_until(self, stop: asyncio.Event, idle_poll_s: float = 1.0) -> None:
        """Work until `stop` is set; the batch in hand is always finished and recorded."""
        backoff = 1.0
        while not stop.is_set():
            try:
                handled = await self.drain_once()
            except Exception:
                # The database is away (a restart, a failover): wait and go on; updates
                # stay stored and claims of a stopped worker are taken over.
                log.exception("reading the inbox failed; retrying in %.0f s", backoff)
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(stop.wait(), backoff)
                backoff = min(backoff * 2, 30.0)
                continue
            backoff = 1.0
            if handled:
                continue
            waker = self.runtime.inbox_wakeup
            stopper = asyncio.ensure_future(stop.wait())
            woken = asyncio.ensure_future(waker.wait())
            await asyncio.wait([stopper, woken], timeout=idle_poll_s, return_when="FIRST_COMPLETED")
            stopper.cancel()
            woken.cancel()
            waker.clear()

    async def drain_once(self) -> int:
        if self.runtime.db.is_sqlite:
            return await self._drain_backlog()
        return await self._drain_claimed()

    async def _drain_backlog(self) -> int:
        """SQLite: one process, so the backlog is read without claims."""
        async with self.runtime.db.sessions() as session:
            rows = await inbox.unprocessed(session, self.batch)
            work = [(row.update_id, row.chat_id, row.payload) for row in rows]
        if not work:
            return 0
        # The first update of each chat: a chat's next update waits for the next group, so
        # its updates go in order and what was prefetched for it is current.
        seen: set[int] = set()
        group: list[tuple[int, dict[str, Any]]] = []
        for update_id, chat_id, payload in work:
            if chat_id is None or chat_id not in seen:
                group.append((update_id, payload))
                if chat_id is not None:
                    seen.add(chat_id)
        await self.process_group(group, worker=None)
        return len(group)

    async def _drain_claimed(self) -> int:
        """PostgreSQL: claim at most one update per chat, then handle them as a group."""
        runtime = self.runtime
        async with runtime.db.transaction() as session:
            claimed = await inbox.claim_heads(
                session, worker=runtime.worker, now=runtime.clock.now(), limit=self.batch
            )
        if not claimed:
            return 0
        await self.process_group(
            [(item.update_id, item.payload) for item in claimed], worker=runtime.worker
        )
        return len(claimed)

    async def process_group(
        self, items: Sequence[tuple[int, dict[str, Any]]], *, worker: str | None
    ) -> None:
        """Handle updates of different chats in one transaction (a group commit).

        One transaction, one prefetch of what the handlers read and one INSERT of the
        outbox rows for the whole group: per update, these were most of the cost of an
        answer. If any update fails, nothing of the group is kept and each update is
        handled alone, so only the one that fails is counted as failed.
        """
        runtime = self.runtime
        units: list[UnitOfWork] = []
        claimant = self._claimant()
        try:
            async with runtime.db.transaction() as session:
                now = runtime.clock.now()
                taken = await inbox.take_many(session, [u for u, _ in items], worker, now)
                mine = [(update_id, payload) for update_id, payload in items if update_id in taken]
                prefetch = await Prefetch.load(session, [payload for _, payload in mine])
                for update_id, payload in mine:
                    sender = self._sender(update_id, payload)
                    unit = UnitOfWork(session, now, update_id, sender, prefetch=prefetch)
                    await self._dispatch(unit, payload)
                    units.append(unit)
                    # With what it reads prefetched, an update often needs no await: hand
                    # the loop back, or a group of 50 holds the bulk sender's slots for
                    # 50-100 ms (docs/PERFORMANCE.md, "#14: session 12").
                    await asyncio.sleep(0)
                outgoing = [m for unit in units for m in unit.outgoing]
                via = {chat: bot for unit in units for chat, bot in unit.via().items()}
                jobs = await enqueue(session, outgoing, now=now, claimed_by=claimant, via=via)
        except Exception:
            log.info("a group of %d updates failed; handling each alone", len(items))
            for update_id, payload in items:
                await self.process(update_id, payload, worker=worker)
            return
        runtime.metrics.updates_handled.inc(len(units))
        await self._hand_over(jobs, len(outgoing))

    async def process(
        self, update_id: int, payload: dict[str, Any], *, worker: str | None = None
    ) -> None:
        """Handle one update; with a `worker`, only while it holds the update's claim."""
        runtime = self.runtime
        try:
            async with runtime.db.transaction() as session:
                now = runtime.clock.now()
                if not await inbox.take(session, update_id, worker, now):
                    return  # handled already, or taken over by another worker
                unit = UnitOfWork(session, now, update_id, self._sender(update_id, payload))
                await self._dispatch(unit, payload)
                jobs = await unit.flush(claimed_by=self._claimant())
        except Exception as error:
            runtime.metrics.handler_failures.inc()
            await self._record_failure(update_id, payload, error, worker)
            return
        runtime.metrics.updates_handled.inc()
        await self._hand_over(jobs, unit.sent)

    def _sender(self, update_id: int, payload: dict[str, Any]) -> Sender | None:
        return sender_via(payload, update_id, self.runtime.extra_bots)

    def _claimant(self) -> str | None:
        """Replies are written claimed for this worker's sender, if it runs here."""
        return self.runtime.worker if self.runtime.reply_sender is not None else None

    async def _hand_over(self, jobs: list[Job], written: int) -> None:
        """Give the sender the replies claimed for it; wake it for the rest."""
        runtime = self.runtime
        sender = runtime.reply_sender
        if jobs and (sender is None or not sender.offer(jobs)):
            # The sender stopped since the rows were written: make them anyone's again.
            try:
                async with runtime.db.transaction() as session:
                    await release(session, jobs)
            except Exception:  # they are then taken up once their claim goes stale
                log.exception("could not release %d claimed replies", len(jobs))
            jobs = []
        if written > len(jobs):
            runtime.outbox_wakeup.set()

    async def _dispatch(self, unit: UnitOfWork, payload: dict[str, Any]) -> None:
        """Run the handler for one update inside `unit`; what it raises propagates."""
        update = parse_update(_parsed(payload), self.application.bot)
        await self.router.dispatch(update, unit)

    async def _record_failure(
        self, update_id: int, payload: dict[str, Any], error: BaseException, worker: str | None
    ) -> None:
        """Count the failed attempt; after the last one, set the update aside and tell its
        sender once (in a transaction of its own: a failure there loses no count)."""
        runtime = self.runtime
        problem = type(error).__name__
        async with runtime.db.transaction() as session:
            now = runtime.clock.now()
            gave_up = await inbox.record_failure(session, update_id, repr(error), now, worker)
            added: list[Refused] = []
            if gave_up:
                reason = f"handling failed {inbox.MAX_ATTEMPTS} times ({problem})"
                aside = Refused(update_id, chat_of(payload), reason)
                added = await quarantine.put(session, [aside], now)
        if not gave_up:
            log.warning("update %s failed (%s); it is tried again", update_id, problem)
            return
        log.error("update %s set aside after its last attempt", update_id, exc_info=error)
        if added:
            await self._apologise(update_id, payload)
        runtime.outbox_wakeup.set()

    async def _apologise(self, update_id: int, payload: dict[str, Any]) -> None:
        runtime = self.runtime
        try:
            async with runtime.db.transaction() as session:
                now = runtime.clock.now()
                sender = self._sender(update_id, payload)
                if sender is None or not await quarantine.may_notify(session, sender.chat_id, now):
                    return
                unit = UnitOfWork(session, now, update_id, sender)
                message = await apology(unit)
                if message is not None:
                    await enqueue(session, [message], now=now, via=unit.via())
                    await quarantine.mark_notified(session, update_id, now)
        except Exception as error:
            log.warning("could not apologise for update %s (%s)", update_id, type(error).__name__)


def _parsed(payload: dict[str, Any]) -> dict[str, Any]:
    """What PTB needs to parse of an update: a pressed button's message without its
    keyboard. No handler reads that keyboard, and parsing it was about 40% of parsing a
    button press. The stored update keeps it."""
    query = payload.get("callback_query")
    if not isinstance(query, dict):
        return payload
    message = query.get("message")
    if not isinstance(message, dict) or "reply_markup" not in message:
        return payload
    bare = {key: value for key, value in message.items() if key != "reply_markup"}
    return {**payload, "callback_query": {**query, "message": bare}}
