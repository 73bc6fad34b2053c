"""Start-up's objects kept out of the collector's full passes (`kabar run`).

A full collection walks every object that has survived two earlier ones. After start-up
that is mostly what the imports and the Application made: SQLAlchemy's, PTB's, Babel's and
our own modules, classes and functions, which live as long as the process. Walking them
held the event loop for 110-210 ms at each full collection while 200 families answered,
the longest gaps in the bulk sender's 30 a second (docs/PERFORMANCE.md, "Bulk at 30/s while
200 answer"). Frozen, they are not walked again; objects made later are collected as usual.
"""

from __future__ import annotations

import gc


def freeze_start_up() -> None:
    """Collect start-up's garbage, then move every surviving object to the collector's
    permanent generation. Once per process, after start-up: an object frozen and later
    dropped inside a reference cycle is never freed."""
    gc.collect()
    gc.freeze()
