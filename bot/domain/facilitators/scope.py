"""Which families a person may see: the one rule every facilitator query goes through."""

from __future__ import annotations

from sqlalchemy import ColumnElement, and_, select
from sqlalchemy.orm import aliased

from bot.db.models import Person, Role


def is_facilitator_side(person: Person) -> bool:
    return person.role in (Role.FACILITATOR, Role.COORDINATOR, Role.STAFF)


def visible_families(viewer: Person) -> ColumnElement[bool] | None:
    """A filter on Person for the families `viewer` may see; None for a participant.

    A facilitator sees the families they supervise, a coordinator those of their
    facilitators, staff every family.
    """
    is_family = Person.role == Role.PARTICIPANT
    if viewer.role is Role.STAFF:
        return is_family
    if viewer.role is Role.FACILITATOR:
        return and_(is_family, Person.supervisor_id == viewer.id)
    if viewer.role is Role.COORDINATOR:
        facilitator = aliased(Person)
        theirs = select(facilitator.id).where(facilitator.supervisor_id == viewer.id)
        return and_(is_family, Person.supervisor_id.in_(theirs))
    return None
