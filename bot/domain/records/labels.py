"""Column headers of the XLSX workbook in the operator's language.

The CSV keeps the machine names (a contract with analysts' scripts); the workbook is read by
people, so its header row says what each column is. The "about" sheet pairs each header
with its machine name.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from bot.lib.i18n import N_, Translator

LABELS: dict[str, str] = {
    # records
    "record_id": N_("Record no."),
    "participant_id": N_("Participant ID"),
    "participant_name": N_("Participant"),
    "cohort": N_("Cohort"),
    "village": N_("Village"),
    "district": N_("District"),
    "facilitator_id": N_("Facilitator ID"),
    "round_id": N_("Round no."),
    "round_opened_at": N_("Round opened"),
    "answered_at": N_("Answered at"),
    "status": N_("Status"),
    "produced": N_("Produced"),
    "quantity_produced": N_("Quantity produced"),
    "unit": N_("Unit"),
    "quantity_sold": N_("Quantity sold"),
    "revenue_idr": N_("Revenue (Rp)"),
    "problems": N_("Problems (codes)"),
    "problem_names": N_("Problems"),
    "problem_note": N_("Problem in their words"),
    "needs_help": N_("Asked for help"),
    "attachments": N_("Attachments (Telegram)"),
    "late": N_("Late"),
    "media_files": N_("Media files"),
    "offer_stock": N_("Offer to buying partners"),
    # figures
    "round": N_("Round"),
    "closed": N_("Closed"),
    "registered": N_("Registered"),
    "asked": N_("Asked"),
    "answered": N_("Answered"),
    "partial": N_("Partly answered"),
    "missed": N_("Missed"),
    "response_rate": N_("Response rate"),
    "response_rate_change": N_("Change in response rate"),
    "producing": N_("Producing"),
    "median_revenue_idr": N_("Median revenue (Rp)"),
    "paused": N_("Paused"),
    "unreachable": N_("Unreachable"),
    # alerts
    "alert_id": N_("Alert no."),
    "rule": N_("Reason"),
    "level": N_("Level"),
    "assigned_to_id": N_("Assigned to"),
    "opened_at": N_("Opened"),
    "acknowledged_at": N_("Acknowledged"),
    "escalated_at": N_("Escalated"),
    "closed_at": N_("Closed at"),
    "closed_reason": N_("Why closed"),
    "action": N_("Action"),
    "action_by": N_("Action by"),
    "action_at": N_("Action at"),
    "action_note": N_("Note"),
    # problems
    "problem": N_("Problem (code)"),
    "problem_name": N_("Problem"),
    "families": N_("Families"),
    "words": N_("Most used words"),
    # graduation and change against the start
    "rounds_met": N_("Rounds at or above the amount"),
    "rounds_required": N_("Rounds needed"),
    "min_revenue_idr": N_("Amount per round (Rp)"),
    "window_rounds": N_("Rounds looked at"),
    "months": N_("Months after the first round"),
    "checkpoint": N_("On"),
    "reached": N_("Reached"),
    "median_change_idr": N_("Median change per month (Rp)"),
    "above_start": N_("Above their start"),
    "producing_at_start": N_("Producing at the start"),
    "producing_now": N_("Producing now"),
    "start_from": N_("Start from (roster or rounds)"),
    "start_revenue_idr": N_("Income per month at the start (Rp)"),
    "revenue_3_months_idr": N_("Income per month at 3 months (Rp)"),
    "change_3_months_idr": N_("Change at 3 months (Rp)"),
    "producing_3_months": N_("Producing at 3 months"),
    "revenue_6_months_idr": N_("Income per month at 6 months (Rp)"),
    "change_6_months_idr": N_("Change at 6 months (Rp)"),
    "producing_6_months": N_("Producing at 6 months"),
    # stock (the pickup list)
    "product": N_("Product"),
    "village_quantity": N_("Village total"),
    "village_since": N_("Village's stock since"),
    "name": N_("Name"),
    "quantity": N_("Quantity"),
    "since": N_("Since"),
}


# The graduation sheet's revenue per round of the window, as many columns as the window.
WINDOW_REVENUE = N_("Revenue, round {number} looked at (Rp)")
_WINDOW_REVENUE = re.compile(r"round_(\d+)_revenue_idr")


def _title(column: str, t: Translator) -> str:
    if column in LABELS:
        return t.gettext(LABELS[column])
    numbered = _WINDOW_REVENUE.fullmatch(column)
    if numbered is not None:
        return t.gettext(WINDOW_REVENUE).format(number=t.format_number(int(numbered[1])))
    return column


def titles(columns: Sequence[str], t: Translator) -> list[str]:
    """The header row for `columns`, translated; a column without a label keeps its name."""
    return [_title(column, t) for column in columns]
