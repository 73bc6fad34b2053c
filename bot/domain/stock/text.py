"""The pickup list as text: for Telegram (facilitator side, or a partner without any
family) and for the command line (table and CSV cells)."""

from __future__ import annotations

from datetime import datetime
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


def amount(t: Translator, value: Decimal) -> str:
    return t.format_number(value.normalize() if value == value.to_integral() else value)


def place(t: Translator, lot: Lot) -> str:
    village = lot.village or t.gettext(NO_VILLAGE)
    if lot.district is None:
        return "📍 " + village
    return t.gettext(PLACE).format(village=village, district=lot.district)


def lot_line(t: Translator, lot: Lot) -> str:
    line = t.gettext(LOT).format(
        product=lot.product,
        quantity=amount(t, lot.quantity),
        unit=lot.unit,
        since=t.format_date(local_day(lot.since, lot.timezone), "d MMM y"),
    )
    if lot.holders:
        families = ", ".join(
            t.gettext(HOLDER).format(name=h.name, quantity=amount(t, h.quantity))
            for h in lot.holders
        )
        line += " — " + families
    return line


def pickup_texts(t: Translator, lots: list[Lot], *, partner: bool) -> list[str]:
    """The list in as few messages as fit; one line when there is nothing."""
    if not lots:
        return [t.gettext(NOTHING)]
    texts: list[str] = []
    current = t.gettext(TITLE_PARTNER if partner else TITLE)
    last_place: str | None = None
    for lot in lots:
        where = place(t, lot)
        block = ("\n\n" + where if where != last_place else "") + "\n" + lot_line(t, lot)
        last_place = where
        if len(current) + len(block) > MESSAGE_LIMIT:
            texts.append(current)
            current = where + "\n" + lot_line(t, lot)
            continue
        current += block
    texts.append(current)
    return texts
