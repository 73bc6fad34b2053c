"""Run a module and count the SQL statements it executes, by statement shape.

Run:  python tests/benchmarks/sql_census.py OUT.txt -m bot run

Every SQLAlchemy engine in the process is watched (an event on the Engine class); statements
are grouped by their text with whitespace collapsed and cut at 120 characters. Written when
the module returns (a clean SIGTERM stop), most frequent first.
"""

from __future__ import annotations

import re
import runpy
import sys
from collections import Counter
from pathlib import Path
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Engine

counts: Counter[str] = Counter()


def _count(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
    counts[re.sub(r"\s+", " ", statement).strip()[:120]] += 1


def main() -> None:
    if len(sys.argv) < 4 or sys.argv[2] != "-m":
        raise SystemExit(__doc__)
    out, module = Path(sys.argv[1]), sys.argv[3]
    sys.argv = [module, *sys.argv[4:]]
    event.listen(Engine, "before_cursor_execute", _count)
    try:
        runpy.run_module(module, run_name="__main__", alter_sys=True)
    except SystemExit:
        pass
    finally:
        lines = [f"{n:8d}  {text}" for text, n in counts.most_common()]
        out.write_text(f"{sum(counts.values()):8d}  (all)\n" + "\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
