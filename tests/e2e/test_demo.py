"""`kabar demo`, the README's first command, tells the whole story and leaves the records."""

from __future__ import annotations

from pathlib import Path

import pytest
from rich.console import Console

from bot.lib.i18n import translator
from bot.sandbox.demo.story import run_demo

pytestmark = pytest.mark.e2e


async def test_the_demo_runs_the_loop_from_roster_to_escalation(tmp_path: Path) -> None:
    console = Console(record=True, width=120)
    result = await run_demo(console, translator("en"), workdir=tmp_path)
    told = console.export_text()
    for step in (
        "Roster imported from roster-sample.csv: 36 people",
        "Round 1 opened for 29 families",
        "One family's chat, as they saw it:",
        "Six days later round 2 opens",
        "families need a visit",
        "alerts go up to the coordinator",
        "The figures for pelepah-pisang-2025:",
    ):
        assert step in told, step
    assert "⚠️" in told  # an alert card was shown
    assert result.answered > 0 and result.missed > 0
    assert result.database.exists()
