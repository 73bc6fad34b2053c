"""Fetching a file people sent: getFile, then its download URL, through PTB's own calls."""

from __future__ import annotations

from io import BytesIO
from pathlib import PurePosixPath

from telegram import Bot
from telegram.error import BadRequest, TelegramError

from bot.domain.media.downloads import Fetched, FetchError, TooBigError


class TelegramFiles:
    """bot/domain/media/downloads.py's FileFetcher over the Bot API.

    A file id is valid only for the bot that received the file: with several bots, one
    another bot refuses as unknown is asked of the next (the default bot first)."""

    def __init__(self, bot: Bot, *others: Bot) -> None:
        self.bots = (bot, *others)

    async def fetch(self, file_id: str, max_bytes: int) -> Fetched:
        for bot in self.bots[:-1]:
            try:
                return await self._fetch(bot, file_id, max_bytes)
            except _NotThisBotsError:
                continue
        try:
            return await self._fetch(self.bots[-1], file_id, max_bytes)
        except _NotThisBotsError as error:
            raise FetchError(str(error)) from error

    @staticmethod
    async def _fetch(bot: Bot, file_id: str, max_bytes: int) -> Fetched:
        try:
            found = await bot.get_file(file_id)
            if found.file_size is not None and found.file_size > max_bytes:
                raise TooBigError()
            buffer = BytesIO()
            await found.download_to_memory(out=buffer)
        except BadRequest as error:
            if "too big" in str(error).lower():  # Telegram's "file is too big"
                raise TooBigError() from error
            raise _NotThisBotsError(str(error)) from error
        except TelegramError as error:  # network errors and 5xx included
            raise FetchError(str(error)) from error
        content = buffer.getvalue()
        if len(content) > max_bytes:
            raise TooBigError()
        return Fetched(content, PurePosixPath(found.file_path or "").suffix)


class _NotThisBotsError(Exception):
    """Telegram refused the file id: another bot's, or none at all."""
