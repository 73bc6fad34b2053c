"""Where `kabar run`'s main thread spends its CPU, from a py-spy sampling profile.

py-spy samples the running bot from outside (no cProfile overhead, which inflates code made
of many small calls). Record the check-in benchmark's bot, then summarise:

    python3 -m venv /tmp/spy && /tmp/spy/bin/pip install py-spy
    .venv/bin/python tests/benchmarks/bench_checkin_throughput.py --families 200 --only kabar &
    sleep 1; /tmp/spy/bin/py-spy record -p "$(pgrep -f -- '-m bot run')" -r 1000 \
        --nonblocking -f raw -o /tmp/bot.raw; wait
    .venv/bin/python tests/benchmarks/spy_summary.py /tmp/bot.raw

Only the main thread's busy samples count: start-up (imports, the collector's freeze at
start) and the event loop waiting in epoll are left out, as are the database threads
(aiosqlite's, which wait on a queue or run SQLite's C code). Shares are of those samples:
by library (the sampled frame's own file) and by task (the coroutine the loop was
running).
"""

from __future__ import annotations

import re
import sys
from collections import Counter
from pathlib import Path

_FRAME_FILE = re.compile(r"\((.*?):\d+\)")
_START_UP = ("_find_and_load", "freeze_start_up")


def _library(frame: str) -> str:
    found = _FRAME_FILE.search(frame)
    path = found.group(1) if found else frame
    if path.startswith(("bot/", "conversations/")):
        return "Kabar: " + "/".join(path.split("/")[:2])
    if "/" in path and not path.startswith("<"):
        return path.split("/")[0]
    return "Python: " + path


def summarise(raw: Path) -> tuple[int, Counter[str], Counter[str]]:
    busy, libraries, tasks = 0, Counter[str](), Counter[str]()
    for line in raw.read_text().splitlines():
        stack, _, count = line.rpartition(" ")
        frames = stack.split(";")
        runner = [i for i, frame in enumerate(frames) if frame.startswith("Runner.run (")]
        if not runner or any(mark in stack for mark in _START_UP):
            continue  # another thread, or start-up
        if "asyncio/runners.py" in frames[-1]:
            continue  # the loop waiting for something to do
        n = int(count)
        busy += n
        libraries[_library(frames[-1])] += n
        below = frames[runner[0] + 1] if runner[0] + 1 < len(frames) else "?"
        tasks[re.sub(r":\d+\)", ")", below)] += n
    return busy, libraries, tasks


def main() -> None:
    if len(sys.argv) != 2:
        raise SystemExit(__doc__)
    busy, libraries, tasks = summarise(Path(sys.argv[1]))
    print(f"{busy} busy samples of the main thread\n")
    print("| library (own time) | share |\n|---|---:|")
    for name, n in libraries.most_common(12):
        print(f"| {name} | {n / busy:.1%} |")
    print("\n| task | share |\n|---|---:|")
    for name, n in tasks.most_common(8):
        print(f"| {name} | {n / busy:.1%} |")


if __name__ == "__main__":
    main()
