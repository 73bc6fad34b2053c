"""The demo's staff member: an announcement with /siaran, its progress, its report."""

from __future__ import annotations

import asyncio

from sqlalchemy import select

from bot.db.database import Database
from bot.db.models import Broadcast, BroadcastStatus
from bot.domain.broadcasts import screens
from bot.domain.broadcasts.choices import EVERYONE, KIND_LABELS
from bot.domain.broadcasts.progress import watch_broadcasts
from bot.lib.clock import FakeClock
from bot.lib.i18n import N_, translator
from bot.sandbox.fakeapi import FakeUser

ANNOUNCEMENT = N_("The dryer arrives on Thursday at the village hall, {nama}. Bring your fibre.")


async def announce(staff: FakeUser, db: Database, clock: FakeClock) -> None:
    """A staff member sends every family an announcement in Telegram, as a person would:
    /siaran, "Everyone", the text, "Send now"; the clock's broadcast job then writes its
    messages and edits the progress message until the delivery report."""
    t = translator("id")
    await staff.send_command("siaran")
    await staff.replies_until(lambda e: e.kind == "text" and "📣" in e.text)
    await staff.press(t.gettext(KIND_LABELS[EVERYONE]))
    await staff.replies_until(lambda e: e.kind == "edit")
    await staff.send_text(t.gettext(ANNOUNCEMENT))
    preview = t.gettext(screens.PREVIEW).split("{")[0]
    await staff.replies_until(lambda e: e.kind == "text" and preview in e.text)
    await staff.press(t.gettext(screens.SEND_NOW))
    await staff.replies_until(lambda e: e.kind == "edit")
    for _ in range(400):  # the job `kabar run` runs every two seconds, on the demo's clock
        await watch_broadcasts(db, now=clock.now())
        async with db.sessions() as session:
            states = set(await session.scalars(select(Broadcast.status)))
        if states == {BroadcastStatus.DONE}:
            return
        await asyncio.sleep(0.05)
