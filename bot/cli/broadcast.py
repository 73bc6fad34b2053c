"""`kabar broadcast`: an announcement, as staff would send it in Telegram; its report; a cancel.

The command only writes the broadcast; a running `kabar run` sends it (within two seconds,
or at `--at`).
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from typing import TYPE_CHECKING

import click

from bot.cli.common import (
    fail,
    in_transaction,
    operator,
    operator_translator,
    print_table,
    settings,
)
from bot.lib.spreadsheet_safety import csv_writer

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession

    from bot.domain.broadcasts.lifecycle import Plan
    from bot.domain.broadcasts.report import Overview, Undelivered
    from bot.domain.broadcasts.tally import Tally
    from bot.lib.i18n import Translator

WHEN = "d MMM y HH:mm"
UNDELIVERED_COLUMNS = ("participant_id", "name", "village", "reason", "detail")


@click.group(invoke_without_command=True)
@click.option("--text", metavar="T", help="The message; {nama} is replaced by each name.")
@click.option(
    "--text-in",
    "other_texts",
    metavar="LANG=T",
    multiple=True,
    help="The message in another language (en, jv); each person gets their own.",
)
@click.option("--audience", default="", metavar="EXPR", help="key=value terms, comma-joined.")
@click.option("--at", "at", metavar="TIME", help="Send at YYYY-MM-DD HH:MM (cohort's time).")
@click.option(
    "--repeat", metavar="SCHEDULE", help='Repeat, e.g. "mon 08:00", "monthly last fri 08:00".'
)
@click.option(
    "--results",
    is_flag=True,
    help="Send each village its own figures from the last closed round (after --text, if given).",
)
@click.option("--dry-run", is_flag=True, help="Count and preview; write nothing.")
@click.pass_context
def broadcast(
    ctx: click.Context,
    text: str | None,
    other_texts: tuple[str, ...],
    audience: str,
    at: str | None,
    repeat: str | None,
    results: bool,
    dry_run: bool,
) -> None:
    """Send an announcement to an audience (none: every registered participant).

    EXPR terms: cohort=, district=, village=, facilitator=<id>,
    status=<active|quiet|not-producing|unreachable|paused>,
    role=<participant|facilitator|coordinator|staff>, answered=no.
    """
    if ctx.invoked_subcommand is not None:
        return
    config = settings()
    t = operator_translator(config)
    if text is None and results:
        text = ""
    if text is None:
        fail(t.gettext('Give the message with --text, for example --text "Pengering tiba Kamis".'))
    texts = _other_texts(other_texts, t)
    sent = in_transaction(
        config,
        lambda session: _write(
            session,
            _Request(text, texts, audience, at, repeat, results, dry_run),
            config.timezone,
            config.locale,
        ),
    )
    _say_plan(sent.plan, t)
    if dry_run:
        click.echo(t.gettext("Nothing was written (--dry-run)."))
    else:
        click.echo(
            t.gettext(
                "Broadcast {id} is written; a running `kabar run` sends it. "
                "See how it goes with: kabar broadcast status {id}"
            ).format(id=sent.broadcast_id)
        )


@dataclass(frozen=True, slots=True)
class _Request:
    text: str
    texts: dict[str, str]
    audience: str
    at: str | None
    repeat: str | None
    results: bool
    dry_run: bool


@dataclass(frozen=True, slots=True)
class _Written:
    plan: Plan
    broadcast_id: int | None


def _other_texts(values: tuple[str, ...], t: Translator) -> dict[str, str]:
    from bot.lib.i18n import SUPPORTED_LOCALES

    texts: dict[str, str] = {}
    for value in values:
        code, sep, words = value.partition("=")
        code = code.strip().lower()
        if not sep or code not in SUPPORTED_LOCALES:
            fail(
                t.gettext(
                    'Cannot read --text-in "{value}": write LANG=TEXT with LANG one of {codes}, '
                    'for example en="The dryer arrives Thursday".'
                ).format(value=value, codes=", ".join(SUPPORTED_LOCALES))
            )
        texts[code] = words
    return texts


async def _write(
    session: AsyncSession, asked: _Request, default_tz: str, language: str
) -> _Written:
    from bot.domain.broadcasts import lifecycle
    from bot.domain.broadcasts.audience import check_names, parse_audience
    from bot.domain.broadcasts.compose import check_text
    from bot.domain.broadcasts.results import RESULTS
    from bot.lib.clock import SystemClock

    now = SystemClock().now()
    # The cohort as stored before its time zone is looked up: a typed "Tenun" may be ambiguous.
    audience = await check_names(session, parse_audience(asked.audience))
    timezone = await lifecycle.audience_timezone(session, audience, default_tz)
    send_at = lifecycle.parse_at(asked.at, timezone, now=now) if asked.at else None
    repeat = lifecycle.parse_repeat(asked.repeat)
    for other in asked.texts.values():
        check_text(other, photo=False)
    planned = await lifecycle.plan(
        session,
        audience=audience,
        text=asked.text,
        viewer=None,
        now=now,
        send_at=send_at,
        timezone=timezone,
        repeat=repeat,
        results=asked.results,
    )
    if asked.dry_run:
        return _Written(planned, None)
    made = await lifecycle.create(
        session,
        planned,
        text=asked.text,
        texts={code: words.strip() for code, words in asked.texts.items()},
        language=language,
        actor=operator(),
        now=now,
        repeat=repeat,
        kind=RESULTS if asked.results else "text",
    )
    return _Written(planned, made.id)


def _say_plan(planned: Plan, t: Translator) -> None:
    n = t.format_number
    counted = planned.count
    click.echo(
        t.gettext(
            "Recipients: {reachable} (skipped: {paused} paused, {unreachable} unreachable)."
        ).format(
            reachable=n(counted.reachable),
            paused=n(counted.paused),
            unreachable=n(counted.unreachable),
        )
    )
    click.echo(
        t.gettext("Sends at: {at}").format(
            at=t.format_datetime(planned.send_at, planned.timezone, WHEN)
        )
    )
    if planned.waits_until is not None:
        click.echo(
            t.gettext("That is within quiet hours: the messages wait until {at}.").format(
                at=t.format_datetime(planned.waits_until, planned.timezone, WHEN)
            )
        )
    click.echo(t.gettext("As {name} will see it:").format(name=planned.sample_name or "-"))
    click.echo(planned.sample_text)


@broadcast.command()
@click.argument("broadcast_id", required=False, type=int)
@click.option(
    "--format", "fmt", type=click.Choice(["table", "csv"]), default="table", show_default=True
)
def status(broadcast_id: int | None, fmt: str) -> None:
    """Without ID, the latest broadcasts; with it, its delivery report and, person by
    person, who did not get it and why."""
    config = settings()
    t = operator_translator(config)
    if broadcast_id is None:
        rows = in_transaction(config, _overview)
        _print_overview(rows, t, config.timezone)
        return
    counts, people = in_transaction(config, lambda session: _report(session, broadcast_id))
    if fmt == "csv":
        writer = csv_writer(sys.stdout, lineterminator="\n")
        writer.writerow(UNDELIVERED_COLUMNS)
        for row in people:
            writer.writerow((row.person_id, row.name, row.village or "", row.reason, row.detail))
        return
    _print_report(broadcast_id, counts, people, t)


async def _overview(session: AsyncSession) -> list[tuple[Overview, Tally]]:
    from bot.domain.broadcasts.report import overview
    from bot.domain.broadcasts.tally import tally

    return [(row, await tally(session, row.id)) for row in await overview(session)]


async def _report(session: AsyncSession, broadcast_id: int) -> tuple[Tally, list[Undelivered]]:
    from bot.domain.broadcasts.report import require, undelivered
    from bot.domain.broadcasts.tally import tally

    await require(session, broadcast_id)
    return await tally(session, broadcast_id), await undelivered(session, broadcast_id)


def _reason(reason: str, t: Translator) -> str:
    words = {
        "paused": t.gettext("paused messages (skipped)"),
        "unreachable": t.gettext("unreachable (skipped)"),
        "no-figures": t.gettext("their village has no figures yet (skipped)"),
        "blocked": t.gettext("blocked the bot while it went out"),
        "failed": t.gettext("Telegram refused it"),
        "cancelled": t.gettext("not sent: cancelled"),
        "waiting": t.gettext("not sent yet"),
    }
    return words[reason]


def _print_report(
    broadcast_id: int, counts: Tally, people: list[Undelivered], t: Translator
) -> None:
    from rich.table import Table

    n = t.format_number
    click.echo(t.gettext("Broadcast {id}").format(id=broadcast_id))
    for label, value in (
        (t.gettext("Delivered"), counts.sent),
        (t.gettext("Not sent yet"), counts.waiting),
        (t.gettext("Skipped, paused"), counts.paused),
        (t.gettext("Skipped, unreachable"), counts.unreachable),
        (t.gettext("Blocked while it went out"), counts.blocked),
        (t.gettext("Failed"), counts.failed),
        (t.gettext("Cancelled before sending"), counts.cancelled),
    ):
        click.echo(f"  {label}: {n(value)}")
    if not people:
        click.echo(t.gettext("Everyone in the audience got it."))
        return
    table = Table(title=t.gettext("Who did not get it, and why"))
    for column in (
        t.gettext("ID"),
        t.gettext("Name"),
        t.gettext("Village"),
        t.gettext("Reason"),
        t.gettext("Detail"),
    ):
        table.add_column(column)
    for row in people:
        table.add_row(
            row.person_id, row.name, row.village or "", _reason(row.reason, t), row.detail
        )
    print_table(table)


def _print_overview(rows: list[tuple[Overview, Tally]], t: Translator, tz: str) -> None:
    from rich.table import Table

    from bot.domain.broadcasts.lifecycle import STATUS_WORDS

    if not rows:
        click.echo(t.gettext("No broadcasts yet."))
        return
    n = t.format_number
    table = Table()
    for column in (
        t.gettext("ID"),
        t.gettext("Status"),
        t.gettext("Sends at"),
        t.gettext("By"),
        t.gettext("Audience"),
        t.gettext("Delivered"),
        t.gettext("Not sent yet"),
        t.gettext("Failed"),
        t.gettext("Skipped"),
        t.gettext("Message"),
    ):
        table.add_column(column)
    for row, counts in rows:
        table.add_row(
            str(row.id),
            t.gettext(STATUS_WORDS[row.status]) + (f" ({row.repeat})" if row.repeat else ""),
            t.format_datetime(row.send_at, tz, WHEN),
            row.actor,
            row.audience or t.gettext("every registered participant"),
            n(counts.sent),
            n(counts.waiting),
            n(counts.failed + counts.blocked),
            n(counts.skipped),
            row.text[:40],
        )
    print_table(table)


@broadcast.command()
@click.argument("broadcast_id", type=int)
def cancel(broadcast_id: int) -> None:
    """Stop a broadcast: what is not yet sent is not sent (a repeating one stops repeating)."""
    from bot.domain.broadcasts.progress import cancel_and_report
    from bot.lib.clock import SystemClock

    config = settings()
    t = operator_translator(config)
    done = in_transaction(
        config,
        lambda session: cancel_and_report(
            session, broadcast_id, actor=operator(), now=SystemClock().now()
        ),
    )
    click.echo(
        t.gettext("Broadcast {id} is cancelled; {unsent} messages will not be sent.").format(
            id=done.broadcast_id, unsent=t.format_number(done.unsent)
        )
    )
