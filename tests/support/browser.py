"""Headless Chromium (Debian's `chromium` package), as a person printing a page would use it."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path


def chromium() -> str:
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    assert found is not None, "Chromium is needed: apt-get install chromium (.ci/run does)"
    return found


def print_to_pdf(page: Path, pdf: Path, profile: Path) -> None:
    """Print `page` to `pdf` with its own print stylesheet, as the browser's Print does."""
    subprocess.run(
        [
            chromium(),
            "--headless",
            "--no-sandbox",  # as root in CI
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            # The machine has no network: Chromium's own connections would only be refused.
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            f"--user-data-dir={profile}",
            "--no-pdf-header-footer",
            f"--print-to-pdf={pdf}",
            page.resolve().as_uri(),
        ],
        check=True,
        capture_output=True,
        timeout=120,
    )
    assert pdf.is_file() and pdf.stat().st_size > 0
