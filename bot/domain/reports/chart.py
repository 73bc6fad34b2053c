"""Charts as PNG bytes (matplotlib, no display needed): the facilitators' weekly digest and
the programme figures of the last rounds."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from io import BytesIO
from typing import Any
from zoneinfo import ZoneInfo

from bot.domain.reports.activity import RoundActivity
from bot.domain.reports.figures import RoundFigures
from bot.lib.i18n import N_, Translator

TITLE = N_("Your families, last {count} check-ins")
PRODUCING = N_("Producing")
NOT_PRODUCING = N_("Not producing")
UNFINISHED = N_("Started, not finished")
MISSED = N_("Did not answer")
FAMILIES = N_("Families")
PROGRAMME_TITLE = N_("Programme figures, last {count} rounds")
RESPONSE_RATE = N_("Response rate (%)")
PRODUCING_FAMILIES = N_("Producing families")
REVENUE_MILLIONS = N_("Income (million Rp)")
OPEN_ROUND = N_("Dashed, to a hollow point: a round still open, where families may still answer.")
COLOURS = ("#1565c0", "#2e7d32", "#ef6c00", "#6a1b9a", "#c62828", "#00838f", "#5d4037")


def _pyplot() -> Any:
    import matplotlib

    matplotlib.use("Agg")  # no display on a server
    from matplotlib import pyplot

    return pyplot


def _png(figure: Any) -> bytes:
    buffer = BytesIO()
    figure.savefig(buffer, format="png", bbox_inches="tight")
    _pyplot().close(figure)
    return buffer.getvalue()


def activity_chart(series: Sequence[RoundActivity], t: Translator, tz: str) -> bytes:
    return _png(activity_figure(series, t, tz))


def activity_figure(series: Sequence[RoundActivity], t: Translator, tz: str) -> Any:
    """The weekly chart's figure, not yet drawn (its tests measure where things fall)."""
    plt = _pyplot()
    labels = [t.format_datetime(item.opened_at, tz, "d MMM") for item in series]
    stacks = [
        (PRODUCING, [i.producing for i in series], "#2e7d32"),
        (NOT_PRODUCING, [i.not_producing for i in series], "#f9a825"),
        (UNFINISHED, [i.unfinished for i in series], "#90a4ae"),
        (MISSED, [i.missed for i in series], "#c62828"),
    ]
    figure, axes = plt.subplots(figsize=(8, 4.5), dpi=100)
    bottom = [0] * len(series)
    for label, values, colour in stacks:
        axes.bar(labels, values, bottom=bottom, color=colour, label=t.gettext(label))
        bottom = [b + v for b, v in zip(bottom, values, strict=True)]
    axes.set_title(t.gettext(TITLE).format(count=len(series)))
    axes.set_ylabel(t.gettext(FAMILIES))
    # Beside the bars, not over them: a full week reaches the top left corner (the saved
    # image grows to hold the legend).
    axes.legend(loc="upper left", bbox_to_anchor=(1.02, 1), fontsize="small", frameon=False)
    axes.spines[["top", "right"]].set_visible(False)
    figure.autofmt_xdate()
    return figure


def programme_chart(
    rows: Sequence[RoundFigures], zones: dict[str, str], t: Translator, *, count: int
) -> bytes:
    """Three panels over the rounds' opening dates, one line per cohort: response rate,
    producing families, income. `zones`: each cohort's time zone (its dates are local)."""
    from matplotlib.ticker import FuncFormatter, MaxNLocator

    plt = _pyplot()
    figure, panels = plt.subplots(3, 1, figsize=(8, 8), dpi=100, sharex=True)
    cohorts = sorted({row.cohort for row in rows})
    measures: tuple[tuple[str, Callable[[RoundFigures], float | None]], ...] = (
        (RESPONSE_RATE, _rate_percent),
        (PRODUCING_FAMILIES, lambda r: r.producing),
        (REVENUE_MILLIONS, lambda r: r.revenue_idr / 1_000_000),
    )
    for axes, (label, value) in zip(panels, measures, strict=True):
        for index, cohort in enumerate(cohorts):
            mine = [row for row in rows if row.cohort == cohort]
            days = [row.opened_at.astimezone(ZoneInfo(zones[cohort])).date() for row in mine]
            values = [value(row) for row in mine]
            colour = COLOURS[index % len(COLOURS)]
            # A round still open is still filling up: dashed, to a hollow point.
            done = len(mine) - 1 if mine and not mine[-1].closed else len(mine)
            axes.plot(
                days[:done], values[:done], marker="o", markersize=3, color=colour, label=cohort
            )
            if done < len(mine):
                axes.plot(
                    days[max(done - 1, 0) :],
                    values[max(done - 1, 0) :],
                    linestyle="--",
                    marker="o",
                    markersize=5,
                    markevery=[-1],
                    markerfacecolor="white",
                    color=colour,
                )
        axes.set_ylabel(t.gettext(label))
        # Families are whole; a rate or millions of rupiah keep one decimal, so a flat line's
        # ticks do not all read the same number.
        whole = label == PRODUCING_FAMILIES
        # From zero (a flat line then reads as what it is, not as noise around it).
        axes.set_ylim(bottom=0, top=100 if label == RESPONSE_RATE else None)
        axes.yaxis.set_major_locator(MaxNLocator(nbins=5, integer=whole))
        axes.yaxis.set_major_formatter(
            FuncFormatter(lambda v, _pos, w=whole: t.format_number(round(v) if w else round(v, 1)))
        )
        axes.spines[["top", "right"]].set_visible(False)
        axes.grid(axis="y", alpha=0.3)
    panels[-1].xaxis.set_major_formatter(
        FuncFormatter(lambda v, _pos: t.format_date(_day(v), "d MMM"))
    )
    # "the last N rounds" says how many are drawn, at most `count`.
    drawn = max((sum(1 for row in rows if row.cohort == c) for c in cohorts), default=0)
    figure.suptitle(t.gettext(PROGRAMME_TITLE).format(count=min(count, drawn)))
    figure.autofmt_xdate()
    # Below the dates, outside the panels (the saved image grows to hold it).
    handles, labels = panels[0].get_legend_handles_labels()
    bottom = panels[-1]
    bottom.legend(
        handles,
        labels,
        loc="upper center",
        bbox_to_anchor=(0.5, -0.3),
        ncols=2,
        fontsize="small",
        frameon=False,
    )
    if any(not row.closed for row in rows):
        panels[0].set_title(t.gettext(OPEN_ROUND), fontsize="small", color="#555555")
    return _png(figure)


def _rate_percent(row: RoundFigures) -> float | None:
    return None if row.response_rate is None else float(row.response_rate * 100)


def _day(value: float) -> Any:
    from matplotlib.dates import num2date

    return num2date(value).date()  # type: ignore[no-untyped-call]
