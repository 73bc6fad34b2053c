"""Python's cyclic garbage collector: held off while a round opens, and start-up's objects
frozen out of its full passes in `kabar run`.

Opening a round of 100,000 makes some twenty objects per family, and every few thousand
of them start a collection; the full ones walk every object in the process (its imported
modules too, most of `kabar run`'s 100 MB). The collections, six of them full, were 0.45 to
0.5 of a CPU second of the 2.1 the opening took (docs/PERFORMANCE.md, #14). What is made
there has no cycles to collect (rows, messages, tuples), and the collector runs again as
soon as the opening ends, so whatever cycle another task made meanwhile is collected
seconds later, not lost.
"""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator


class _Hold:
    """How many openings hold the collector off (several cohorts may open at once), and
    whether it ran before the first: it runs again when the last one ends."""

    def __init__(self) -> None:
        self.holders = 0
        self.was_enabled = False


_HOLD = _Hold()


@contextlib.contextmanager
def collector_held() -> Iterator[None]:
    if _HOLD.holders == 0:
        _HOLD.was_enabled = gc.isenabled()
        gc.disable()
    _HOLD.holders += 1
    try:
        yield
    finally:
        _HOLD.holders -= 1
        if _HOLD.holders == 0 and _HOLD.was_enabled:
            gc.enable()


def freeze_start_up() -> None:
    """Collect start-up's garbage, then move every surviving object to the collector's
    permanent generation. A full collection walks every object that survived two earlier
    ones: after start-up mostly the imports' and the Application's, which live as long as
    the process. Walking them held the event loop for 110-210 ms at each full collection
    while 200 families answered, the longest gaps in the bulk sender's 30 a second
    (docs/PERFORMANCE.md, "Bulk at 30/s while 200 answer"). Once per process, after
    start-up: an object frozen and later dropped inside a reference cycle is never freed."""
    gc.collect()
    gc.freeze()
