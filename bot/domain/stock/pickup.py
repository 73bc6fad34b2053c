"""The pickup list: offered stock per district and village, product and unit.

Facilitators, coordinators, staff and the command line see the families holding each
village's stock; a buying partner (mitra) sees the same list without them: only the
quantities, so nothing a partner receives names a family or their phone.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from itertools import groupby

from sqlalchemy import ColumnElement, and_
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import Cohort, Person, Role
from bot.domain.facilitators.scope import visible_families
from bot.domain.stock.holdings import Holding, offered_holdings, village_stock


@dataclass(frozen=True, slots=True)
class Lot:
    """One village's offered stock of one product and unit."""

    district: str | None
    village: str | None
    product: str
    unit: str
    quantity: Decimal
    since: datetime  # the oldest of its families' stock began then
    timezone: str
    families: int  # how many families hold it
    holders: tuple[Holding, ...]  # by name; never read for a partner


def lots(holdings: Iterable[Holding]) -> list[Lot]:
    """The holdings (sorted by district, village, product, unit) as one lot per village,
    product and unit."""

    def key(h: Holding) -> tuple[str, str, str, str]:
        return (h.district or "", h.village or "", h.product, h.unit)

    made = []
    for _, group in groupby(holdings, key=key):
        held = tuple(group)
        first = held[0]
        made.append(
            Lot(
                district=first.district,
                village=first.village,
                product=first.product,
                unit=first.unit,
                quantity=sum((h.quantity for h in held), Decimal(0)),
                since=min(h.since for h in held),
                timezone=first.timezone,
                families=len(held),
                holders=held,
            )
        )
    return made


def partner_families(partner: Person, cohort: Cohort | None = None) -> ColumnElement[bool]:
    """The families whose stock a partner is offered: every family, or those of the
    partner's own cohort and district when the roster gives them."""
    terms = [Person.role == Role.PARTICIPANT]
    if partner.cohort_id is not None:
        terms.append(Person.cohort_id == partner.cohort_id)
    if partner.district is not None:
        terms.append(Person.district == partner.district)
    if cohort is not None:
        terms.append(Person.cohort_id == cohort.id)
    return and_(*terms)


async def pickup_list(
    session: AsyncSession, viewer: Person | None, cohort: Cohort | None = None
) -> list[Lot]:
    """The lots the viewer may see (None: the command line, every family), optionally of
    one cohort. A partner's lots carry no holders."""
    if viewer is not None and viewer.role is Role.PARTNER:
        # Summed in SQL: no family's name or id is even read for a partner.
        villages = await village_stock(session, partner_families(viewer, cohort))
        return [
            Lot(
                district=v.district,
                village=v.village,
                product=v.product,
                unit=v.unit,
                quantity=v.quantity,
                since=v.since,
                timezone=v.timezone,
                families=v.families,
                holders=(),
            )
            for v in villages
        ]
    families = visible_families(viewer) if viewer is not None else Person.role == Role.PARTICIPANT
    if families is None:
        return []
    if cohort is not None:
        families = and_(families, Person.cohort_id == cohort.id)
    return lots(await offered_holdings(session, families))
