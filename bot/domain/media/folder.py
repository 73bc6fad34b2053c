"""Where the copies of media live, and how one is written: beside a SQLite database (its
folder's media/), elsewhere where KABAR_MEDIA_DIR says (default ./media).

The files hold personal data (faces, voices): folders are made 0700 and files 0600,
whatever the process's umask.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from sqlalchemy.engine import make_url

DEFAULT_FOLDER = "media"
_UNSAFE = re.compile(r"[^A-Za-z0-9_-]+")


def media_folder(database_url: str, configured: str | None = None) -> Path:
    """The media folder for this database; `configured` (KABAR_MEDIA_DIR) wins."""
    if configured:
        return Path(configured)
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite" and url.database not in (None, "", ":memory:"):
        return Path(url.database or "").parent / DEFAULT_FOLDER
    return Path(DEFAULT_FOLDER)


def relative_path(person_id: str, attachment_id: int, kind: str, suffix: str) -> str:
    """Where attachment `attachment_id` goes under the media folder: one folder a person.

    Roster ids are free text, so only safe characters name the folder."""
    folder = _UNSAFE.sub("_", person_id).strip("_") or "unknown"
    extension = _UNSAFE.sub("", suffix.lstrip("."))[:8]
    name = f"{attachment_id}-{_UNSAFE.sub('_', kind)}"
    return f"{folder}/{name}.{extension}" if extension else f"{folder}/{name}"


def write_private(root: Path, relative: str, content: bytes) -> Path:
    """Write `content` at `root`/`relative`, readable by this user alone; all or nothing
    (a half-written file never has the final name). Blocking: run it in a thread."""
    target = root / relative
    folder = root
    _private_folder(folder)
    for part in Path(relative).parent.parts:
        folder = folder / part
        _private_folder(folder)
    partial = target.with_name(target.name + ".part")
    descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        os.fchmod(descriptor, 0o600)
        with os.fdopen(descriptor, "wb", closefd=False) as handle:
            handle.write(content)
            handle.flush()
            os.fsync(handle.fileno())
    finally:
        os.close(descriptor)
    partial.replace(target)
    return target


def _private_folder(folder: Path) -> None:
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    folder.chmod(0o700)
