"""The systemd unit in deploy/ is one systemd accepts, and runs the `kabar` installed here."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

DEPLOY = Path(__file__).resolve().parents[2] / "deploy"


def test_systemd_accepts_the_unit(tmp_path: Path) -> None:
    kabar = Path(sys.executable).with_name("kabar")
    unit = (DEPLOY / "kabar.service").read_text()
    assert "ExecStart=/opt/kabar/.venv/bin/kabar run" in unit
    # The unit as it would be installed, with this checkout's `kabar` in place of /opt/kabar.
    installed = tmp_path / "kabar.service"
    installed.write_text(unit.replace("/opt/kabar/.venv/bin/kabar", str(kabar)))
    verify = shutil.which("systemd-analyze")
    assert verify is not None, "systemd-analyze (Debian's systemd package) is needed"
    result = subprocess.run(
        [verify, "verify", str(installed)], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0 and result.stderr.strip() == "", result.stderr


def test_the_environment_example_is_a_configuration_kabar_accepts(tmp_path: Path) -> None:
    from bot.lib.config import load_settings

    lines = (DEPLOY / "kabar.env.example").read_text().splitlines()
    settings = dict(line.split("=", 1) for line in lines if line and not line.startswith("#"))
    loaded = load_settings(environ=settings, dotenv_path=tmp_path / "none.env")
    assert loaded.database_url == "sqlite:////var/lib/kabar/kabar.db"
    assert loaded.locale == "id"
