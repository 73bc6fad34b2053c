"""Running `kabar` as an operator does, in a subprocess, and reading what it printed."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Ran:
    code: int
    out: list[str]  # standard output, line by line
    err: list[str]  # standard error, line by line


def run_kabar(workdir: Path, *args: str, locale: str = "en", **env: str) -> Ran:
    result = subprocess.run(
        [sys.executable, "-m", "bot", *args],
        cwd=workdir,
        env={"PATH": os.environ["PATH"], "KABAR_LOCALE": locale, **env},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    return Ran(
        result.returncode, result.stdout.strip().splitlines(), result.stderr.strip().splitlines()
    )


def closed_port() -> int:
    """A loopback port nothing listens on: a Telegram out of reach."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])
