"""A local fake Telegram Bot API server for tests and ``kabar demo``.

async with FakeTelegram() as tg:
    user = tg.user(1001, first_name="Siti", phone="+6281300002001")
    await user.send_command("start")
    reply = await user.next_reply()
"""

from bot.sandbox.fakeapi.api_errors import ApiError
from bot.sandbox.fakeapi.faults import FaultRule, Faults
from bot.sandbox.fakeapi.server import FakeTelegram
from bot.sandbox.fakeapi.state import ApiCall
from bot.sandbox.fakeapi.transcript import TranscriptEntry, render_entries
from bot.sandbox.fakeapi.user import FakeUser

__all__ = [
    "ApiCall",
    "ApiError",
    "FakeTelegram",
    "FakeUser",
    "FaultRule",
    "Faults",
    "TranscriptEntry",
    "render_entries",
]
