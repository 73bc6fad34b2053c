"""`kabar person forget`: a person's data erased on request (UU PDP 27/2022), their figures
kept anonymous; `kabar person retention`: the same for everyone inactive for too long."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from bot.cli.common import fail, in_transaction, operator, operator_translator, settings

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession

    from bot.domain.people.erasure import Erased


@click.group()
def person() -> None:
    """One person's data."""


@person.command()
@click.argument("person_id")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
def forget(person_id: str, yes: bool) -> None:
    """Erase PERSON_ID's name, phone, Telegram identity, notes and media for good.

    The check-ins they answered stay in the figures under an anonymous id; the audit log
    records who erased them.
    """
    from bot.domain.media.folder import media_folder
    from bot.domain.people.erasure import UnknownPersonError, remove_files
    from bot.domain.people.erasure import forget as erase
    from bot.lib.clock import SystemClock

    config = settings()
    t = operator_translator(config)
    if not yes:
        click.confirm(
            t.gettext("Erase everything that identifies {id}? This cannot be undone.").format(
                id=person_id
            ),
            abort=True,
        )
    media = media_folder(config.database_url, config.media_dir)

    async def work(session: AsyncSession) -> Erased:
        return await erase(
            session, person_id, actor=operator(), now=SystemClock().now(), media=media
        )

    try:
        erased = in_transaction(config, work)
    except UnknownPersonError:
        fail(t.gettext("There is nobody with the id {id}.").format(id=person_id))
    removed = remove_files(erased.media_files)
    click.echo(
        t.gettext(
            "{id} is forgotten: their check-ins count on as {anonymous}; {files} media files "
            "deleted."
        ).format(id=person_id, anonymous=erased.anonymous_id, files=t.format_number(removed))
    )


@person.command()
@click.option(
    "--days",
    type=click.IntRange(30, 36500),
    required=True,
    help="Forget participants with no check-in answered (nor registration) for this long.",
)
@click.option("--dry-run", is_flag=True, help="Only count them.")
def retention(days: int, dry_run: bool) -> None:
    """Anonymise the participants inactive for longer than --days, as `forget` does.

    Run it from a daily timer to keep personal data no longer than the programme needs.
    """
    from datetime import timedelta

    from bot.domain.media.folder import media_folder
    from bot.domain.people.erasure import Erased, inactive_since, remove_files
    from bot.domain.people.erasure import forget as erase
    from bot.lib.clock import SystemClock

    config = settings()
    t = operator_translator(config)
    now = SystemClock().now()
    media = media_folder(config.database_url, config.media_dir)

    async def work(session: AsyncSession) -> list[Erased]:
        stale = await inactive_since(session, now - timedelta(days=days))
        if dry_run:
            return [Erased(person_id, "", 0, ()) for person_id in stale]
        return [
            await erase(session, person_id, actor=operator(), now=now, media=media)
            for person_id in stale
        ]

    erased = in_transaction(config, work)
    if dry_run:
        click.echo(
            t.gettext("{count} participants have been inactive for over {days} days.").format(
                count=t.format_number(len(erased)), days=t.format_number(days)
            )
        )
        return
    removed = remove_files(path for item in erased for path in item.media_files)
    click.echo(
        t.gettext(
            "Forgot {count} participants inactive for over {days} days ({files} media "
            "files deleted)."
        ).format(
            count=t.format_number(len(erased)),
            days=t.format_number(days),
            files=t.format_number(removed),
        )
    )
