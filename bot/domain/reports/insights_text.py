"""Graduation readiness and the change against each family's start, in a reader's language:
the lines /laporan sends after the figures, and the labels `kabar report` shares."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from bot.domain.graduation_bar import bar_words
from bot.domain.reports.baseline import CohortChange
from bot.domain.reports.graduation import CohortGraduation
from bot.domain.reports.text import DATE, TEXT_LIMIT, money, percent
from bot.lib.i18n import N_, Translator

CHANGE_HEADER = N_("📈 Change against each family's start (income per month)")
CHANGE_LINE = N_(
    "• {cohort}, {months} months ({date}): {families} families compared; median change "
    "{median}; above their start {above}; producing {start} at the start, {now} now"
)
CHANGE_NOT_YET = N_("• {cohort}, {months} months: on {date}, not reached yet")
CHANGE_NO_ROUNDS = N_("• {cohort}: no closed round yet")
GRADUATION_HEADER = N_("🎓 Ready to graduate? For your review, nothing is decided automatically")
GRADUATION_BAR = N_(
    "{cohort}: {count} families with at least {amount} in {rounds} of the last {window} rounds, "
    "answering, no open alert"
)
GRADUATION_FAMILY = N_("• {name} ({village}): {revenues}")
GRADUATION_MORE = N_("… and {count} more: kabar graduation lists them all.")
SHOWN_PER_COHORT = 10


def signed_money(t: Translator, rupiah: Decimal | int | None) -> str:
    """+Rp150.000 or -Rp400.000: a change reads with its sign."""
    if rupiah is None:
        return money(t, rupiah)
    sign = "+" if rupiah > 0 else "-" if rupiah < 0 else ""
    size: Decimal | int = -rupiah if rupiah < 0 else rupiah
    return f"{sign}{money(t, size)}"


def change_lines(
    t: Translator, cohorts: Sequence[CohortChange], zones: dict[str, str]
) -> list[str]:
    lines = [t.gettext(CHANGE_HEADER)]
    for row in cohorts:
        if row.checkpoint is None:
            if row.months == 3:
                lines.append(t.gettext(CHANGE_NO_ROUNDS).format(cohort=row.cohort))
            continue
        date = t.format_datetime(row.checkpoint, zones[row.cohort], DATE)
        if not row.reached:
            lines.append(
                t.gettext(CHANGE_NOT_YET).format(cohort=row.cohort, months=row.months, date=date)
            )
            continue
        lines.append(
            t.gettext(CHANGE_LINE).format(
                cohort=row.cohort,
                months=row.months,
                date=date,
                families=t.format_number(row.families),
                median=signed_money(t, row.median_change_idr),
                above=percent(t, row.above_start),
                start=percent(t, row.producing_at_start),
                now=percent(t, row.producing_now),
            )
        )
    return lines


def graduation_lines(t: Translator, cohorts: Sequence[CohortGraduation]) -> list[str]:
    lines = [t.gettext(GRADUATION_HEADER)]
    for cohort in cohorts:
        lines.append(
            t.gettext(GRADUATION_BAR).format(
                cohort=cohort.cohort,
                count=t.format_number(len(cohort.families)),
                **bar_words(t, cohort.bar),
            )
        )
        for family in cohort.families[:SHOWN_PER_COHORT]:
            lines.append(
                t.gettext(GRADUATION_FAMILY).format(
                    name=family.name,
                    village=family.village or "—",
                    revenues=", ".join(money(t, value) for value in family.revenues),
                )
            )
        left = len(cohort.families) - SHOWN_PER_COHORT
        if left > 0:
            lines.append(t.gettext(GRADUATION_MORE).format(count=t.format_number(left)))
    return lines


def insights_text(
    t: Translator,
    graduation: Sequence[CohortGraduation],
    change: Sequence[CohortChange],
    zones: dict[str, str],
) -> str:
    """One message: the change per cohort, then who may be ready to graduate; cut to fit
    Telegram's limit (the lines dropped are the last families listed)."""
    text = "\n".join(change_lines(t, change, zones))
    for line in ["", *graduation_lines(t, graduation)]:
        if len(text) + len(line) + 1 > TEXT_LIMIT:
            break
        text = f"{text}\n{line}"
    return text
