"""Run a module under cProfile timed by the main thread's CPU clock, not the wall clock.

Run:  python tests/benchmarks/cpu_profile.py OUT.prof -m bot run

`python -m cProfile` charges waiting (epoll, awaiting the database thread) to whatever is
waiting; with `time.thread_time` only the main thread's own CPU is counted, which is what
limits an asyncio bot. The stats are written when the module returns (a clean SIGTERM stop).
Read them with `python -m pstats OUT.prof`.
"""

from __future__ import annotations

import cProfile
import runpy
import sys
import time


def main() -> None:
    if len(sys.argv) < 4 or sys.argv[2] != "-m":
        raise SystemExit(__doc__)
    out, module = sys.argv[1], sys.argv[3]
    sys.argv = [module, *sys.argv[4:]]
    profiler = cProfile.Profile(time.thread_time)
    profiler.enable()
    try:
        runpy.run_module(module, run_name="__main__", alter_sys=True)
    except SystemExit:
        pass
    finally:
        profiler.disable()
        profiler.dump_stats(out)


if __name__ == "__main__":
    main()
