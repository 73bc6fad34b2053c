"""A broadcast to a province, measured whole: `kabar broadcast` writes it, a real `kabar run`
process expands it into outbox rows and sends every message to the fake Bot API.

Run: .venv/bin/python tests/benchmarks/bench_broadcast.py [--families 100000]
         [--limit 30|paid] [--database-url URL] [--profile OUT.prof]

Reports, from the moment `kabar run` starts (the broadcast is already due, so its expansion
into 100,000 outbox rows is inside the measured time) to the last message's arrival at the
fake server: the rate, the most in any second, refusals, and the CPU of the `kabar run`
process (all of it: sender, clocks, the expansion, the progress job) as a share of one core
and per message, and the CPU of this process (the fake server and its families) per message.
Targets (#10): at 30/s, at least 95% of the limit with under 10% of a core; with the paid
broadcast limit (1,000/s), at least 95% of it.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from bot.db.database import Database  # noqa: E402
from bot.db.migrate import upgrade  # noqa: E402
from bot.sandbox.fakeapi import FakeTelegram  # noqa: E402
from tests.benchmarks.bench_send_rate import max_in_any_second  # noqa: E402
from tests.domain.rounds.support import seed_cohort  # noqa: E402
from tests.support.process import KabarProcess  # noqa: E402

LIMITS = {
    "30": {"KABAR_SEND_PER_SECOND": "30", "KABAR_SEND_CHAT_INTERVAL": "1"},
    "paid": {
        "KABAR_SEND_PER_SECOND": "30",
        "KABAR_SEND_CHAT_INTERVAL": "1",
        "KABAR_PAID_BROADCAST": "true",
    },
}


def cpu_seconds(pid: int) -> float:
    """User and system CPU of a process so far, from /proc."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


CPU_PROFILE = Path(__file__).with_name("cpu_profile.py")


async def run(
    families: int, limit: str, url: str | None, profile: str | None = None
) -> dict[str, float]:
    folder = Path(tempfile.mkdtemp())
    url = url or f"sqlite:///{folder / 'bench.db'}"
    upgrade(url)
    db = Database(url)
    await seed_cohort(db, families, quiet=("00:00", "00:00"), created=datetime.now(UTC))
    await db.dispose()
    command = await asyncio.create_subprocess_exec(
        *(sys.executable, "-m", "bot", "broadcast", "--text", "Pelatihan hari Senin, {nama}."),
        cwd=folder,
        env={**os.environ, "KABAR_DATABASE_URL": url, "KABAR_LOCALE": "en"},
        stdout=asyncio.subprocess.PIPE,
    )
    written = (await command.communicate())[0].decode()
    assert f"Recipients: {families:,}" in written, written
    async with FakeTelegram() as tg:
        for number in range(families):
            tg.user(10_000 + number, started=True)
        prefix = (str(CPU_PROFILE), profile) if profile else ()
        kabar = KabarProcess(tg, url, folder, extra_env=LIMITS[limit], prefix=prefix)
        started = time.monotonic()  # the fake server's clock
        own_cpu = time.process_time()
        await kabar.start()
        assert kabar.process is not None
        pid = kabar.process.pid
        async with asyncio.timeout(families / 20 + 600):
            while len(tg.world.sent) < families:
                await asyncio.sleep(0.5)
        cpu = cpu_seconds(pid)
        fake_cpu = time.process_time() - own_cpu
        arrivals = sorted(c.time for c in tg.calls if c.method == "sendMessage")
        last = arrivals[-1]
        refused = sum(1 for c in tg.calls if not c.ok)
        await kabar.stop()
    whole = last - started
    return {
        "messages": families,
        "first_s": arrivals[0] - started,  # start-up and the broadcast's expansion
        "sustained": (families - 1) / (last - arrivals[0]),
        "whole_s": whole,
        "rate": families / whole,
        "max_1s": max_in_any_second(arrivals),
        "refused": refused,
        "cpu_share": cpu / whole,
        "cpu_ms": 1000 * cpu / families,
        "fake_cpu_ms": 1000 * fake_cpu / families,
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--families", type=int, default=100_000)
    parser.add_argument("--limit", choices=sorted(LIMITS), default="30")
    parser.add_argument("--database-url")
    parser.add_argument("--profile", metavar="OUT.prof", help="cProfile `kabar run` (CPU time)")
    args = parser.parse_args()
    result = asyncio.run(run(args.families, args.limit, args.database_url, args.profile))
    limit = 1000.0 if args.limit == "paid" else 30.0
    print(
        "| limit | messages | first message | sustained | whole run | rate | of limit "
        "| most in 1 s | refused | CPU | CPU per message | fake server's CPU per message |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    print(
        f"| {args.limit} | {result['messages']:,.0f} | {result['first_s']:.1f} s "
        f"| {result['sustained']:.1f}/s | {result['whole_s']:.1f} s "
        f"| {result['rate']:.1f}/s | {100 * result['rate'] / limit:.1f}% "
        f"| {result['max_1s']:.0f} | {result['refused']:.0f} "
        f"| {100 * result['cpu_share']:.1f}% of a core | {result['cpu_ms']:.3f} ms "
        f"| {result['fake_cpu_ms']:.3f} ms |"
    )
    print(f"load average at the end: {os.getloadavg()}")


if __name__ == "__main__":
    main()
