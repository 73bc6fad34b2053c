"""GET /healthz, /readyz and /metrics, for a service manager, a load balancer and
Prometheus: on the webhook server in webhook mode, on `--health-port` in polling mode.

/healthz: the process answers. /readyz: the database answers, its schema is this Kabar's,
a worker leads, and no due message has waited longer than ten minutes (503 with the
failing checks otherwise). /metrics: this process's counters, and the deployment's state
read from the database as it is scraped.
"""

from __future__ import annotations

import asyncio
import logging

from aiohttp import web
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from sqlalchemy import func, select

from bot.app.runtime import Runtime
from bot.db.models import Alert
from bot.db.revisions import current_revision, head_revision
from bot.domain.operations.status import Snapshot, snapshot

log = logging.getLogger(__name__)

CHECK_TIMEOUT_S = 5.0


async def _read(runtime: Runtime, head: str | None) -> tuple[Snapshot, list[tuple[str, str, int]]]:
    db = runtime.db
    async with db.engine.connect() as connection:
        schema = await connection.run_sync(current_revision)
    at_head = schema == head
    async with db.sessions() as session:
        snap = await snapshot(session, now=runtime.clock.now(), at_head=at_head)
        alerts = (
            await session.execute(
                select(Alert.rule, Alert.status, func.count()).group_by(Alert.rule, Alert.status)
            )
        ).all()
    return snap, [(str(rule), str(status), int(n)) for rule, status, n in alerts]


def routes(runtime: Runtime) -> list[web.RouteDef]:
    # Read once: the migration scripts are parsed from disk, and a scrape comes every 15 s.
    head = head_revision(runtime.db.url)

    async def healthz(_: web.Request) -> web.Response:
        return web.json_response({"status": "alive", "worker": runtime.worker})

    async def readyz(_: web.Request) -> web.Response:
        try:
            async with asyncio.timeout(CHECK_TIMEOUT_S):
                snap, _alerts = await _read(runtime, head)
        except Exception as error:  # the database is away: not ready, and say why
            log.warning("readiness: database not reachable (%s)", type(error).__name__)
            return web.json_response({"ready": False, "failing": ["database"]}, status=503)
        failing = [problem.value for problem in snap.problems]
        # SQLite: this process is the leader; PostgreSQL tells through its lock.
        body = {"ready": not failing, "failing": failing, "worker": runtime.worker}
        return web.json_response(body, status=503 if failing else 200)

    async def metrics(_: web.Request) -> web.Response:
        m = runtime.metrics
        try:
            async with asyncio.timeout(CHECK_TIMEOUT_S):
                snap, alerts = await _read(runtime, head)
        except Exception as error:  # the counters still say what this process did
            log.warning("metrics: database not readable (%s)", type(error).__name__)
        else:
            o = snap.outbox
            m.outbox.labels("queued").set(o.waiting)
            m.outbox.labels("due").set(o.due)
            m.outbox.labels("sending").set(o.sending)
            m.outbox_lag.set(o.oldest_due_s or 0)
            m.inbox_backlog.set(snap.inbox_backlog)
            for rule, status, count in alerts:
                m.alerts.labels(rule, status).set(count)
            for cohort in snap.cohorts:
                m.round_size.labels(cohort.name).set(cohort.asked)
        return web.Response(
            body=generate_latest(m.registry), headers={"Content-Type": CONTENT_TYPE_LATEST}
        )

    return [
        web.get("/healthz", healthz),
        web.get("/readyz", readyz),
        web.get("/metrics", metrics),
    ]


class HealthServer:
    """The three routes on a port of their own (polling mode's `--health-port`)."""

    def __init__(self, runtime: Runtime) -> None:
        self.runtime = runtime
        self._runner: web.AppRunner | None = None
        self.port: int | None = None

    async def start(self, host: str, port: int) -> None:
        app = web.Application()
        app.add_routes(routes(self.runtime))
        runner = web.AppRunner(app, access_log=None, shutdown_timeout=2.0)
        await runner.setup()
        try:
            await web.TCPSite(runner, host, port).start()
        except OSError:
            await runner.cleanup()
            raise
        self._runner = runner
        self.port = int(runner.addresses[0][1])
        log.info("health checks and metrics on %s:%s", host, self.port)

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None
