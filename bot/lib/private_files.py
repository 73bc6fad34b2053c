"""Files that hold personal data (the database, backups, exports, media) are readable by
their owner only, whatever the process's umask."""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

PRIVATE_FILE = 0o600
PRIVATE_FOLDER = 0o700


def create_private(path: Path) -> None:
    """Create `path` as an empty file only its owner can read, unless it exists already."""
    with contextlib.suppress(FileExistsError):
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_FILE))


def private_file(path: Path) -> Path:
    """`path`, created if need be, then readable by its owner only (an export written over
    an older, world-readable file keeps the file's mode when opened for writing)."""
    create_private(path)
    path.chmod(PRIVATE_FILE)
    return path
