"""Paths named in the code and the docs exist: a moved file leaves no stale pointer."""

from __future__ import annotations

import re
from pathlib import Path

from tests.architecture.imports import ROOT

# A path into the repository's own folders, as comments and docs write them.
PATH = re.compile(
    r"(?<![\w./-])((?:bot|conversations|tests|locales|migrations|docs|scripts)"
    r"(?:/[\w.*-]+)+/?)"
)
SCANNED = ("bot", "conversations", "tests", "migrations", "scripts", "docs")


def _texts() -> list[Path]:
    files = [ROOT / "README.md"]
    for folder in SCANNED:
        for path in sorted((ROOT / folder).rglob("*")):
            if path.suffix in {".py", ".md", ".sh"} and "__pycache__" not in path.parts:
                files.append(path)
    return files


def _exists(reference: str) -> bool:
    reference = reference.rstrip(".,:;)")
    if "*" in reference:
        return any(ROOT.glob(reference))
    return (ROOT / reference).exists()


def test_every_path_named_in_code_and_docs_exists() -> None:
    missing = [
        f"{path.relative_to(ROOT)}:{number}: {found}"
        for path in _texts()
        for number, line in enumerate(path.read_text().splitlines(), 1)
        for found in PATH.findall(line)
        if not _exists(found)
    ]
    assert missing == [], "\n".join(missing)
