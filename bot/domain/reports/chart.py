"""The weekly digest's chart: a PNG of answers per round (matplotlib, no display needed)."""

from __future__ import annotations

from collections.abc import Sequence
from io import BytesIO

from bot.domain.reports.activity import RoundActivity
from bot.lib.i18n import N_, Translator

TITLE = N_("Your families, last {count} check-ins")
PRODUCING = N_("Producing")
NOT_PRODUCING = N_("Not producing")
UNFINISHED = N_("Started, not finished")
MISSED = N_("Did not answer")
FAMILIES = N_("Families")


def activity_chart(series: Sequence[RoundActivity], t: Translator, tz: str) -> bytes:
    import matplotlib

    matplotlib.use("Agg")  # no display on a server
    from matplotlib import pyplot as plt

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
    axes.legend(loc="upper left", fontsize="small", frameon=False)
    axes.spines[["top", "right"]].set_visible(False)
    figure.autofmt_xdate()
    buffer = BytesIO()
    figure.savefig(buffer, format="png", bbox_inches="tight")
    plt.close(figure)
    return buffer.getvalue()
