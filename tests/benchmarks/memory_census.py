"""Run a module and write where its memory went: resident memory, modules and allocations.

Run:  python tests/benchmarks/memory_census.py OUT.txt -m bot run

When the module returns (a clean SIGTERM stop) OUT.txt gets the process's peak and current
resident memory, the modules loaded by top-level package (how many, and which of the usual
heavy ones), and, with `--trace` before OUT.txt, the Python allocations still alive by
top-level package and by line (tracemalloc; it slows the process and adds its own memory, so
read the shares, not the peak, from a traced run): then also what the run allocated
outside imports and still holds, by library and by the line of Kabar's code behind it, and
the snapshot itself in OUT.txt.snapshot (tracemalloc.Snapshot.load) for a closer look. A
traced census takes minutes to write at the stop.
"""

from __future__ import annotations

import runpy
import sys
import tracemalloc
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

HEAVY = ("matplotlib", "openpyxl", "zxingcpp", "PIL", "numpy", "rich", "prometheus_client",
         "alembic", "mako", "pygments", "qrcode", "segno", "phonenumbers", "apscheduler",
         "httpx")  # fmt: skip


def status() -> dict[str, str]:
    lines = Path("/proc/self/status").read_text().splitlines()
    return {k: v.strip() for k, _, v in (line.partition(":") for line in lines)}


def package(filename: str) -> str:
    parts = Path(filename).parts
    if "site-packages" in parts:
        return parts[parts.index("site-packages") + 1]
    for mine in ("bot", "conversations"):
        if mine in parts:
            return mine
    return "stdlib/other"


def mappings() -> Counter[str]:
    """Resident kB by mapping (shared libraries by name, anonymous memory as one line)."""
    rss: Counter[str] = Counter()
    name = ""
    for line in Path("/proc/self/smaps").read_text().splitlines():
        head = line.split()
        if "-" in head[0] and not head[0].endswith(":"):
            size = int(head[0].split("-")[1], 16) - int(head[0].split("-")[0], 16)
            name = head[5] if len(head) > 5 else f"[anonymous {size >> 20} MB mappings]"
            name = name if name.startswith("[") else Path(name).name
        elif head[0] == "Rss:":
            rss[name] += int(head[1])
    return rss


def code_sizes() -> Counter[str]:
    """Size of each loaded module's cached bytecode by top-level package: what its code
    objects take in memory, roughly (tracemalloc books them all to importlib)."""
    sizes: Counter[str] = Counter()
    for name, module in list(sys.modules.items()):
        cached = getattr(module, "__cached__", None)
        if cached and Path(cached).is_file():
            sizes[name.split(".")[0]] += Path(cached).stat().st_size
    return sizes


def census(out: str, trace: bool) -> None:
    now = status()
    lines = [f"peak RSS {now['VmHWM']}, now {now['VmRSS']} (anonymous {now['RssAnon']}, "
             f"files {now['RssFile']}); {now['Threads']} threads", ""]  # fmt: skip
    lines += ["resident by mapping:"]
    lines += [f"  {kb / 1024:8.1f} MB {name}" for name, kb in mappings().most_common(25)]
    lines.append("")
    by_top = Counter(name.split(".")[0] for name in list(sys.modules))
    lines.append(f"{len(sys.modules)} modules; heavy ones loaded: "
                 f"{[h for h in HEAVY if h in sys.modules]}")  # fmt: skip
    lines += [f"  {n:5} {top}" for top, n in by_top.most_common(40)]
    lines += ["", "compiled code loaded, by top-level package (bytes of the modules' .pyc files):"]
    lines += [f"  {size / 2**20:8.2f} MB {top}" for top, size in code_sizes().most_common(40)]
    if trace:
        current, peak = tracemalloc.get_traced_memory()
        lines += [f"traced Python allocations: {current / 2**20:.1f} MB live, "
                  f"{peak / 2**20:.1f} MB at most"]  # fmt: skip
        snapshot = tracemalloc.take_snapshot()
        snapshot.dump(out + ".snapshot")  # for a closer look: tracemalloc.Snapshot.load
        sizes: Counter[str] = Counter()
        for stat in snapshot.statistics("filename"):
            sizes[package(stat.traceback[0].filename)] += stat.size
        lines += ["", "live Python allocations by package (tracemalloc):"]
        lines += [f"  {size / 2**20:8.1f} MB {name}" for name, size in sizes.most_common(30)]
        lines += ["", "by line:"]
        lines += [f"  {s.size / 2**20:8.2f} MB {s.traceback[0]}"
                  for s in snapshot.statistics("lineno")[:40]]  # fmt: skip
        lines += after_imports(snapshot)
    Path(out).write_text("\n".join(lines) + "\n")


def after_imports(snapshot: tracemalloc.Snapshot) -> list[str]:
    """What the run allocated outside any import and still holds (deep tracebacks only):
    by the library whose line made it, and by the innermost line of Kabar's own code that
    led to it."""
    by_maker: Counter[str] = Counter()
    by_caller: Counter[str] = Counter()
    imports = tracemalloc.Filter(False, "<frozen importlib.*", all_frames=True)
    for stat in snapshot.filter_traces([imports]).statistics("traceback"):
        frames = list(reversed(stat.traceback))  # innermost first
        by_maker[package(frames[0].filename)] += stat.size
        ours = next((f for f in frames if package(f.filename) in ("bot", "conversations")), None)
        by_caller[f"{_short(ours.filename)}:{ours.lineno}" if ours else "-"] += stat.size
    total = sum(by_maker.values())
    lines = ["", f"allocated outside imports, still held: {total / 2**20:.1f} MB; by library:"]
    lines += [f"  {size / 2**20:8.2f} MB {name}" for name, size in by_maker.most_common(15)]
    lines += ["", "by the innermost line of Kabar's code that led to it:"]
    lines += [f"  {size / 2**20:8.2f} MB {name}" for name, size in by_caller.most_common(30)]
    return lines


def _short(filename: str) -> str:
    path = Path(filename)
    return str(path.relative_to(ROOT)) if path.is_relative_to(ROOT) else filename


def main() -> None:
    args = sys.argv[1:]
    trace = bool(args) and args[0] == "--trace"
    if trace:
        args = args[1:]
    if len(args) < 3 or args[1] != "-m":
        raise SystemExit(__doc__)
    out, module = args[0], args[2]
    sys.argv = [module, *args[3:]]
    if trace:
        tracemalloc.start(16)  # deep, to tell import-time from run-time allocations
    try:
        runpy.run_module(module, run_name="__main__", alter_sys=True)
    except SystemExit:
        pass
    finally:
        census(out, trace)


if __name__ == "__main__":
    main()
