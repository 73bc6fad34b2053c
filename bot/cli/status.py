"""`kabar status`: how the running bot is doing, one section after another.

Each section reads what it shows in the command's one transaction and renders itself as a
table or as JSON. To show more, write a section (a function returning a `Section`) and add
it to SECTIONS; the JSON output has one key per section.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

import click

from bot.cli.common import operator_translator, print_table, settings

if TYPE_CHECKING:
    from rich.table import Table
    from sqlalchemy.ext.asyncio import AsyncSession

    from bot.domain.operations.status import CohortState, Problem, Snapshot
    from bot.lib.config import Settings
    from bot.lib.i18n import Translator
    from bot.messaging.quarantine import Entry

WHEN_FORMAT = "d MMM y HH:mm"


class Section(Protocol):
    @property
    def key(self) -> str: ...  # the section's key in the JSON output

    def as_json(self) -> dict[str, Any]: ...

    def table(self, t: Translator, config: Settings) -> Table: ...


@dataclass(frozen=True, slots=True)
class Quarantine:
    """Updates set aside unread (bot/tg/intake.py): how many, and the latest."""

    count: int
    latest: list[Entry]
    key: str = "quarantine"

    def as_json(self) -> dict[str, Any]:
        return {
            "count": self.count,
            "latest": [
                {
                    "update_id": entry.update_id,
                    "reason": entry.reason,
                    "quarantined_at": entry.quarantined_at.isoformat(),
                }
                for entry in self.latest
            ],
        }

    def table(self, t: Translator, config: Settings) -> Table:
        from rich.table import Table

        title = t.ngettext(
            "Quarantine: {count} update set aside unread",
            "Quarantine: {count} updates set aside unread",
            self.count,
        ).format(count=t.format_number(self.count))
        table = Table(title=title, title_justify="left")
        table.add_column(t.gettext("When"))
        table.add_column(t.gettext("Update"), justify="right")
        table.add_column(t.gettext("Reason"), overflow="fold")
        for entry in self.latest:
            table.add_row(
                t.format_datetime(entry.quarantined_at, config.timezone, WHEN_FORMAT),
                "—" if entry.update_id is None else str(entry.update_id),
                entry.reason,
            )
        return table


async def quarantine_section(session: AsyncSession, latest: int) -> Section:
    from bot.messaging import quarantine

    return Quarantine(await quarantine.count(session), await quarantine.latest(session, latest))


@dataclass(frozen=True, slots=True)
class Overview:
    """The version, the database and its schema, and who leads."""

    version: str
    database: str  # its URL without a password
    schema: str | None
    schema_at_head: bool
    kabar_run: bool | None  # SQLite: whether a `kabar run` holds the database
    snapshot: Snapshot
    key: str = "overview"

    def as_json(self) -> dict[str, Any]:
        leader = self.snapshot.leader
        return {
            "version": self.version,
            "database": self.database,
            "schema": self.schema,
            "schema_at_head": self.schema_at_head,
            "kabar_run": self.kabar_run,
            "leader": {
                "worker": leader.worker,
                "since": leader.since.isoformat() if leader.since else None,
                "alive": leader.alive,
            },
            "unreachable": self.snapshot.unreachable,
            "needs_attention": [problem.value for problem in self.snapshot.problems],
        }

    def table(self, t: Translator, config: Settings) -> Table:
        from rich.table import Table

        leader = self.snapshot.leader
        table = Table(
            title=t.gettext("Kabar {version}").format(version=self.version),
            title_justify="left",
            show_header=False,
        )
        table.add_column()
        table.add_column(overflow="fold")
        table.add_row(t.gettext("Database"), self.database)
        schema = self.schema or "—"
        if not self.schema_at_head:
            schema = t.gettext("{revision} (not up to date: run kabar db upgrade)").format(
                revision=schema
            )
        table.add_row(t.gettext("Schema"), schema)
        if self.kabar_run is not None:
            table.add_row(
                t.gettext("kabar run"),
                t.gettext("running") if self.kabar_run else t.gettext("not running"),
            )
        if leader.alive is not False and leader.worker:
            since = (
                t.format_datetime(leader.since, config.timezone, WHEN_FORMAT)
                if leader.since
                else "—"
            )
            table.add_row(
                t.gettext("Leader"),
                t.gettext("{worker}, since {since}").format(worker=leader.worker, since=since),
            )
        elif leader.alive is False:
            table.add_row(t.gettext("Leader"), t.gettext("none: no worker runs the clocks"))
        n = t.format_number
        table.add_row(t.gettext("Unreachable families"), n(self.snapshot.unreachable))
        return table


@dataclass(frozen=True, slots=True)
class Rounds:
    cohorts: tuple[CohortState, ...]
    key: str = "cohorts"

    def as_json(self) -> dict[str, Any]:
        return {
            c.name: {
                "last_round": c.last_round,
                "last_opened_at": c.last_opened_at.isoformat() if c.last_opened_at else None,
                "last_closed": c.last_closed,
                "asked": c.asked,
                "responded": c.responded,
                "response_rate": None if c.response_rate is None else float(c.response_rate),
                "next_round_at": c.next_round_at.isoformat() if c.next_round_at else None,
            }
            for c in self.cohorts
        }

    def table(self, t: Translator, config: Settings) -> Table:
        from rich.table import Table

        from bot.domain.reports.text import percent

        table = Table(title=t.gettext("Rounds"), title_justify="left")
        table.add_column(t.gettext("Cohort"))
        table.add_column(t.gettext("Last round"))
        table.add_column(t.gettext("Answered so far"), justify="right")
        table.add_column(t.gettext("Next round"))
        for c in self.cohorts:
            last = "—"
            if c.last_round is not None and c.last_opened_at is not None:
                opened = t.format_datetime(c.last_opened_at, config.timezone, WHEN_FORMAT)
                state = t.gettext("closed") if c.last_closed else t.gettext("open")
                last = t.gettext("{number}, {opened} ({state})").format(
                    number=c.last_round, opened=opened, state=state
                )
            answered = "—"
            if c.response_rate is not None:
                answered = t.gettext("{responded} of {asked} ({rate})").format(
                    responded=t.format_number(c.responded),
                    asked=t.format_number(c.asked),
                    rate=percent(t, c.response_rate),
                )
            upcoming = (
                t.format_datetime(c.next_round_at, config.timezone, WHEN_FORMAT)
                if c.next_round_at
                else "—"
            )
            table.add_row(c.name, last, answered, upcoming)
        return table


@dataclass(frozen=True, slots=True)
class Traffic:
    """The outbox by state, the inbox backlog and the open alerts."""

    snapshot: Snapshot
    key: str = "traffic"

    def as_json(self) -> dict[str, Any]:
        from bot.messaging.cancels import CANCELLED

        o = self.snapshot.outbox
        return {
            "outbox": {
                "waiting": o.waiting,
                "due": o.due,
                "sending": o.sending,
                "sent_last_hour": o.sent_last_hour,
                # The cancel's rows under its marker, as this key has always held them.
                "failed_last_day": dict(o.failed_last_day)
                | ({CANCELLED: o.cancelled_last_day} if o.cancelled_last_day else {}),
                "oldest_due_s": o.oldest_due_s,
            },
            "inbox": {
                "backlog": self.snapshot.inbox_backlog,
                "failing": self.snapshot.inbox_failing,
                "last_errors": [
                    {"update_id": update_id, "error": kind, "at": at.isoformat()}
                    for update_id, kind, at in self.snapshot.last_errors
                ],
            },
            "open_alerts": dict(self.snapshot.open_alerts),
        }

    def table(self, t: Translator, config: Settings) -> Table:
        from rich.table import Table

        from bot.domain.operations.failures import failure_counts
        from bot.domain.reports.text import rule_label

        o, n = self.snapshot.outbox, t.format_number
        table = Table(title=t.gettext("Messages and alerts"), title_justify="left")
        table.add_column(t.gettext("What"))
        table.add_column(t.gettext("How many"), justify="right")
        waiting = n(o.waiting)
        if o.oldest_due_s is not None:
            waiting = t.gettext("{count} (the oldest due for {minutes} min)").format(
                count=waiting, minutes=n(round(o.oldest_due_s / 60))
            )
        table.add_row(t.gettext("Queued (including those held for quiet hours)"), waiting)
        table.add_row(t.gettext("Being sent"), n(o.sending))
        table.add_row(t.gettext("Sent in the last hour"), n(o.sent_last_hour))
        if o.cancelled_last_day:  # not a failure to the operator
            label = t.gettext("Not sent in the last day: their broadcast was cancelled")
            table.add_row(label, n(o.cancelled_last_day))
        for reason, count in failure_counts(t, o.failed_last_day):
            label = t.gettext("Failed in the last day: {reason}").format(reason=reason)
            table.add_row(label, n(count))
        table.add_row(t.gettext("Updates not yet handled"), n(self.snapshot.inbox_backlog))
        for update_id, kind, at in self.snapshot.last_errors:
            when = t.format_datetime(at, config.timezone, WHEN_FORMAT)
            table.add_row(
                t.gettext("Failed to handle update {id} ({when})").format(id=update_id, when=when),
                kind,
            )
        for rule, count in self.snapshot.open_alerts:
            label = rule_label(t, rule)
            table.add_row(t.gettext("Open alerts: {rule}").format(rule=label), n(count))
        return table


SECTIONS: list[Callable[[AsyncSession, int], Awaitable[Section]]] = [quarantine_section]


def _problem_line(problem: Problem, t: Translator) -> str:
    from bot.domain.operations.status import Problem

    lines = {
        Problem.STALE_OUTBOX: t.gettext(
            "Messages are waiting more than ten minutes to be sent: is `kabar run` running?"
        ),
        Problem.NO_LEADER: t.gettext(
            "No worker leads: rounds, reminders and sending have stopped."
        ),
        Problem.MIGRATION: t.gettext("The database is not up to date: run `kabar db upgrade`."),
    }
    return lines[problem]


@click.command()
@click.option(
    "--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True
)
@click.option(
    "--latest",
    type=click.IntRange(0, 1000),
    default=10,
    show_default=True,
    help="How many of the latest entries each section lists.",
)
def status(fmt: str, latest: int) -> None:
    """How the bot is doing: rounds and their answers so far, the messages queued, sent and
    failed, updates waiting, open alerts, who leads, and updates set aside unread.

    Exits with 1 when something needs a person: a message due for over ten minutes, no
    worker leading (PostgreSQL), or a database not up to date.
    """
    from sqlalchemy.engine import make_url

    from bot import __version__
    from bot.cli.common import prepare_database, run_async
    from bot.db.database import open_database
    from bot.db.migrate import current_revision, head_revision
    from bot.db.sqlite_files import in_use, sqlite_path
    from bot.domain.operations.status import snapshot
    from bot.lib.clock import SystemClock

    config = settings()
    t = operator_translator(config)
    path = sqlite_path(config.database_url)
    if path is not None:
        prepare_database(config)  # SQLite migrates itself, as `kabar run` would

    async def main() -> tuple[list[Section], Snapshot]:
        async with open_database(config.database_url) as db:
            async with db.engine.connect() as connection:
                schema = await connection.run_sync(current_revision)
            head = head_revision(config.database_url)
            async with db.transaction() as session:
                snap = await snapshot(session, now=SystemClock().now(), at_head=schema == head)
                shown = make_url(config.database_url).render_as_string(hide_password=True)
                overview = Overview(
                    version=__version__,
                    database=shown,
                    schema=schema,
                    schema_at_head=schema == head,
                    kabar_run=in_use(path) if path is not None else None,
                    snapshot=snap,
                )
                sections: list[Section] = [overview, Rounds(snap.cohorts), Traffic(snap)]
                for section in SECTIONS:
                    sections.append(await section(session, latest))
                return sections, snap

    try:
        sections, snap = run_async(main())
    except Exception as error:
        from bot.cli.common import database_failure

        database_failure(error, config, t)
    if fmt == "json":
        click.echo(json.dumps({s.key: s.as_json() for s in sections}, ensure_ascii=False))
    else:
        for section in sections:
            print_table(section.table(t, config))
        for problem in snap.problems:
            click.echo("⚠ " + _problem_line(problem, t))
    if snap.problems:
        raise SystemExit(1)
