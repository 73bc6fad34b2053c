"""What a Bot API call costs Kabar's process in each asyncio HTTP client, and what the
client costs in memory: is there a cheaper transport than aiohttp (bot/tg/http.py)?

Each client posts the same sendMessage-sized JSON body to a local aiohttp server (another
process) N times, 16 at a time on keep-alive connections, in a fresh process of its own;
the figure is that process's CPU time per call (time.process_time: every thread, a Rust
client's runtime included) and its resident memory added by importing the client and
opening a session. Clients not installed are skipped; the ones beside aiohttp are not
Kabar's dependencies, so install them in a scratch venv to compare:

    python3 -m venv /tmp/hv && /tmp/hv/bin/pip install aiohttp uvloop orjson httpx \
        pyreqwest rnet curl_cffi
    /tmp/hv/bin/python tests/benchmarks/bench_http_clients.py [--calls 4000] [--rounds 3]

Rounds alternate the clients, so a slower minute of the machine falls on all of them.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import socket
import statistics
import subprocess
import sys
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

CLIENTS = ("aiohttp", "pyreqwest", "rnet", "curl_cffi", "httpx")
CONCURRENCY = 16
REPLY = (
    b'{"ok":true,"result":{"message_id":123,"from":{"id":1,"is_bot":true,"first_name":"Kabar",'
    b'"username":"kabar_bot"},"chat":{"id":100001,"first_name":"Keluarga 1","type":"private"},'
    b'"date":1764560000,"text":"Berapa kg serat yang Anda pintal minggu ini?","reply_markup":'
    b'{"inline_keyboard":[[{"text":"0","callback_data":"a|1|0"},{"text":"1-5","callback_data"'
    b':"a|1|1"}]]}}}'
)
PAYLOAD = {
    "chat_id": 100001,
    "text": "Berapa kg serat yang Anda pintal minggu ini?",
    "reply_markup": {"inline_keyboard": [[{"text": "0", "callback_data": "a|1|0"}]]},
}


def rss_mb() -> float:
    with Path("/proc/self/status").open() as status:
        line = next(line for line in status if line.startswith("VmRSS"))
    return int(line.split()[1]) / 1024


def serve(port: int) -> None:
    from aiohttp import web

    async def reply(request: web.Request) -> web.Response:
        await request.read()
        return web.Response(body=REPLY, content_type="application/json")

    app = web.Application()
    app.router.add_post("/{tail:.*}", reply)
    web.run_app(app, host="127.0.0.1", port=port, print=None, access_log=None)


async def _client(kind: str, url: str) -> Callable[[bytes], Awaitable[tuple[int, bytes]]]:
    headers = {"Content-Type": "application/json"}
    if kind == "aiohttp":  # as bot/tg/http.py configures it
        import aiohttp

        session = aiohttp.ClientSession(
            connector=aiohttp.TCPConnector(limit=CONCURRENCY),
            cookie_jar=aiohttp.DummyCookieJar(),
        )
        timeout = aiohttp.ClientTimeout(total=None, connect=6.0, sock_connect=5.0, sock_read=30)

        async def call_aiohttp(body: bytes) -> tuple[int, bytes]:
            async with session.post(url, data=body, headers=headers, timeout=timeout) as r:
                return r.status, await r.read()

        return call_aiohttp
    if kind == "httpx":
        import httpx

        client = httpx.AsyncClient(limits=httpx.Limits(max_connections=CONCURRENCY))

        async def call_httpx(body: bytes) -> tuple[int, bytes]:
            r = await client.post(url, content=body, headers=headers)
            return r.status_code, r.content

        return call_httpx
    if kind == "pyreqwest":
        from pyreqwest.client import ClientBuilder

        reqwest: Any = await ClientBuilder().build().__aenter__()

        async def call_pyreqwest(body: bytes) -> tuple[int, bytes]:
            request = (
                reqwest.post(url).body_bytes(body).header("Content-Type", headers["Content-Type"])
            )
            r = await request.build().send()
            return r.status, bytes(await r.bytes())

        return call_pyreqwest
    if kind == "rnet":
        import rnet

        rnet_client: Any = rnet.Client()

        async def call_rnet(body: bytes) -> tuple[int, bytes]:
            r = await rnet_client.post(url, body=body, headers=headers)
            return int(r.status), bytes(await r.bytes())

        return call_rnet
    if kind == "curl_cffi":
        from curl_cffi.requests import AsyncSession

        curl: Any = AsyncSession(max_clients=CONCURRENCY)

        async def call_curl(body: bytes) -> tuple[int, bytes]:
            r = await curl.post(url, data=body, headers=headers)
            return int(r.status_code), bytes(r.content)

        return call_curl
    raise SystemExit(f"unknown client {kind}")


async def measure(kind: str, url: str, calls: int) -> str:
    """One client in this process: CPU µs a call, calls a second, MB added by the client."""
    import orjson

    before = rss_mb()
    call = await _client(kind, url)
    added = rss_mb() - before
    limit = asyncio.Semaphore(CONCURRENCY)

    async def one() -> None:
        async with limit:
            status, body = await call(orjson.dumps(PAYLOAD))
            if status != 200 or not orjson.loads(body)["ok"]:
                raise RuntimeError(f"{kind}: {status}")

    for _ in range(50):  # connections open, caches warm
        await one()
    cpu, wall = time.process_time(), time.perf_counter()
    await asyncio.gather(*(one() for _ in range(calls)))
    cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    return f"{cpu / calls * 1e6:.1f} {calls / wall:.0f} {added:.1f}"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def installed(kind: str) -> bool:
    found = subprocess.run([sys.executable, "-c", f"import {kind}"], capture_output=True)
    return found.returncode == 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--calls", type=int, default=4000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--serve", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--client", help=argparse.SUPPRESS)
    parser.add_argument("--url", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        serve(args.serve)
        return
    if args.client:
        import uvloop

        print(uvloop.run(measure(args.client, args.url, args.calls)))
        return
    clients = [kind for kind in CLIENTS if installed(kind)]
    port = free_port()
    server = subprocess.Popen([sys.executable, __file__, "--serve", str(port)])
    try:
        time.sleep(2.0)
        url = f"http://127.0.0.1:{port}/botTOKEN/sendMessage"
        results: dict[str, list[tuple[float, float, float]]] = {kind: [] for kind in clients}
        print(f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.2f} at the start")
        for _ in range(args.rounds):
            for kind in clients:
                out = subprocess.run(
                    [sys.executable, __file__, "--client", kind, "--url", url,
                     "--calls", str(args.calls)],
                    capture_output=True, text=True, check=True,
                )  # fmt: skip
                cpu, rate, added = (float(x) for x in out.stdout.split())
                results[kind].append((cpu, rate, added))
        print(f"load average {os.getloadavg()[0]:.2f} at the end\n")
        print("| client | CPU a call (median; each round) | calls/s | memory added |")
        print("|---|---:|---:|---:|")
        for kind, runs in results.items():
            each = ", ".join(f"{cpu:.0f}" for cpu, _, _ in runs)
            cpu = statistics.median(run[0] for run in runs)
            rate = statistics.median(run[1] for run in runs)
            added = statistics.median(run[2] for run in runs)
            print(f"| {kind} | {cpu:.0f} µs ({each}) | {rate:.0f} | {added:.1f} MB |")
    finally:
        server.terminate()
        server.wait()


if __name__ == "__main__":
    main()
