"""`kabar invites`: single-use invitation codes, as CSV or a printable sheet."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from bot.cli.common import (
    database_failure,
    fail,
    operator,
    operator_translator,
    prepare_database,
    run_async,
    settings,
)

if TYPE_CHECKING:
    from datetime import datetime

    from bot.domain.invites import IssueResult
    from bot.lib.config import Settings


async def _issue(
    config: Settings, *, now: datetime, cohort: str | None, renew: bool, valid_days: int
) -> tuple[IssueResult, str | None]:
    from bot.db.database import Database
    from bot.domain.invites import bot_username, issue_invitations

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
            return result, username
    finally:
        await db.dispose()


@click.command()
@click.option("--cohort", help="Only this cohort's participants and their facilitators.")
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
def invites(
    cohort: str | None, output_format: str, output: Path | None, renew: bool, valid_days: int
) -> None:
    """One invitation per person not yet registered.

    Repeated calls give the same unused codes; --renew replaces them. With --cohort, the
    cohort's facilitators (the people its participants report to) are included too.
    """
    from sqlalchemy.exc import DBAPIError

    from bot.domain.cohorts import CohortError
    from bot.domain.invites import InviteError
    from bot.domain.invites.csv_output import write_csv
    from bot.domain.invites.html_sheet import render_html
    from bot.lib.clock import SystemClock

    config = settings()
    t = operator_translator(config)
    prepare_database(config)
    now = SystemClock().now()
    try:
        result, username = run_async(
            _issue(config, now=now, cohort=cohort, renew=renew, valid_days=valid_days)
        )
    except (CohortError, InviteError) as error:
        fail(error.translate(t))
    except (DBAPIError, OSError) as error:
        database_failure(error, config, t)

    if username is None:
        click.echo(
            t.gettext(
                "Warning: the bot's username is not known, so there are no links or QR codes. "
                "Set KABAR_BOT_USERNAME (or run `kabar run` once) to get them."
            ),
            err=True,
        )

    try:
        if output is None:
            stdout = sys.stdout
            if output_format == "html":
                stdout.write(render_html(result.rows, username=username, t=t, generated_at=now))
            else:
                write_csv(result.rows, username, stdout)
            stdout.flush()
            return
        if output_format == "html":
            text = render_html(result.rows, username=username, t=t, generated_at=now)
            output.write_text(text, encoding="utf-8")
        else:
            with output.open("w", encoding="utf-8", newline="") as handle:
                write_csv(result.rows, username, handle)
    except OSError as error:
        fail(t.gettext("Could not write {path}: {error}").format(path=output, error=error.strerror))

    # Only when the data went to a file: standard output then carries nothing else.
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
