"""`kabar run` as a real process against the fake Bot API."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import sys
from pathlib import Path
from types import TracebackType

from bot.sandbox.fakeapi import FakeTelegram

TEST_TOKEN = "123456:TEST-abcdefghijklmnopqrstuvwxyz"

# Processes started and not yet seen to exit; a test that fails half-way leaves its process
# here, and `kill_leftovers` (an autouse fixture) ends it so it cannot load later tests.
_STARTED: set[asyncio.subprocess.Process] = set()


def kill_leftovers() -> int:
    """SIGKILL every `kabar run` a test started and did not stop; how many there were."""
    left = [process for process in _STARTED if process.returncode is None]
    for process in left:
        with contextlib.suppress(ProcessLookupError):
            os.kill(process.pid, signal.SIGKILL)
    _STARTED.clear()
    return len(left)


class KabarProcess:
    def __init__(
        self,
        tg: FakeTelegram,
        database_url: str,
        workdir: Path,
        *,
        extra_env: dict[str, str] | None = None,
        args: tuple[str, ...] = (),
        prefix: tuple[str, ...] = (),
    ) -> None:
        self.tg = tg
        self.prefix = prefix  # before `-m bot run`: a profiler script, for benchmarks
        self.database_url = database_url
        self.workdir = workdir
        self.extra_env = extra_env or {}
        self.args = args
        self.process: asyncio.subprocess.Process | None = None
        self.log_path = workdir / "kabar-run.log"

    def env(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith("KABAR_")}
        env.update(
            KABAR_BOT_TOKEN=TEST_TOKEN,
            KABAR_TELEGRAM_API_URL=self.tg.api_url,
            KABAR_DATABASE_URL=self.database_url,
            PYTHONUNBUFFERED="1",
        )
        env.update(self.extra_env)
        return env

    async def start(self, ready_timeout: float = 20.0) -> None:
        calls_before = len(self.tg.calls)
        log = self.log_path.open("ab")
        self.process = await asyncio.create_subprocess_exec(
            sys.executable,
            *self.prefix,
            "-m",
            "bot",
            "run",
            *self.args,
            cwd=self.workdir,
            env=self.env(),
            stdout=log,
            stderr=log,
        )
        log.close()
        _STARTED.add(self.process)
        # Ready once it has published its command menu, just before it starts polling;
        # updates sent from then on wait in the fake server for the first getUpdates.
        deadline = asyncio.get_running_loop().time() + ready_timeout
        while not any(c.method == "setMyCommands" for c in self.tg.calls[calls_before:]):
            if self.process.returncode is not None:
                raise RuntimeError("kabar run exited early:\n" + self.log())
            if asyncio.get_running_loop().time() > deadline:
                raise TimeoutError("kabar run did not start polling:\n" + self.log())
            await asyncio.sleep(0.05)

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    async def stop(self, timeout: float = 15.0) -> int:
        """SIGTERM and wait: a clean stop exits 0."""
        assert self.process is not None
        if self.process.returncode is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                await asyncio.wait_for(self.process.wait(), timeout)
            except TimeoutError:
                self.process.kill()
                await self.process.wait()
                raise
        return self.process.returncode or 0

    async def kill(self) -> None:
        """kill -9: no chance to clean up."""
        assert self.process is not None
        if self.process.returncode is None:
            self.process.kill()
            await self.process.wait()

    async def __aenter__(self) -> KabarProcess:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self.process is not None and self.process.returncode is None:
            await self.stop()
