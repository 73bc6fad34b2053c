"""Answers that are possible but probably mistyped, asked about once.

"tujuh" at the income question is Rp7: far below anything a family receives for a sale, so
the engine asks "Rp7 — did you mean Rp7.000?" with buttons: as typed, the corrected amount,
or type again. Selling more than was produced asks whether the rest came from earlier
stock. The flow declares which steps are checked (`Step.plausible`, `per`, `at_most`); the
binding supplies what is usual (`Limits.usual_amount`, `usual_price`). An answer confirmed
is kept in `FlowState.confirmed` and not asked about again.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from bot.flows.events import Event, Press, Text
from bot.flows.limits import Limits
from bot.flows.matching import AGAIN_WORDS, RIGHT_WORDS, Candidate, labels, match
from bot.flows.model import Kind, Step
from bot.flows.outputs import Check, Rupiah
from bot.lib.i18n import N_

KEEP, USE, AGAIN = "~keep", "~use", "~again"

# Below this no sale is paid; more than FACTOR times (or under a FACTOR-th of) what is
# usual is far enough off to ask.
LEAST_AMOUNT = 100
FACTOR = 20

AMOUNT_MEANT = N_("{typed} — did you mean {suggested}?")
AMOUNT_UNUSUAL = N_("{typed} is far from the usual amount ({usual}). Is it right?")
SOLD_MORE = N_(
    "You sold {sold} {unit} but produced {produced} {unit}. Did the rest come from earlier stock?"
)
KEEP_AMOUNT = N_("Yes, {typed}")
USE_AMOUNT = N_("I meant {suggested}")
TYPE_AGAIN = N_("No, I will type it again")
FROM_STOCK = N_("Yes, from earlier stock")


def doubt(
    step: Step, value: Any, answers: Mapping[str, Any], limits: Limits
) -> dict[str, Any] | None:
    """What to ask about `value` (the pending check, as saved), or None when it looks right."""
    if step.kind is Kind.MONEY and step.plausible:
        return _doubt_amount(step, int(value), answers, limits)
    most = answers.get(step.at_most) if step.at_most else None
    if step.kind is Kind.QUANTITY and most is not None and Decimal(str(value)) > Decimal(most):
        return {"step": step.id, "value": value}
    return None


def _doubt_amount(
    step: Step, amount: int, answers: Mapping[str, Any], limits: Limits
) -> dict[str, Any] | None:
    usual: list[Decimal] = []
    if limits.usual_amount:
        usual.append(Decimal(limits.usual_amount))
    quantity = answers.get(step.per) if step.per else None
    if limits.usual_price and quantity is not None and Decimal(str(quantity)) > 0:
        usual.append(limits.usual_price * Decimal(str(quantity)))
    too_small = amount < LEAST_AMOUNT or any(amount * FACTOR < u for u in usual)
    too_large = any(amount > u * FACTOR for u in usual)
    if not (too_small or too_large):
        return None
    suggested: int | None = None
    if too_small and amount * 1000 <= limits.max_revenue_idr:
        suggested = amount * 1000
    elif too_large and amount % 1000 == 0 and amount // 1000 >= LEAST_AMOUNT:
        suggested = amount // 1000
    reference = int(usual[0]) if usual else None
    return {"step": step.id, "value": amount, "suggested": suggested, "usual": reference}


def question(
    step: Step, pending: Mapping[str, Any], answers: Mapping[str, Any], unit: str
) -> Check:
    """The confirming question for a pending check (also to show it again)."""
    if step.kind is Kind.QUANTITY:
        params = {
            "sold": Decimal(str(pending["value"])),
            "produced": Decimal(str(answers.get(step.at_most, 0))),
            "unit": unit,
        }
        return Check(step, SOLD_MORE, params, ((FROM_STOCK, KEEP), (TYPE_AGAIN, AGAIN)))
    typed = Rupiah(int(pending["value"]))
    suggested = pending.get("suggested")
    if suggested is not None:
        params = {"typed": typed, "suggested": Rupiah(int(suggested))}
        choices = ((KEEP_AMOUNT, KEEP), (USE_AMOUNT, USE), (TYPE_AGAIN, AGAIN))
        return Check(step, AMOUNT_MEANT, params, choices)
    usual = pending.get("usual")
    params = {"typed": typed, "usual": Rupiah(int(usual)) if usual is not None else typed}
    return Check(step, AMOUNT_UNUSUAL, params, ((KEEP_AMOUNT, KEEP), (TYPE_AGAIN, AGAIN)))


def reading(event: Event, pending: Mapping[str, Any], limits: Limits) -> str | None:
    """KEEP, USE or AGAIN for a press or typed word; None for anything else (a number)."""
    offered = {KEEP, AGAIN} | ({USE} if pending.get("suggested") is not None else set())
    if isinstance(event, Press):
        return event.value if event.value in offered else None
    if not isinstance(event, Text):
        return None
    t = limits.translate
    candidates: list[Candidate] = [
        (KEEP, (*labels(FROM_STOCK, t), *RIGHT_WORDS)),
        (AGAIN, (*labels(TYPE_AGAIN, t), *AGAIN_WORDS)),
    ]
    return match(event.text, candidates)
