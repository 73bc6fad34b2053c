"""Golden transcripts: a whole conversation compared with a reviewed text file.

Set KABAR_UPDATE_GOLDEN=1 to rewrite the files after a deliberate change, then review the
diff like any other change.
"""

from __future__ import annotations

import os
from pathlib import Path

GOLDEN = Path(__file__).resolve().parents[1] / "golden"


def assert_golden(name: str, actual: str) -> None:
    path = GOLDEN / name
    if os.environ.get("KABAR_UPDATE_GOLDEN") == "1" or not path.exists():
        path.write_text(actual, encoding="utf-8")
        if os.environ.get("KABAR_UPDATE_GOLDEN") != "1":
            raise AssertionError(f"{path} did not exist; written now, review and commit it")
        return
    expected = path.read_text(encoding="utf-8")
    assert actual == expected, f"transcript differs from {path} (KABAR_UPDATE_GOLDEN=1 rewrites)"
