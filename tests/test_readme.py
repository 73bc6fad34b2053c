"""The README's commands for running Kabar for real work as written when pasted, from a
fresh clone's files (the sample roster it names is in the repository)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def running_it_for_real() -> list[str]:
    """The commands of the README's "Running it for real" block; a heredoc is one command."""
    text = (ROOT / "README.md").read_text()
    section = text.split("## Running it for real", 1)[1]
    block = re.search(r"```sh\n(.*?)```", section, re.S)
    assert block is not None
    commands: list[str] = []
    heredoc: list[str] | None = None
    for line in block.group(1).splitlines():
        if heredoc is not None:
            heredoc.append(line)
            if line == "ENV":
                commands.append("\n".join(heredoc))
                heredoc = None
        elif "<<'ENV'" in line:
            heredoc = [line]
        elif line and not line.startswith("#"):
            commands.append(line)
    return commands


def test_the_commands_work_as_pasted(tmp_path: Path) -> None:
    # A clone's layout: the virtual environment and the repository's files beside.
    (tmp_path / ".venv").symlink_to(Path(sys.prefix))
    (tmp_path / "bot").symlink_to(ROOT / "bot")
    env = {k: v for k, v in os.environ.items() if not k.startswith("KABAR_")}
    ran = []
    for command in running_it_for_real():
        if "pip install" in command or command.startswith(".venv/bin/kabar run"):
            continue  # installs (done already) and the bot itself (tests/e2e run it)
        result = subprocess.run(
            ["bash", "-c", command], cwd=tmp_path, env=env, capture_output=True, text=True,
            timeout=120, check=False,
        )  # fmt: skip
        ran.append(command.split("#")[0].strip())
        if "checkin send" in command:
            # Nobody has registered in this test: the operator is told what to do first.
            assert result.returncode == 1
            assert "bagikan undangannya dulu" in result.stderr, result.stderr
            continue
        assert result.returncode == 0, (command, result.stdout, result.stderr)
    assert any("roster import" in command for command in ran)
    assert (tmp_path / "invitations.html").stat().st_size > 0
    assert (tmp_path / "records.xlsx").stat().st_size > 0
