"""The weekly chart: its legend stays clear of the bars, whatever their height."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from bot.domain.reports.activity import RoundActivity
from bot.domain.reports.chart import activity_chart, activity_figure
from bot.lib.i18n import translator

TZ = "Asia/Jakarta"


def _weeks(families: int, count: int = 8) -> list[RoundActivity]:
    first = datetime(2026, 1, 5, 1, tzinfo=UTC)
    # The first week the fullest: its bar reaches the top left corner, where a legend
    # inside the axes used to sit.
    return [RoundActivity(first + timedelta(weeks=n), families - n, n, 0, 0) for n in range(count)]


def _overlaps(a: Any, b: Any) -> bool:
    return bool(a.x0 < b.x1 and b.x0 < a.x1 and a.y0 < b.y1 and b.y0 < a.y1)


@pytest.mark.parametrize("language", ["id", "jv", "en"])
@pytest.mark.parametrize("families", [1, 12, 400])
def test_the_legend_does_not_cover_the_bars(language: str, families: int) -> None:
    figure = activity_figure(_weeks(families), translator(language), TZ)
    figure.canvas.draw()
    renderer = figure.canvas.get_renderer()
    (axes,) = figure.axes
    legend = axes.get_legend().get_window_extent(renderer)
    bars = [patch.get_window_extent(renderer) for patch in axes.patches]
    assert bars
    assert not any(_overlaps(legend, bar) for bar in bars)
    # Nor the plotting area itself: a taller bar on another week would reach it.
    assert not _overlaps(legend, axes.get_window_extent(renderer))


def test_the_chart_is_a_png_holding_the_legend(tmp_path: Path) -> None:
    png = activity_chart(_weeks(12), translator("id"), TZ)
    assert png.startswith(b"\x89PNG")
    (tmp_path / "chart.png").write_bytes(png)
