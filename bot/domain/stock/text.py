"""The pickup list as text: for Telegram (facilitator side, or a partner without any
family) and for the command line (table and CSV cells)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from bot.domain.stock.pickup import Lot
from bot.lib.i18n import N_, Translator

TITLE = N_("Stock ready for pickup, offered by the families:")
TITLE_PARTNER = N_("Stock ready for pickup, per village:")
NOTHING = N_("No family has offered stock for pickup right now.")
NO_VILLAGE = N_("(no village)")
PLACE = N_("📍 {village}, {district}")
LOT = N_("• {product}: {quantity} {unit}, since {since}")
HOLDER = N_("{name} {quantity}")
# Telegram refuses texts over 4,096 characters: a long list goes in several messages.
MESSAGE_LIMIT = 3_500

CSV_COLUMNS = (
    "district",
    "village",
    "product",
    "unit",
    "village_quantity",
    "village_since",
    "participant_id",
    "name",
    "quantity",
    "since",
)


def local_day(when: datetime, timezone: str) -> datetime:
    return when.astimezone(ZoneInfo(timezone))


FamilyRow = tuple[str | None, str | None, str, str, Decimal, date, str, str, Decimal, date]


def family_rows(found: list[Lot]) -> Iterator[FamilyRow]:
    """One row per family holding stock, in CSV_COLUMNS order, dates in the cohort's zone:
    the rows of `kabar stock --format csv` and of the workbook's "stock" sheet."""
    for lot in found:
        since = local_day(lot.since, lot.timezone).date()
        for holder in lot.holders:
            yield (
                lot.district, lot.village, lot.product, lot.unit, lot.quantity, since,
                holder.person_id, holder.name, holder.quantity,
                local_day(holder.since, lot.timezone).date(),
            )  # fmt: skip


def amount(t: Translator, value: Decimal) -> str:
    return t.format_number(value.normalize() if value == value.to_integral() else value)


def place(t: Translator, lot: Lot) -> str:
    village = lot.village or t.gettext(NO_VILLAGE)
    if lot.district is None:
        return "📍 " + village
    return t.gettext(PLACE).format(village=village, district=lot.district)


# Families named per line under a lot, so that no line outgrows a message.
HOLDERS_PER_LINE = 10


def lot_lines(t: Translator, lot: Lot) -> list[str]:
    """The lot's line, then its families (none for a partner), a few to a line."""
    lines = [
        t.gettext(LOT).format(
            product=lot.product,
            quantity=amount(t, lot.quantity),
            unit=lot.unit,
            since=t.format_date(local_day(lot.since, lot.timezone), "d MMM y"),
        )
    ]
    for start in range(0, len(lot.holders), HOLDERS_PER_LINE):
        named = lot.holders[start : start + HOLDERS_PER_LINE]
        lines.append(
            "   "
            + ", ".join(
                t.gettext(HOLDER).format(name=h.name, quantity=amount(t, h.quantity)) for h in named
            )
        )
    return lines


def pickup_texts(t: Translator, lots: list[Lot], *, partner: bool) -> list[str]:
    """The list in as few messages as fit; one line when there is nothing."""
    if not lots:
        return [t.gettext(NOTHING)]
    texts: list[str] = []
    current = t.gettext(TITLE_PARTNER if partner else TITLE)
    last_place: str | None = None
    for lot in lots:
        where = place(t, lot)
        lines = lot_lines(t, lot)
        if where != last_place:
            lines = ["", where, *lines]
        last_place = where
        for line in lines:
            if len(current) + 1 + len(line) > MESSAGE_LIMIT:
                texts.append(current)
                # A message that goes on with a village's families names the village again.
                current = "" if line in ("", where) else where
            if not current and not line:
                continue
            current = (current + "\n" + line) if current else line
    texts.append(current)
    return texts
