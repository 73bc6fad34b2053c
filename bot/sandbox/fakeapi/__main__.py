"""``python -m bot.sandbox.fakeapi --port 8081``: run the fake Bot API standalone."""

from __future__ import annotations

import argparse
import asyncio
import contextlib

from bot.sandbox.fakeapi.server import FakeTelegram


async def _serve(host: str, port: int, username: str, limits: bool) -> None:
    async with FakeTelegram(bot_username=username, host=host, port=port) as tg:
        if limits:
            tg.enforce_limits()
        print(f"api_url:  {tg.api_url}", flush=True)
        print(f"file_url: {tg.file_url}", flush=True)
        print(f"control:  {tg.base_url}/_fake/", flush=True)
        await asyncio.Event().wait()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bot.sandbox.fakeapi", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8081, help="0 picks a free port")
    parser.add_argument("--bot-username", default="kabar_sandbox_bot")
    parser.add_argument(
        "--telegram-limits",
        action="store_true",
        help="answer 429 beyond Telegram's sending limits (30 messages a second)",
    )
    args = parser.parse_args(argv)
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(_serve(args.host, args.port, args.bot_username, args.telegram_limits))


if __name__ == "__main__":
    main()
