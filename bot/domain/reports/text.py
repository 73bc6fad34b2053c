"""The programme report in a reader's language: numbers, money and dates by Babel.

Shared by /laporan (one message, within Telegram's 4,096 characters) and the table of
`kabar report`: each figure is formatted here once.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from bot.domain.reports.figures import Quantity, RoundFigures
from bot.domain.reports.problems import ProblemCount
from bot.domain.reports.programme import AlertCount, ProgrammeReport
from bot.lib.i18n import N_, Translator
from conversations.checkin import PROBLEMS

TEXT_LIMIT = 4000  # Telegram's limit is 4,096 characters
DATE = "d MMM y"
PROBLEM_LABELS = {option.value: option.label for option in PROBLEMS}
RULE_LABELS = {
    "unresponsive": N_("not answering"),
    "not-producing": N_("not producing"),
    "unreachable": N_("unreachable"),
    "paused": N_("paused"),
    "help": N_("asked for help"),
    "early-warning": N_("early warning"),
}

HEADER = N_("📊 Programme figures: {scope}")
SCOPE_ALL = N_("all families")
SCOPE_MINE = N_("your families")
SCOPE_DISTRICT = N_("district {district}")
ROUND_TITLE = N_("{cohort}, round {round} ({date})")
ROUND_TITLE_OPEN = N_("{cohort}, round {round} ({date}, still open)")
ASKED_LINE = N_("• Asked {asked}, answered {responded}: {rate}")
CHANGE = N_("{change} points since the round before")
PRODUCING_LINE = N_("• Producing {producing}: {quantity} made, {sold} sold")
REVENUE_LINE = N_("• Income {revenue}; median per producing family {median}")
MISSED_LINE = N_("• Did not answer {missed}; paused {paused}; unreachable {unreachable}")
ALERTS_LINE = N_("• Open alerts: {alerts}")
PROBLEMS_LINE = N_("• Problems: {problems}")
NO_ROUNDS = N_("No check-in round has been opened yet.")
NONE = "—"


def percent(t: Translator, fraction: Decimal | None) -> str:
    from babel.numbers import format_percent

    if fraction is None:
        return NONE
    return format_percent(fraction, format="#,##0.0%", locale=t.locale)


def points(t: Translator, change: Decimal | None) -> str:
    """A change of a rate in percentage points, signed: +1,2 or -0,4."""
    from babel.numbers import format_decimal

    if change is None:
        return NONE
    shown = (change * 100).quantize(Decimal("0.1"))
    if shown == 0:
        shown = Decimal(0)  # not "-0,0" for a change too small to show
    return format_decimal(shown, format="+#,##0.0;-#,##0.0", locale=t.locale)


def quantity(t: Translator, quantities: Iterable[Quantity], *, sold: bool = False) -> str:
    parts = [f"{t.format_number(q.sold if sold else q.produced)} {q.unit}" for q in quantities]
    return ", ".join(parts) or t.format_number(0)


def money(t: Translator, rupiah: int | Decimal | None) -> str:
    return NONE if rupiah is None else t.format_money(rupiah)


def opened(t: Translator, row: RoundFigures, timezone: str) -> str:
    return t.format_datetime(row.opened_at, timezone, DATE)


def problem_label(t: Translator, code: str) -> str:
    label = PROBLEM_LABELS.get(code)
    return t.gettext(label) if label else code


def problem_text(t: Translator, problem: ProblemCount) -> str:
    """ "Alat atau peralatan 41 — pengering 17, timbangan 9"."""
    head = f"{problem_label(t, problem.code)} {t.format_number(problem.families)}"
    if not problem.words:
        return head
    words = ", ".join(f"{word} {t.format_number(count)}" for word, count in problem.words)
    return f"{head} — {words}"


def rule_label(t: Translator, rule: str) -> str:
    label = RULE_LABELS.get(rule)
    return t.gettext(label) if label else rule


def alerts_text(t: Translator, alerts: Iterable[AlertCount]) -> str:
    parts = [f"{rule_label(t, a.rule)} {t.format_number(a.open + a.acknowledged)}" for a in alerts]
    return ", ".join(parts) or t.format_number(0)


def _cohort_block(
    t: Translator, report: ProgrammeReport, row: RoundFigures, timezone: str
) -> list[str]:
    title = ROUND_TITLE if row.closed else ROUND_TITLE_OPEN
    rate = percent(t, row.response_rate)
    # None for an open round too (figures.py): its answers are still coming.
    if row.response_rate_change is not None:
        change = t.gettext(CHANGE).format(change=points(t, row.response_rate_change))
        rate = f"{rate} ({change})"
    problems = [p for p in report.problems if p.cohort == row.cohort and p.district is None]
    lines = [
        t.gettext(title).format(
            cohort=row.cohort, round=row.round_number, date=opened(t, row, timezone)
        ),
        t.gettext(ASKED_LINE).format(
            asked=t.format_number(row.asked),
            responded=t.format_number(row.answered + row.partial),
            rate=rate,
        ),
        t.gettext(PRODUCING_LINE).format(
            producing=t.format_number(row.producing),
            quantity=quantity(t, row.quantities),
            sold=quantity(t, row.quantities, sold=True),
        ),
        t.gettext(REVENUE_LINE).format(
            revenue=money(t, row.revenue_idr), median=money(t, row.median_revenue_idr)
        ),
        t.gettext(MISSED_LINE).format(
            missed=t.format_number(row.missed),
            paused=t.format_number(row.paused),
            unreachable=t.format_number(row.unreachable),
        ),
        t.gettext(ALERTS_LINE).format(
            alerts=alerts_text(t, (a for a in report.alerts if a.cohort == row.cohort))
        ),
    ]
    if problems:
        shown = "; ".join(problem_text(t, p) for p in problems[:3])
        lines.append(t.gettext(PROBLEMS_LINE).format(problems=shown))
    return lines


def report_text(report: ProgrammeReport, t: Translator, *, scope: str) -> str:
    """Each cohort's latest round (or the chosen one) in a few lines; cohorts that would
    not fit in one message are counted at the end."""
    header = t.gettext(HEADER).format(scope=scope)
    zones = {cohort.name: cohort.timezone for cohort in report.selection.cohorts}
    latest = {r.id for r in report.selection.latest}
    rows = [row for row in report.rounds if row.round_id in latest]
    if not rows:
        return f"{header}\n\n{t.gettext(NO_ROUNDS)}"
    text = header
    for index, row in enumerate(rows):
        block = "\n".join(_cohort_block(t, report, row, zones[row.cohort]))
        left = len(rows) - index
        more = t.ngettext("… and {count} more cohort.", "… and {count} more cohorts.", left)
        more = more.format(count=t.format_number(left))
        if len(text) + len(block) + len(more) + 4 > TEXT_LIMIT:
            return f"{text}\n\n{more}"
        text = f"{text}\n\n{block}"
    return text
