"""Talking to `kabar run` as a user and as an operator, in end-to-end tests."""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

from bot.db.database import Database
from bot.sandbox.fakeapi import FakeUser, TranscriptEntry


async def said(user: FakeUser, needle: str, timeout: float = 15) -> TranscriptEntry:
    """Wait for the bot's next message containing `needle`: a new one, or the pressed
    question turned into the next one (bot/flows/render.py); acks pass by."""
    entries = await user.replies_until(
        lambda e: e.kind in ("text", "edit") and needle in e.text, timeout=timeout
    )
    return entries[-1]


async def settled(db: Database) -> None:
    """Until every outbox row has its outcome recorded."""
    from sqlalchemy import func, select

    from bot.db.models import OutboxMessage, OutboxStatus

    async with asyncio.timeout(15):
        while True:
            async with db.sessions() as session:
                busy = await session.scalar(
                    select(func.count())
                    .select_from(OutboxMessage)
                    .where(OutboxMessage.status.in_([OutboxStatus.PENDING, OutboxStatus.SENDING]))
                )
            if not busy:
                return
            await asyncio.sleep(0.05)


async def kabar_outcome(
    database_url: str, workdir: Path, args: tuple[str, ...], locale: str
) -> tuple[int | None, str, str]:
    """`kabar ARGS` as an operator runs it: its exit code, what it printed and its error."""
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        *args,
        cwd=workdir,
        env={"KABAR_DATABASE_URL": database_url, "KABAR_LOCALE": locale, "PATH": "/usr/bin"},
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await process.communicate()
    return process.returncode, out.decode("utf-8-sig"), err.decode()


async def kabar_command(database_url: str, workdir: Path, *args: str, locale: str = "en") -> str:
    code, out, err = await kabar_outcome(database_url, workdir, args, locale)
    assert code == 0, err
    return out


async def kabar_refusal(database_url: str, workdir: Path, *args: str, locale: str) -> str:
    """The one line a refused `kabar ARGS` writes on stderr (its exit code is not 0)."""
    code, out, err = await kabar_outcome(database_url, workdir, args, locale)
    assert code != 0, out
    return err.strip()
