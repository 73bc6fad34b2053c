"""FakeTelegram: the in-process fake Bot API server and its Python API."""

from __future__ import annotations

from types import TracebackType
from typing import Any, Self

from aiohttp import web

from bot.sandbox.fakeapi.control import add_control_routes
from bot.sandbox.fakeapi.faults import Faults
from bot.sandbox.fakeapi.flood import FloodLimits
from bot.sandbox.fakeapi.methods import effective_commands, scope_key, webhook_info
from bot.sandbox.fakeapi.push import WebhookPusher
from bot.sandbox.fakeapi.routes import WORLD_KEY, add_bot_routes
from bot.sandbox.fakeapi.state import ApiCall, UserProfile, World
from bot.sandbox.fakeapi.transcript import TranscriptEntry, render_entries
from bot.sandbox.fakeapi.updates import UpdateQueue
from bot.sandbox.fakeapi.user import FakeUser

MAX_UPLOAD = 50 * 1024 * 1024  # Telegram's bot upload limit


class FakeTelegram:
    """A local Telegram Bot API speaking real HTTP.

    ``async with FakeTelegram() as tg:`` starts it on a free 127.0.0.1 port; point PTB at
    ``tg.api_url`` / ``tg.file_url`` and drive users with ``tg.user(...)``.
    """

    def __init__(
        self,
        *,
        bot_username: str = "kabar_sandbox_bot",
        bot_first_name: str = "Kabar Sandbox",
        host: str = "127.0.0.1",
        port: int = 0,
        webhook_max_attempts: int = 5,
        webhook_backoff: float = 0.05,
        control_api: bool = True,
    ) -> None:
        self.world = World(bot_username=bot_username, bot_first_name=bot_first_name)
        self.host = host
        self.port = port
        self._users: dict[int, FakeUser] = {}
        self._pusher = WebhookPusher(
            self.world, max_attempts=webhook_max_attempts, backoff=webhook_backoff
        )
        self._app = web.Application(client_max_size=MAX_UPLOAD)
        self._app[WORLD_KEY] = self.world
        add_bot_routes(self._app)
        if control_api:
            add_control_routes(self._app, self)
        self._runner: web.AppRunner | None = None

    # --- lifecycle ----------------------------------------------------------------------

    async def start(self) -> None:
        self.world.closing = False
        runner = web.AppRunner(self._app, access_log=None, shutdown_timeout=1.0)
        await runner.setup()
        site = web.TCPSite(runner, self.host, self.port)
        await site.start()
        self._runner = runner
        if self.port == 0:
            self.port = int(runner.addresses[0][1])
        await self._pusher.start()

    async def stop(self) -> None:
        # Release long polls first so shutdown does not wait for their timeouts.
        self.world.closing = True
        self.world.updates.pulse.fire()
        for queue in self.world.bot_queues.values():
            queue.pulse.fire()
        await self._pusher.stop()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> Self:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.stop()

    # --- addresses ----------------------------------------------------------------------

    @property
    def base_url(self) -> str:
        return f"http://{self.host}:{self.port}"

    @property
    def api_url(self) -> str:
        """PTB ``base_url`` (the token is appended): ``http://127.0.0.1:PORT/bot``."""
        return f"{self.base_url}/bot"

    @property
    def file_url(self) -> str:
        """PTB ``base_file_url``: ``http://127.0.0.1:PORT/file/bot``."""
        return f"{self.base_url}/file/bot"

    # --- users --------------------------------------------------------------------------

    def user(
        self,
        user_id: int,
        first_name: str | None = None,
        *,
        last_name: str | None = None,
        username: str | None = None,
        language_code: str | None = None,
        phone: str | None = None,
        started: bool = False,
    ) -> FakeUser:
        """Get or create a user. Given fields update an existing one. ``started=True``
        pretends the user already opened the chat, so the bot may message them first."""
        existing = self._users.get(user_id)
        if existing is not None:
            profile = existing.profile
            profile.first_name = first_name or profile.first_name
            profile.last_name = last_name or profile.last_name
            profile.username = username or profile.username
            profile.language_code = language_code or profile.language_code
            profile.phone = phone or profile.phone
            user = existing
        else:
            profile = UserProfile(
                id=user_id,
                first_name=first_name or f"User{user_id}",
                last_name=last_name,
                username=username,
                language_code=language_code,
                phone=phone,
            )
            user = FakeUser(self.world, self.world.ensure_chat(profile))
            self._users[user_id] = user
        if started:
            self.world.chats[user_id].started = True
        return user

    def add_bot(self, bot_id: int, username: str) -> str:
        """Another bot on this server, with its own updates and limits; its token."""
        self.world.bot_usernames[bot_id] = username
        self.world.bot_queues.setdefault(bot_id, UpdateQueue())
        return f"{bot_id}:{'B' * 35}"

    def users(self) -> list[FakeUser]:
        return list(self._users.values())

    # --- inspection ---------------------------------------------------------------------

    @property
    def faults(self) -> Faults:
        return self.world.faults

    def enforce_limits(
        self, per_second: int = 30, *, chat_burst: int = 3, retry_after: int = 1
    ) -> FloodLimits:
        """Answer 429 like Telegram beyond its sending limits (bot/sandbox/fakeapi/flood.py)."""
        self.world.flood = FloodLimits(per_second, chat_burst=chat_burst, retry_after=retry_after)
        return self.world.flood

    @property
    def calls(self) -> list[ApiCall]:
        """Every bot call: ``(monotonic_time, method, chat_id, ok)``."""
        return self.world.calls

    def transcript(self, chat_id: int) -> list[TranscriptEntry]:
        chat = self.world.chats.get(chat_id)
        return [] if chat is None else list(chat.transcript)

    def render_transcript(self, chat_id: int) -> str:
        return render_entries(self.transcript(chat_id))

    def sent_messages(self, chat_id: int | None = None) -> list[dict[str, Any]]:
        """Messages the bot sent successfully, as originally sent (edits not applied)."""
        if chat_id is None:
            return list(self.world.sent)
        chat = self.world.chats.get(chat_id)
        return [] if chat is None else list(chat.sent)

    def message(self, chat_id: int, message_id: int) -> dict[str, Any] | None:
        """The current state of a message (edits applied), or None if unknown/deleted."""
        chat = self.world.chats.get(chat_id)
        return None if chat is None else chat.messages.get(message_id)

    def chat_actions(self, chat_id: int) -> list[str]:
        chat = self.world.chats.get(chat_id)
        return [] if chat is None else list(chat.actions)

    def commands(
        self, scope: dict[str, Any] | None = None, language_code: str = ""
    ) -> list[dict[str, str]]:
        """Commands set for exactly this scope (default scope when None)."""
        return list(self.world.commands.get(scope_key(scope, language_code), []))

    def commands_for_chat(self, chat_id: int, language_code: str = "") -> list[dict[str, str]]:
        """The command menu a private chat would show, following Telegram's scope order."""
        return list(effective_commands(self.world, chat_id, language_code))

    def webhook_info(self) -> dict[str, Any]:
        return webhook_info(self.world)

    @property
    def pending_updates(self) -> int:
        return len(self.world.updates)

    def file_content(self, file_id: str) -> bytes:
        stored = self.world.files.get(file_id)
        if stored is None:
            raise KeyError(file_id)
        return stored.content
