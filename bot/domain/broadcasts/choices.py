"""The audiences /siaran offers as buttons, and the values each one is picked from.

Values (cohorts, districts, villages, facilitators) come from the database within the
sender's scope, in a stable order; a button carries only an index into that list, which is
recomputed for whoever presses it, so a forged index can only pick what the presser may
already see (and the scope is applied again in SQL when the broadcast is counted and sent).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import ColumnElement, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import Cohort, ParticipantStatus, Person, Role
from bot.domain.broadcasts.audience import Audience, in_scope
from bot.domain.facilitators.views import STATUS_LABELS
from bot.lib.i18n import N_, Translator

# Kind keys, as short as a button's 64 bytes want them.
EVERYONE, COHORT, DISTRICT, VILLAGE, FACILITATOR, STATUS, UNANSWERED, FACILITATORS = (
    "all",
    "c",
    "d",
    "v",
    "f",
    "st",
    "na",
    "pdp",
)
KIND_LABELS = {
    EVERYONE: N_("Everyone"),
    COHORT: N_("A cohort"),
    DISTRICT: N_("A district"),
    VILLAGE: N_("A village"),
    FACILITATOR: N_("One facilitator's families"),
    STATUS: N_("Families with a status"),
    UNANSWERED: N_("Not answered this round"),
    FACILITATORS: N_("All facilitators"),
}
KIND_ROWS = (
    (EVERYONE, COHORT),
    (DISTRICT, VILLAGE),
    (FACILITATOR, STATUS),
    (UNANSWERED, FACILITATORS),
)
# The audiences chosen with one press; the others are a term whose value is picked next.
FIXED = {
    EVERYONE: Audience(),
    UNANSWERED: Audience((("answered", "no"),)),
    FACILITATORS: Audience((("role", "facilitator"),)),
}
TERMS = {
    COHORT: "cohort",
    DISTRICT: "district",
    VILLAGE: "village",
    FACILITATOR: "facilitator",
    STATUS: "status",
}
STATUS_ORDER = (
    ParticipantStatus.ACTIVE,
    ParticipantStatus.QUIET,
    ParticipantStatus.NOT_PRODUCING,
    ParticipantStatus.UNREACHABLE,
    ParticipantStatus.PAUSED,
)
PAGE_SIZE = 24
PER_ROW = 2


@dataclass(frozen=True, slots=True)
class Choice:
    label: str  # what the button says (a name, or a translated status)
    value: str  # the audience term's value


def _scoped(viewer: Person) -> list[ColumnElement[bool]]:
    scope = in_scope(viewer)
    return [Person.role == Role.PARTICIPANT] + ([scope] if scope is not None else [])


async def values(session: AsyncSession, kind: str, viewer: Person, t: Translator) -> list[Choice]:
    """What `viewer` may pick for `kind`, in the order the buttons show it."""
    if kind == STATUS:
        return [Choice(t.gettext(STATUS_LABELS[s]), s.value) for s in STATUS_ORDER]
    if kind == COHORT:
        names = await session.scalars(
            select(Cohort.name)
            .join(Person, Person.cohort_id == Cohort.id)
            .where(*_scoped(viewer))
            .distinct()
            .order_by(Cohort.name)
        )
        return [Choice(name, name) for name in names]
    if kind in (DISTRICT, VILLAGE):
        column = Person.district if kind == DISTRICT else Person.village
        found = await session.scalars(
            select(column).where(*_scoped(viewer), column.is_not(None)).distinct().order_by(column)
        )
        return [Choice(name, name) for name in found if name and name.strip()]
    if kind == FACILITATOR:
        query = select(Person.id, Person.name).where(Person.role == Role.FACILITATOR)
        if viewer.role is not Role.STAFF:
            query = query.where(Person.supervisor_id == viewer.id)
        rows = await session.execute(query.order_by(Person.name, Person.id))
        return [Choice(name, pid) for pid, name in rows]
    return []


def audience_of(kind: str, picked: Choice | None) -> Audience | None:
    """The audience a kind (and, for a term, its picked value) stands for."""
    if kind in FIXED:
        return FIXED[kind]
    if kind in TERMS and picked is not None:
        return Audience().with_term(TERMS[kind], picked.value)
    return None


async def describe(session: AsyncSession, audience: Audience, t: Translator) -> str:
    """The audience in words: the kind's label, and the picked value's (a name, a status)."""
    for fixed_kind, fixed in FIXED.items():
        if fixed == audience:
            return t.gettext(KIND_LABELS[fixed_kind])
    parts = []
    for key, value in audience.terms:
        kind = next((k for k, term in TERMS.items() if term == key), None)
        if kind is None:
            parts.append(key + "=" + value)
            continue
        label = value
        if kind == STATUS:
            label = t.gettext(STATUS_LABELS[ParticipantStatus(value)])
        elif kind == FACILITATOR:
            person = await session.get(Person, value)
            label = person.name if person is not None else value
        parts.append(t.gettext(KIND_LABELS[kind]) + ": " + label)
    return "; ".join(parts)
