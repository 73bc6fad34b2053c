"""Copies of the files people send, for staff: fetched from Telegram in the background.

A clock job (bot/app/clock_loop.py) takes the attachments that are due, a few at a time:
none is fetched while an update is being handled, so a reply never waits for a download.
A file above the size limit is skipped (Telegram's getFile serves at most 20 MB anyway);
a failed fetch is tried again later, each wait twice the last, and given up after
MAX_ATTEMPTS. The database is not held open while a file travels.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Protocol

from sqlalchemy import or_, select, update

from bot.db.database import Database
from bot.db.models import Attachment
from bot.domain.media.folder import relative_path, write_private

log = logging.getLogger(__name__)

PENDING, SAVED, SKIPPED, FAILED = "pending", "saved", "skipped", "failed"
MAX_BYTES = 20 * 1024 * 1024  # the most the Bot API's getFile serves
MAX_ATTEMPTS = 5
FIRST_WAIT = timedelta(minutes=1)
LONGEST_WAIT = timedelta(hours=6)
BATCH = 10


class TooBigError(Exception):
    """The file is larger than may (or can) be fetched."""


class FetchError(Exception):
    """This try failed (network, Telegram's error); a later one may not."""


@dataclass(frozen=True, slots=True)
class Fetched:
    content: bytes
    suffix: str  # the file's extension as Telegram names it, e.g. ".jpg", ".oga"


class FileFetcher(Protocol):
    """Fetches a file's bytes by its Telegram file id (bot/tg/files.py)."""

    async def fetch(self, file_id: str, max_bytes: int) -> Fetched: ...


@dataclass(frozen=True, slots=True)
class _Due:
    id: int
    person_id: str
    kind: str
    file_id: str
    size: int | None
    attempts: int


def retry_wait(attempts: int) -> timedelta:
    """The wait after the `attempts`-th failed try: 1 min, 2, 4, … at most 6 hours."""
    wait: timedelta = FIRST_WAIT * (2 ** max(attempts - 1, 0))
    return min(wait, LONGEST_WAIT)


async def download_due(
    db: Database,
    fetcher: FileFetcher,
    folder: Path,
    *,
    now: datetime,
    max_bytes: int = MAX_BYTES,
) -> int:
    """Fetch the attachments due now; how many rows changed."""
    async with db.sessions() as session:
        rows = (
            await session.execute(
                select(
                    Attachment.id,
                    Attachment.person_id,
                    Attachment.kind,
                    Attachment.telegram_file_id,
                    Attachment.size_bytes,
                    Attachment.download_attempts,
                )
                .where(
                    Attachment.download_status == PENDING,
                    or_(Attachment.download_after.is_(None), Attachment.download_after <= now),
                )
                .order_by(Attachment.id)
                .limit(BATCH)
            )
        ).all()
    changed = 0
    for row in rows:
        await _download(db, fetcher, folder, _Due(*row), now, max_bytes)
        changed += 1
    return changed


async def _download(
    db: Database, fetcher: FileFetcher, folder: Path, due: _Due, now: datetime, max_bytes: int
) -> None:
    values: dict[str, object]
    try:
        if due.size is not None and due.size > max_bytes:
            raise TooBigError()
        fetched = await fetcher.fetch(due.file_id, max_bytes)
        relative = relative_path(due.person_id, due.id, due.kind, fetched.suffix)
        await asyncio.to_thread(write_private, folder, relative, fetched.content)
        values = {
            "download_status": SAVED,
            "local_path": relative,
            "download_after": None,
            "download_attempts": due.attempts + 1,
        }
    except TooBigError:
        log.info("attachment %d is above the download limit: skipped", due.id)
        values = {"download_status": SKIPPED, "download_after": None}
    except (FetchError, OSError) as error:
        attempts = due.attempts + 1
        if attempts >= MAX_ATTEMPTS:
            log.warning("attachment %d not downloaded after %d tries: %s", due.id, attempts, error)
            values = {"download_status": FAILED, "download_after": None}
        else:
            log.info("attachment %d: try %d failed (%s); again later", due.id, attempts, error)
            values = {"download_after": now + retry_wait(attempts)}
        values["download_attempts"] = attempts
    async with db.transaction() as session:
        result = await session.execute(
            update(Attachment).where(Attachment.id == due.id).values(values)
        )
    if "local_path" in values and not getattr(result, "rowcount", 1):
        # The row went while the file travelled: its person was erased, and the erasure
        # could not know of this copy. It goes too.
        _remove(folder / str(values["local_path"]))


def _remove(path: Path) -> None:
    path.unlink(missing_ok=True)
    with contextlib.suppress(OSError):  # the person's other files are still there
        path.parent.rmdir()
