"""Run a module and count the SQL statements it executes, by statement shape.

Run:  python tests/benchmarks/sql_census.py OUT.txt -m bot run

Every SQLAlchemy engine in the process is watched (an event on the Engine class); statements
are grouped by their text with whitespace collapsed and cut at 120 characters. ORM flushes
are counted too, by the line of Kabar's code that caused them: a flush in the middle of a
group of updates splits its UPDATEs into more statements. Written when the module returns
(a clean SIGTERM stop), most frequent first.
"""

from __future__ import annotations

import re
import runpy
import sys
from collections import Counter
from pathlib import Path
from typing import Any

import greenlet
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

counts: Counter[str] = Counter()
flushes: Counter[str] = Counter()
OURS = str(Path(__file__).resolve().parents[2] / "bot")


def _count(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
    counts[re.sub(r"\s+", " ", statement).strip()[:120]] += 1


def _flush(*_args: Any) -> None:
    # SQLAlchemy's async layer runs the flush in a greenlet whose stack ends where it was
    # spawned; the code that caused it is on the stack of the greenlet that spawned it.
    frame: Any = sys._getframe()
    ours: list[str] = []
    current: Any = greenlet.getcurrent()
    while frame is not None or current is not None:
        while frame is not None:
            if frame.f_code.co_filename.startswith(OURS):
                ours.append(f"{Path(frame.f_code.co_filename).name}:{frame.f_lineno}")
            frame = frame.f_back
        current = current.parent if current is not None else None
        frame = current.gr_frame if current is not None else None
    flushes[" < ".join(ours[:3]) or "(outside bot/)"] += 1


def main() -> None:
    if len(sys.argv) < 4 or sys.argv[2] != "-m":
        raise SystemExit(__doc__)
    out, module = Path(sys.argv[1]), sys.argv[3]
    sys.argv = [module, *sys.argv[4:]]
    event.listen(Engine, "before_cursor_execute", _count)
    event.listen(Session, "before_flush", _flush)
    try:
        runpy.run_module(module, run_name="__main__", alter_sys=True)
    except SystemExit:
        pass
    finally:
        lines = [f"{n:8d}  {text}" for text, n in counts.most_common()]
        lines += ["", f"{sum(flushes.values()):8d}  flushes, by where they were caused"]
        lines += [f"{n:8d}  {where}" for where, n in flushes.most_common()]
        out.write_text(f"{sum(counts.values()):8d}  (all)\n" + "\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
