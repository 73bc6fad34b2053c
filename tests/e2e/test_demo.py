"""`kabar demo`, the README's first command, tells the whole story and leaves the records."""

from __future__ import annotations

from pathlib import Path

import pytest
from rich.console import Console

from bot.cli.demo import demo_report
from bot.lib.i18n import translator
from bot.sandbox.demo.story import run_demo

pytestmark = pytest.mark.e2e


async def test_the_demo_runs_the_loop_from_roster_to_escalation(tmp_path: Path) -> None:
    console = Console(record=True, width=120)
    t = translator("en")
    result = await run_demo(console, t, workdir=tmp_path)
    chart = await demo_report(console, t, result.database, result.cohort)
    told = console.export_text()
    for step in (
        "Roster imported from roster-sample.csv: 36 people",
        "Round 1 opened for 29 families",
        "One family's chat, as they saw it:",
        "Six days later round 2 opens",
        "families need a visit",
        "alerts go up to the coordinator",
        "announces the dryer with /siaran",
        "Terkirim: 29",  # the staff member's delivery report, in her language
        "The figures for pelepah-pisang-2025, as `kabar report` shows them:",
        "Who answered, per round",
        "The chart of the last rounds (kabar report --png):",
    ):
        assert step in told, step
    assert str(chart) in told.replace("\n", "")
    assert chart.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert "⚠️" in told  # an alert card was shown
    assert result.answered > 0 and result.missed > 0
    assert result.database.exists()
