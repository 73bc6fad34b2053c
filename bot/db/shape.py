"""One UPDATE shape for rows a group of updates changes in different ways.

The ORM writes only the columns that changed, and batches UPDATEs (one executemany) only
across rows with the same set of them. Answers to different questions change different
columns, so a group of answers took a statement per set; marking the same columns written
every time makes one.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import inspect
from sqlalchemy.orm.attributes import flag_modified
from sqlalchemy.orm.base import NO_VALUE


def write_columns(row: object, names: Iterable[str]) -> None:
    """Have the next flush write `names` of `row`, changed or not."""
    state = inspect(row)
    if not state.persistent:
        return  # a new row is INSERTed whole
    before, now = state.committed_state, state.dict
    for name in names:
        if name not in now:
            continue  # not loaded (unset at INSERT): nothing to write
        if name in before and before[name] is not NO_VALUE and before[name] != now[name]:
            continue  # changed, so written anyway (flagging it costs more than this test)
        flag_modified(row, name)
