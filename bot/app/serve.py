"""Runs a Kabar process: every worker handles the inbox, the leader runs the rest.

Every worker receives updates (webhook mode) and handles the inbox. Only the leader
(bot/app/leader.py) runs the clocks, the outbox sender and, in polling mode, the poller.
On SQLite the one process is always the leader.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from bot.app.clock_loop import start_clocks
from bot.app.leader import Elector, release_orphaned_claims
from bot.app.runtime import Runtime
from bot.app.sending import bot_senders
from bot.db.database import open_database
from bot.db.facts import LEADER, remember
from bot.lib.clock import Clock, SystemClock
from bot.lib.config import Settings
from bot.messaging.delivery import Transport
from bot.tg.application import KabarApplication, announce, build_application, publish_menu
from bot.tg.extra_bots import ExtraBot, close_extra_bots, open_extra_bots, stop_webhook
from bot.tg.files import TelegramFiles
from bot.tg.poller import ALLOWED_UPDATES, poll_forever
from bot.tg.processor import Processor
from bot.tg.transport import BotTransport

if TYPE_CHECKING:
    # aiohttp's server (2 MB) is imported only for a webhook or the health port.
    from bot.app.health import HealthServer
    from bot.tg.webhook import WebhookConfig, WebhookServer

log = logging.getLogger(__name__)


async def serve(
    settings: Settings,
    *,
    clock: Clock | None = None,
    stop: asyncio.Event | None = None,
    shutdown_grace_s: float = 10.0,
    tick_every_s: float | None = None,
    webhook: WebhookConfig | None = None,
    health: tuple[str, int] | None = None,
    started: Callable[[], None] | None = None,
) -> None:
    """Run until `stop` is set (or the task is cancelled); long polling unless `webhook`.

    `tick_every_s`, when given, is how often every clock job runs (bot/app/clock_loop.py);
    otherwise each runs at its own interval. `health` (host, port) serves /healthz,
    /readyz and /metrics on a port of its own; a webhook server serves them anyway.
    `started` is called once the bot is up, before the first update is handled."""
    stop = stop or asyncio.Event()
    async with open_database(settings.database_url) as db:
        runtime = Runtime(settings=settings, db=db, clock=clock or SystemClock())
        application = build_application(runtime)
        elector = Elector(db, runtime.worker, on_outbox=runtime.outbox_wakeup.set)
        receiver: WebhookServer | None = None
        checks: HealthServer | None = None
        extras: list[ExtraBot] = []
        try:
            await application.initialize()
            extras = await open_extra_bots(runtime)
        except BaseException:
            await application.close_http_pools()  # Telegram unreachable, or the token refused
            raise
        async with application:
            try:
                await announce(application, runtime)
                for extra in extras:
                    await publish_menu(extra.bot)
                # The worker lock first: other workers must see our inbox claims are alive.
                await elector.start()
                if health is not None:
                    from bot.app.health import HealthServer

                    checks = HealthServer(runtime)
                    await checks.start(*health)
                if webhook is not None:
                    receiver = await _receive_webhooks(application, runtime, webhook, extras)
                if started is not None:
                    started()
                log.info(
                    "Kabar is running as @%s (%s, worker %s)",
                    application.bot.username,
                    "webhook" if webhook else "long polling",
                    runtime.worker,
                )
                leading = asyncio.create_task(
                    lead(
                        application,
                        runtime,
                        elector,
                        stop,
                        extras=extras,
                        polling=webhook is None,
                        tick_every_s=tick_every_s,
                        shutdown_grace_s=shutdown_grace_s,
                    ),
                    name="leader",
                )
                # The processor finishes the update in hand when asked to stop.
                processor = asyncio.create_task(
                    Processor(application, runtime).run_until(stop), name="inbox"
                )
                stopper = asyncio.create_task(stop.wait(), name="stop")
                loops: list[asyncio.Task[Any]] = [leading, processor]
                done, _ = await asyncio.wait([*loops, stopper], return_when=asyncio.FIRST_COMPLETED)
                stop.set()
                if receiver is not None:
                    # Nothing new arrives while the rest winds down; Telegram keeps it.
                    await receiver.stop()
                finished, late = await asyncio.wait(loops, timeout=shutdown_grace_s + 2)
                for task in late:
                    task.cancel()
                ended: list[asyncio.Task[Any]] = [*finished, *late, stopper]
                for task in ended:
                    with contextlib.suppress(asyncio.CancelledError):
                        await task
                # A loop that ended by itself (not by the stop request) failed: report it.
                for task in done:
                    if task in loops and not task.cancelled():
                        error = task.exception()
                        if error is not None:
                            raise error
            finally:
                if receiver is not None:
                    await receiver.stop()
                if checks is not None:
                    await checks.stop()
                await elector.close()
                await close_extra_bots(extras)


async def _receive_webhooks(
    application: KabarApplication,
    runtime: Runtime,
    config: WebhookConfig,
    extras: Sequence[ExtraBot] = (),
) -> WebhookServer:
    """Listen first, then tell Telegram where to push, so no push finds a closed port.
    Each extra bot pushes to a path of its own (the webhook URL's, then /bot<id>), with
    a secret of its own."""
    from bot.app.health import routes
    from bot.tg.webhook import BotHook, WebhookServer, extra_path

    secret = config.secret(runtime.settings.require_token())
    hooks = [BotHook(config.path, secret, None)]
    for extra in extras:
        hooks.append(
            BotHook(extra_path(config.path, extra.id), config.secret(extra.bot.token), extra.id)
        )
    receiver = WebhookServer(runtime, hooks=hooks, extra_routes=routes(runtime))
    await receiver.start(config.listen, config.port)
    try:
        await application.bot.set_webhook(
            url=config.url, secret_token=secret, allowed_updates=ALLOWED_UPDATES
        )
        for extra, hook in zip(extras, hooks[1:], strict=True):
            await extra.bot.set_webhook(
                url=extra_path(config.url, extra.id),
                secret_token=hook.secret,
                allowed_updates=ALLOWED_UPDATES,
            )
    except BaseException:
        await receiver.stop()
        raise
    return receiver


async def lead(
    application: KabarApplication,
    runtime: Runtime,
    elector: Elector,
    stop: asyncio.Event,
    *,
    extras: Sequence[ExtraBot] = (),
    polling: bool,
    tick_every_s: float | None,
    shutdown_grace_s: float,
) -> None:
    """Campaign for leadership; while leading, run the clocks, the sender and the poller.

    Returns when `stop` is set. Leadership lost (the lock's connection failed) stops the
    duties at once, since another worker may already be sending, and campaigns again.
    """
    while not stop.is_set():
        if not await elector.acquire(stop):
            return
        log.info("worker %s leads: it runs the clocks and the outbox sender", runtime.worker)
        runtime.metrics.leader.set(1)
        try:
            async with runtime.db.transaction() as session:
                released = await release_orphaned_claims(session, runtime.worker)
                # `kabar status` shows who leads and since when.
                now = runtime.clock.now()
                await remember(
                    session, LEADER, {"worker": runtime.worker, "since": now.isoformat()}, now
                )
        except Exception:  # then they wait for their claims to go stale; not a reason to stop
            log.exception("could not release the claims of a stopped leader")
            released = 0
        if released:
            log.warning("%d messages a stopped leader was sending will be sent again", released)
        if polling:
            await stop_webhook(application.bot)
            for extra in extras:
                await stop_webhook(extra.bot)
        term = asyncio.Event()  # ends this term of leadership
        clocks = start_clocks(
            runtime,
            every_s=tick_every_s,
            files=TelegramFiles(application.bot, *(extra.bot for extra in extras)),
        )
        # The sender finishes the messages in hand when asked to stop, so nothing that was
        # sent goes unrecorded; only a kill -9 can leave a message in flight.
        # One sender per bot: each bot has Telegram's limits to itself.
        transports: dict[int | None, tuple[Transport, bool]] = {
            None: (BotTransport(application.bot), runtime.settings.paid_broadcast)
        }
        transports |= {
            extra.id: (BotTransport(extra.bot), extra.paid_broadcast) for extra in extras
        }
        senders, router = bot_senders(runtime, transports)
        if router is not None:
            runtime.reply_sender = router
        duties: list[asyncio.Task[Any]] = [
            asyncio.create_task(sender.run_until(term), name="outbox") for sender in senders
        ]
        if polling:
            duties.append(
                asyncio.create_task(poll_forever(application.bot, runtime), name="poller")
            )
            duties += [
                asyncio.create_task(
                    poll_forever(extra.bot, runtime, bot_id=extra.id), name="poller"
                )
                for extra in extras
            ]
        lost = asyncio.create_task(elector.held(stop), name="leadership")
        stopper = asyncio.create_task(stop.wait(), name="stop")
        try:
            done, _ = await asyncio.wait(
                [*duties, lost, stopper], return_when=asyncio.FIRST_COMPLETED
            )
        finally:
            term.set()
            if router is not None and runtime.reply_sender is router:
                runtime.reply_sender = None
            runtime.metrics.leader.set(0)
            abandoned = lost.done() and not stop.is_set()
            if abandoned:
                log.error("worker %s lost leadership; its duties stop now", runtime.worker)
            # Sending stops before the clocks' jobs are waited for (up to seconds): another
            # worker may lead already, and its sender may be sending the same rows.
            for task in duties:
                if abandoned or task.get_name() == "poller":
                    task.cancel()
            await clocks.stop()
            await asyncio.wait(duties, timeout=shutdown_grace_s)
            everything: list[asyncio.Task[Any]] = [*duties, lost, stopper]
            for task in everything:
                task.cancel()  # a no-op for those already done
            outcomes = await asyncio.gather(*everything, return_exceptions=True)
        # A duty that ended by itself (not by the stop request) failed: report it.
        for task, outcome in zip(everything, outcomes, strict=True):
            if task in done and task in duties and isinstance(outcome, Exception):
                raise outcome
