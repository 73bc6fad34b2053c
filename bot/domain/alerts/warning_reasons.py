"""The reasons on an early-warning card, in the reader's language, with the family's numbers.

The alert's details say which signals fired (early_warning.py) and with which thresholds;
the numbers are read from the family's answers up to the alert's round, when shown.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import Alert, FollowUpRecord, Round
from bot.domain.alerts.warning_answers import production_known
from bot.domain.reports.text import problem_label
from bot.lib.i18n import N_, Translator

FALLING = N_("production fell {count} check-ins in a row: {values}")
LOW = N_(
    "production in the last {count} check-ins below {percent} of usual: {values} "
    "(usually {typical})"
)
SALES_FALLING = N_("sales fell {count} check-ins in a row: {values}")
SALES_LOW = N_(
    "sales in the last {count} check-ins below {percent} of usual: {values} (usually {typical})"
)
LATER = N_("answers later and later: {values} hours after the questions were sent")
SAME_PROBLEM = N_("the same problem {count} check-ins in a row: {problems}")
STOPPED = N_("no production, after {count} check-ins with production")
ARROW = " → "


@dataclass(frozen=True)
class _Answer:
    quantity: Decimal
    unit: str
    # Rupiah from sales: 0 after "no production" or nothing sold; None: not answered.
    sales: int | None
    delay_hours: float
    problems: list[str]


async def _answers(session: AsyncSession, alert: Alert, count: int) -> list[_Answer]:
    """The family's latest `count` answers up to the alert's round, oldest first."""
    query = (
        select(FollowUpRecord, Round.opened_at)
        .join(Round, Round.id == FollowUpRecord.round_id)
        .where(FollowUpRecord.person_id == alert.person_id, production_known())
        .order_by(FollowUpRecord.round_id.desc())
        .limit(count)
    )
    if alert.round_id is not None:
        query = query.where(FollowUpRecord.round_id <= alert.round_id)
    rows = (await session.execute(query)).all()
    return [_answer(record, opened) for record, opened in reversed(rows)]


def _answer(record: FollowUpRecord, opened: datetime) -> _Answer:
    answered = record.answered_at or record.updated_at
    return _Answer(
        quantity=(record.quantity_produced or Decimal(0)) if record.produced else Decimal(0),
        unit=record.unit or "",
        sales=_sales(record),
        delay_hours=max((answered - opened).total_seconds() / 3600, 0.0),
        problems=list(record.problems or []),
    )


def _sales(record: FollowUpRecord) -> int | None:
    if not record.produced or record.quantity_sold == 0:
        return 0
    return record.revenue_idr


def _money(t: Translator, answers: list[_Answer]) -> str:
    return ARROW.join(t.format_money(a.sales) for a in answers if a.sales is not None)


def _quantities(t: Translator, answers: list[_Answer]) -> str:
    unit = next((a.unit for a in reversed(answers) if a.unit), "")
    text = ARROW.join(t.format_number(a.quantity) for a in answers)
    return f"{text} {unit}".rstrip()


async def warning_reasons(session: AsyncSession, alert: Alert, t: Translator) -> list[str]:
    """One line per signal that fired: "production fell 3 check-ins in a row: 12 → 8 → 3 kg"."""
    details = alert.details or {}
    counts = [
        int(details[key])
        for key in (
            "falling",
            "low",
            "sales_falling",
            "sales_low",
            "later",
            "same_problem",
            "stopped",
        )
        if details.get(key)
    ]
    if not counts:
        return []
    answers = await _answers(session, alert, max(counts) + 1)
    lines: list[str] = []
    if falling := details.get("falling"):
        lines.append(
            t.gettext(FALLING).format(
                count=t.format_number(falling), values=_quantities(t, answers[-falling:])
            )
        )
    if low := details.get("low"):
        recent = answers[-low:]
        unit = recent[-1].unit if recent else ""
        typical = Decimal(str(round(float(details.get("typical") or 0), 1)))
        lines.append(
            t.gettext(LOW).format(
                count=t.format_number(low),
                percent=t.format_percent(int(details.get("low_percent") or 50)),
                values=_quantities(t, recent),
                typical=f"{t.format_number(typical)} {unit}".rstrip(),
            )
        )
    if sales_falling := details.get("sales_falling"):
        lines.append(
            t.gettext(SALES_FALLING).format(
                count=t.format_number(sales_falling), values=_money(t, answers[-sales_falling:])
            )
        )
    if sales_low := details.get("sales_low"):
        # To the thousand, as people say it: Rp153.333 is Rp153.000.
        usual_sales = int(round(float(details.get("sales_typical") or 0), -3))
        lines.append(
            t.gettext(SALES_LOW).format(
                count=t.format_number(sales_low),
                percent=t.format_percent(int(details.get("sales_low_percent") or 50)),
                values=_money(t, answers[-sales_low:]),
                typical=t.format_money(usual_sales),
            )
        )
    if later := details.get("later"):
        hours = ARROW.join(t.format_number(round(a.delay_hours)) for a in answers[-later:])
        lines.append(t.gettext(LATER).format(values=hours))
    if same := details.get("same_problem"):
        problems = answers[-1].problems if answers else []
        lines.append(
            t.gettext(SAME_PROBLEM).format(
                count=t.format_number(same),
                problems=", ".join(problem_label(t, code) for code in problems),
            )
        )
    if stopped := details.get("stopped"):
        lines.append(t.gettext(STOPPED).format(count=t.format_number(stopped)))
    return lines
