"""How fast this machine is right now, in two fixed pieces of work, printed beside a
benchmark's figures.

The machine is a shared virtual one: the same code has measured twice as slow from one hour
to the next (docs/PERFORMANCE.md, "How fast the machine was"), with nothing else running on
it. A benchmark's figure read with these two says whether the machine or the code changed.
Each is the median CPU time of five runs of the same work in this process: a pure-Python
loop (the interpreter: most of `kabar run`) and an SQLite window and group over 200,000
rows in memory (the insights' kind of statement).

Run alone: .venv/bin/python tests/benchmarks/machine.py
"""

from __future__ import annotations

import sqlite3
import statistics
import time
from collections.abc import Callable

RUNS = 5


def _python_loop() -> None:
    total = 0
    for i in range(1_000_000):
        total += i % 7


def _sqlite_window(connection: sqlite3.Connection) -> Callable[[], None]:
    connection.execute("CREATE TABLE t (family INTEGER, round INTEGER, q REAL)")
    connection.executemany(
        "INSERT INTO t VALUES (?, ?, ?)",
        ((n % 25_000, n // 25_000, (n * 7919) % 101) for n in range(200_000)),
    )

    def run() -> None:
        connection.execute(
            "SELECT count(*), sum(q1) FROM (SELECT family, max(q) FILTER (WHERE n = 1) AS q1"
            " FROM (SELECT family, q, row_number() OVER (PARTITION BY family ORDER BY round"
            " DESC) AS n FROM t) GROUP BY family)"
        ).fetchall()

    return run


def _median_cpu_ms(work: Callable[[], None]) -> float:
    times = []
    for _ in range(RUNS):
        started = time.process_time()
        work()
        times.append((time.process_time() - started) * 1000)
    return statistics.median(times)


def speed() -> str:
    """One line: the two reference times (lower is a faster machine)."""
    connection = sqlite3.connect(":memory:")
    try:
        window = _sqlite_window(connection)
        python_ms, sqlite_ms = _median_cpu_ms(_python_loop), _median_cpu_ms(window)
    finally:
        connection.close()
    return f"machine speed: Python loop {python_ms:.0f} ms, SQLite window {sqlite_ms:.0f} ms"


if __name__ == "__main__":
    print(speed())
