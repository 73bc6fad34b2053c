"""What the engine knows of the person and cohort to judge answers; the binding fills it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal


@dataclass(frozen=True, slots=True)
class Limits:
    unit: str = "kg"
    max_quantity: Decimal = Decimal(10_000)
    max_revenue_idr: int = 1_000_000_000
    locale: str = "id"
    # Translates an option label so a typed "ya" or "yes" can stand for a button.
    translate: Callable[[str], str] = lambda message: message
    # For a step declared `plausible` (bot/flows/checks.py): the family's own usual amount
    # (median of earlier answers) and the cohort's usual price per unit, when known.
    usual_amount: int | None = None
    usual_price: Decimal | None = None
    # The family's stock before this check-in, for a step asked only when they hold some
    # (Condition "no_stock"); None when not read: such a step is then asked.
    stock: Decimal | None = None
