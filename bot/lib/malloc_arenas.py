"""One malloc arena for the bot process (glibc).

glibc gives each thread that allocates its own arena, up to 8 per core, and memory freed in
one arena serves only that arena's threads. The bot's threads (aiosqlite's, one per SQLite
connection, and the event loop's helpers) each kept a partly used arena: about 3 MB of
peak resident memory under load (docs/PERFORMANCE.md, "Memory of `kabar run`"). They
allocate little, so sharing the main arena costs no measurable CPU.
"""

from __future__ import annotations

import ctypes
import os
import sys

M_ARENA_MAX = -8  # glibc's malloc.h


def share_one_arena() -> bool:
    """Limit malloc to one arena, unless the operator set MALLOC_ARENA_MAX; on glibc only
    (elsewhere nothing changes). True when the limit was set. Call before threads start."""
    if not sys.platform.startswith("linux") or "MALLOC_ARENA_MAX" in os.environ:
        return False
    try:
        mallopt = ctypes.CDLL(None).mallopt
    except (OSError, AttributeError):  # not glibc (musl has no mallopt arenas)
        return False
    return bool(mallopt(M_ARENA_MAX, 1))
