"""Run a module, then write the names of every module it imported, one a line; and beside
them (OUT.frozen) how many objects it left frozen out of the collector's passes.

Run:  python tests/support/modules_at_exit.py OUT.txt -m bot run

Used as a KabarProcess prefix: what a running bot holds in memory is what it imported.
"""

from __future__ import annotations

import gc
import runpy
import sys
from pathlib import Path


def main() -> None:
    if len(sys.argv) < 4 or sys.argv[2] != "-m":
        raise SystemExit(__doc__)
    out, module = Path(sys.argv[1]), sys.argv[3]
    sys.argv = [module, *sys.argv[4:]]
    try:
        runpy.run_module(module, run_name="__main__", alter_sys=True)
    finally:
        # A None entry marks a module as absent (bot/tg/__init__.py), not imported.
        loaded = (name for name, module in sys.modules.items() if module is not None)
        out.write_text("\n".join(sorted(loaded)) + "\n")
        out.with_suffix(".frozen").write_text(f"{gc.get_freeze_count()}\n")


if __name__ == "__main__":
    main()
