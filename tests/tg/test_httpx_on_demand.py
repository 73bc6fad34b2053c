"""PTB's own transport (httpx) still works when something uses it, although the Telegram
edge no longer imports httpx up front (bot/tg/httpx_on_demand.py)."""

from __future__ import annotations

import asyncio
import sys

from bot.sandbox.fakeapi import FakeTelegram

# A fresh interpreter: the test process may have imported httpx already.
SCRIPT = """
import asyncio, sys
import bot.tg
from telegram import Bot
from telegram.ext import ApplicationBuilder

print("httpx imported with the edge:", "httpx" in sys.modules)

async def main() -> None:
    async with Bot(sys.argv[1], base_url=sys.argv[2]) as plain:
        print("PTB's default transport:", (await plain.get_me()).username)
    built = ApplicationBuilder().token(sys.argv[1]).base_url(sys.argv[2]).build()
    async with built:
        print("an application's default transport:", built.bot.username)

asyncio.run(main())
"""


async def test_ptb_on_its_default_transport_imports_httpx_when_used_and_reaches_telegram() -> None:
    async with FakeTelegram() as tg:
        token = tg.add_bot(5555, "plain_bot")
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-c",
            SCRIPT,
            token,
            tg.api_url,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
        )
        out, err = await process.communicate()
    assert process.returncode == 0, err.decode()
    assert out.decode().splitlines() == [
        "httpx imported with the edge: False",
        "PTB's default transport: plain_bot",
        "an application's default transport: plain_bot",
    ]
