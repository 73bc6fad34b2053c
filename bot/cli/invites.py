"""`kabar invites`: single-use invitation codes, as CSV or a printable sheet."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

import click

from bot.cli.common import (
    cannot_write,
    database_failure,
    fail,
    once,
    operator,
    operator_translator,
    prepare_database,
    run_async,
    settings,
)

if TYPE_CHECKING:
    from datetime import datetime

    from rich.progress import Progress, TaskID

    from bot.domain.invites import IssueResult
    from bot.domain.invites.html_sheet import SheetProgress
    from bot.lib.config import Settings
    from bot.lib.i18n import Translator

# Below this many cards the sheet is written in about a second: no progress bar.
_PROGRESS_MIN_CARDS = 2000


class _NoUsernameError(Exception):
    """A sheet with QR codes was asked for, and some card's bot has no known username."""


async def _issue(
    config: Settings,
    *,
    now: datetime,
    cohort: str | None,
    renew: bool,
    valid_days: int,
    sheet: bool,
) -> tuple[IssueResult, str | None, dict[str, str]]:
    """The invitations, issued in one transaction; with `sheet` (HTML), refused before it
    commits when a card would have no QR code: nothing issued, revoked or audited."""
    from bot.db.database import Database
    from bot.domain.invites import bot_username, cohort_bots, issue_invitations

    db = Database(config.database_url)
    try:
        async with db.transaction() as session:
            username = await bot_username(session, config.bot_username)
            result = await issue_invitations(
                session,
                now=now,
                cohort=cohort,
                renew=renew,
                valid_days=valid_days,
                actor=operator(),
            )
            by_cohort = await cohort_bots(session)
            if sheet and username is None and not _by_cohort_only(result, by_cohort):
                raise _NoUsernameError
            return result, username, by_cohort
    finally:
        await db.dispose()


def _by_cohort_only(result: IssueResult, by_cohort: dict[str, str]) -> bool:
    """Every card opens a cohort's own bot: the default bot's username is not needed."""
    return bool(result.rows) and all(row.cohort in by_cohort for row in result.rows)


class _Bar:
    """The progress bar, shown from the first card on: the sheet's pool of processes is
    started by then, so it is never forked while the bar's drawing thread runs."""

    def __init__(self, t: Translator) -> None:
        self.t = t
        self.progress: Progress | None = None
        self.task: TaskID | None = None

    def __call__(self, done: int, total: int) -> None:
        if self.progress is None or self.task is None:
            from rich.console import Console
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

            self.progress = Progress(
                TextColumn("{task.description}"),
                BarColumn(),
                MofNCompleteColumn(),
                console=Console(stderr=True),
                transient=True,
            )
            self.task = self.progress.add_task(self.t.gettext("Making cards"), total=total)
            self.progress.start()
        if done % 500 == 0 or done == total:  # rich redraws on its own clock anyway
            self.progress.update(self.task, completed=done)

    def close(self) -> None:
        if self.progress is not None:
            self.progress.stop()


@contextmanager
def _progress(t: Translator, cards: int, quiet: bool) -> Iterator[SheetProgress | None]:
    """A progress bar on stderr for a large sheet when a person is watching; else nothing."""
    if quiet or cards < _PROGRESS_MIN_CARDS or not sys.stderr.isatty():
        yield None
        return
    bar = _Bar(t)
    try:
        yield bar
    finally:
        bar.close()


@click.command()
@click.option(
    "--cohort",
    multiple=True,
    callback=once,
    help="Only this cohort's participants and their facilitators.",
)
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["csv", "html"]),
    default="csv",
    show_default=True,
    help="csv: id,name,role,code,link. html: a printable A4 sheet with QR codes.",
)
@click.option(
    "--output",
    type=click.Path(dir_okay=False, writable=True, path_type=Path),
    help="Write to this file instead of standard output.",
)
@click.option("--renew", is_flag=True, help="Revoke the open codes and issue new ones.")
@click.option(
    "--valid-days",
    type=click.IntRange(1, 3650),
    default=90,
    show_default=True,
    help="How long new codes stay valid.",
)
@click.option("--quiet", is_flag=True, help="No progress bar and no summary on standard error.")
def invites(
    cohort: str | None,
    output_format: str,
    output: Path | None,
    renew: bool,
    valid_days: int,
    quiet: bool,
) -> None:
    """One invitation per person not yet registered.

    Repeated calls give the same unused codes; --renew replaces them. With --cohort, the
    cohort's facilitators (the people its participants report to) are included too.
    """
    from sqlalchemy.exc import DBAPIError

    from bot.domain.cohorts import CohortError
    from bot.domain.invites import InviteError
    from bot.domain.invites.csv_output import write_csv
    from bot.domain.invites.html_sheet import write_html
    from bot.lib.clock import SystemClock

    config = settings()
    t = operator_translator(config)
    prepare_database(config)
    now = SystemClock().now()
    try:
        result, username, by_cohort = run_async(
            _issue(
                config,
                now=now,
                cohort=cohort,
                renew=renew,
                valid_days=valid_days,
                sheet=output_format == "html",
            )
        )
    except (CohortError, InviteError) as error:
        fail(error.translate(t))
    except _NoUsernameError:
        # Cards without QR codes or links send people to type a code: print none instead.
        fail(
            t.gettext(
                "The invitation sheet needs the bot's username for its QR codes: set "
                "KABAR_BOT_USERNAME (or run `kabar run` once), then print it again."
            )
        )
    except (DBAPIError, OSError) as error:
        database_failure(error, config, t)

    # Only people of cohorts without a bot of their own need the default bot's username.
    if username is None and not _by_cohort_only(result, by_cohort):
        click.echo(
            t.gettext(
                "Warning: the bot's username is not known, so there are no links or QR codes. "
                "Set KABAR_BOT_USERNAME (or run `kabar run` once) to get them."
            ),
            err=True,
        )

    def write(out: TextIO) -> None:
        if output_format == "html":
            with _progress(t, len(result.rows), quiet) as on_progress:
                write_html(
                    result.rows,
                    out,
                    username=username,
                    t=t,
                    generated_at=now,
                    on_progress=on_progress,
                    by_cohort=by_cohort,
                )
        else:
            write_csv(result.rows, username, out, by_cohort=by_cohort)

    try:
        if output is None:
            write(sys.stdout)
            sys.stdout.flush()
            return
        from bot.lib.private_files import private_file

        # Names and codes that let anyone register as someone: the owner's alone.
        with private_file(output).open("w", encoding="utf-8", newline="") as handle:
            write(handle)
    except OSError as error:
        cannot_write(output, error, t)

    # Only when the data went to a file: standard output then carries nothing else.
    if quiet:
        return
    if result.revoked:
        click.echo(
            t.gettext("Revoked {count} open invitations.").format(
                count=t.format_number(result.revoked)
            ),
            err=True,
        )
    click.echo(
        t.gettext("{total} invitations ({issued} new) written to {path}.").format(
            total=t.format_number(len(result.rows)),
            issued=t.format_number(result.issued),
            path=output,
        ),
        err=True,
    )
