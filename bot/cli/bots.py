"""`kabar bot …`: the deployment's extra bots, each with its own families and limits."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from bot.cli.common import (
    fail,
    in_transaction,
    operator,
    operator_translator,
    print_table,
    run_async,
    settings,
)

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession

    from bot.db.models import Bot
    from bot.domain.bots import BotOverview


@click.group()
def bot() -> None:
    """The bots one deployment sends from: a province's families spread over several."""


@bot.command()
@click.argument("token")
@click.option(
    "--cohort",
    "cohorts",
    multiple=True,
    help="A cohort whose invitations carry this bot's link (repeat for several).",
)
@click.option(
    "--paid-broadcast",
    is_flag=True,
    help="Send this bot's broadcasts as paid broadcasts (above 30 a second; Telegram bills).",
)
def add(token: str, cohorts: tuple[str, ...], paid_broadcast: bool) -> None:
    """Add the bot with TOKEN (checked with Telegram first); `kabar run` sends from it
    after its next start."""
    from bot.domain.bots import add_bot, check_request, masked
    from bot.lib.clock import SystemClock
    from bot.lib.config import looks_like_token
    from bot.tg.identity import username_of

    config = settings()
    t = operator_translator(config)
    token = token.strip()
    if not looks_like_token(token):
        fail(t.gettext("This is not a bot token: it looks like 123456:ABC-DEF… from @BotFather."))

    async def check(session: AsyncSession) -> None:
        await check_request(session, token=token, cohorts=cohorts, default_token=config.bot_token)

    in_transaction(config, check)
    username = run_async(username_of(config.telegram_api_url, token))
    if username == "refused":
        fail(t.gettext("Telegram does not know the token {token}.").format(token=masked(token)))
    if username == "unreachable":
        fail(t.gettext("Could not reach Telegram to check the token; try again."))
    now = SystemClock().now()

    async def work(session: AsyncSession) -> Bot:
        return await add_bot(
            session,
            token=token,
            username=username,
            cohorts=cohorts,
            paid_broadcast=paid_broadcast,
            default_token=config.bot_token,
            now=now,
            actor=operator(),
        )

    added = in_transaction(config, work)
    click.echo(
        t.gettext("Added bot @{username} ({token}).").format(
            username=added.username, token=masked(token)
        )
    )
    if cohorts:
        click.echo(
            t.gettext("Invitations of {cohorts} now carry its link.").format(
                cohorts=", ".join(cohorts)
            )
        )
    click.echo(t.gettext("Restart `kabar run` to send from it."))


@bot.command(name="list")
def list_() -> None:
    """The default bot and every bot added: cohorts, registered families, paid broadcasts."""
    from rich.table import Table

    from bot.domain.bots import overview

    config = settings()
    t = operator_translator(config)

    async def work(session: AsyncSession) -> list[BotOverview]:
        return await overview(
            session,
            default_username=config.bot_username,
            default_token=config.bot_token,
            default_paid=config.paid_broadcast,
        )

    rows = in_transaction(config, work)
    table = Table(title=t.gettext("Bots"), title_justify="left")
    table.add_column(t.gettext("Bot"))
    table.add_column(t.gettext("Token"))
    table.add_column(t.gettext("Cohorts"), overflow="fold")
    table.add_column(t.gettext("Registered"), justify="right")
    table.add_column(t.gettext("Paid broadcasts"))
    for row in rows:
        name = f"@{row.username}" if row.username != "—" else row.username
        if row.id is None:
            name = t.gettext("{bot} (default)").format(bot=name)
        cohorts = ", ".join(row.cohorts) if row.cohorts else "—"
        if row.id is None and not row.cohorts:
            cohorts = t.gettext("every other cohort")
        table.add_row(
            name,
            row.token,
            cohorts,
            t.format_number(row.families),
            t.gettext("yes") if row.paid_broadcast else t.gettext("no"),
        )
    print_table(table)
