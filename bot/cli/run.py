"""`kabar run`: the bot itself."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from bot.cli.common import fail, operator_translator, prepare_database, run_async, settings

if TYPE_CHECKING:
    from bot.tg.webhook import WebhookConfig


@click.command()
@click.option(
    "--webhook-url",
    metavar="URL",
    help="Receive updates by webhook at this public URL instead of long polling. "
    "Several workers may share one PostgreSQL database this way.",
)
@click.option(
    "--listen",
    metavar="HOST",
    default=None,
    help="Address the webhook server binds to (default 127.0.0.1; behind a reverse proxy).",
)
@click.option(
    "--port",
    type=int,
    default=None,
    help="Port the webhook server listens on (default 8443).",
)
@click.option(
    "--secret-token",
    metavar="S",
    default=None,
    help="Secret Telegram sends with every update (1-256 of A-Z a-z 0-9 _ -). "
    "Default: derived from the bot token, so every worker agrees.",
)
@click.option(
    "--health-port",
    type=click.IntRange(0, 65535),
    default=None,
    help="Serve /healthz, /readyz and /metrics on this port (127.0.0.1, or --listen). "
    "A webhook server serves them on its own port anyway.",
)
def run(
    webhook_url: str | None,
    listen: str | None,
    port: int | None,
    secret_token: str | None,
    health_port: int | None,
) -> None:
    """Run the bot (long polling, or webhook with --webhook-url).

    Applies pending migrations on SQLite.
    """
    import asyncio
    import signal

    from bot.app.serve import serve
    from bot.lib.collector import freeze_start_up
    from bot.lib.config import ConfigError
    from bot.lib.logs import configure_logging

    config = settings()
    t = operator_translator(config)
    try:
        config.require_token()
    except ConfigError as error:
        fail(error.lines()[0])
    webhook: WebhookConfig | None = None
    health = None
    # bot.tg.webhook imports aiohttp's server: only when the bot serves something
    # (docs/PERFORMANCE.md, "Memory of `kabar run`").
    if health_port is not None:
        from bot.tg.webhook import DEFAULT_LISTEN

        health = (listen or DEFAULT_LISTEN, health_port)
    if webhook_url is None:
        if port is not None or secret_token is not None:
            fail("--port and --secret-token need --webhook-url")
        if listen is not None and health_port is None:
            fail("--listen needs --webhook-url or --health-port")
    else:
        from bot.tg.webhook import DEFAULT_LISTEN, DEFAULT_PORT, WebhookConfig, check_config

        webhook = WebhookConfig(
            url=webhook_url,
            listen=listen or DEFAULT_LISTEN,
            port=DEFAULT_PORT if port is None else port,
            secret_token=secret_token,
        )
        problems = check_config(webhook)
        if problems:
            fail(problems[0])
    prepare_database(config)
    configure_logging("json" if config.log_format == "json" else "text")

    async def main() -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stop.set)
        await serve(config, stop=stop, webhook=webhook, health=health, started=freeze_start_up)

    from bot.db.sqlite_files import InUseError, running_lock
    from bot.lib.malloc_arenas import share_one_arena

    share_one_arena()
    try:
        # Held while the bot runs: `kabar db restore` and a second `kabar run` see it.
        with running_lock(config.database_url):
            run_async(main())
    except InUseError:
        fail(t.gettext("Another `kabar run` is using this database already."))
    except Exception as error:
        from bot.tg.application import startup_failure
        from bot.tg.extra_bots import RefusedBotError
        from bot.tg.webhook import ListenError

        if isinstance(error, RefusedBotError):
            fail(
                t.gettext(
                    "Telegram refused the token of bot @{username}: give it its new token "
                    "with `kabar bot add NEW_TOKEN`."
                ).format(username=error.username)
            )
        failure = startup_failure(error)
        if failure == "token":
            fail(t.gettext("Telegram refused the bot token (KABAR_BOT_TOKEN)."))
        if failure == "network":
            fail(t.gettext("Cannot reach the Telegram Bot API: {error}").format(error=error))
        if isinstance(error, ListenError):
            fail(t.gettext("Webhook server: {error}").format(error=error))
        raise
    click.echo(t.gettext("Kabar stopped."))
