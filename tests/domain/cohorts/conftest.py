"""`kabar` run against the test's database, for the cohort CLI tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.domain.cohorts.support import run_kabar


@pytest.fixture
def kabar(database_url: str, tmp_path: Path):  # type: ignore[no-untyped-def]
    def invoke(*args: str, **env: str | None):  # type: ignore[no-untyped-def]
        return run_kabar(database_url, *args, workdir=tmp_path, env=env)

    return invoke
