"""The texts of /peserta and /peringatan: a paged family list, one family's history, alerts.

Every query is filtered by `scope.visible_families` of the person asking, so what a page
or a lookup shows depends only on who asks, never on what a button claims.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import ColumnElement, case, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import (
    Alert,
    AlertStatus,
    Cohort,
    FollowUpRecord,
    ParticipantStatus,
    Person,
    RecordStatus,
    Round,
)
from bot.domain.alerts import cards
from bot.domain.facilitators.scope import visible_families
from bot.domain.media.shown import timezone_of_family
from bot.lib.config import DEFAULT_TIMEZONE
from bot.lib.i18n import N_, Translator
from bot.messaging.messages import Button

FAMILIES_PER_PAGE = 22  # with up to five status headings and the footer: at most 30 lines
ALERTS_PER_PAGE = 15
HISTORY_RECORDS = 8
MAX_MATCHES = 15
TEXT_LIMIT = 4000  # Telegram's limit is 4,096 characters
FAMILY_PAGE = "p"
ALERT_PAGE = "pa"

# Families needing attention come first.
STATUS_ORDER = (
    ParticipantStatus.QUIET,
    ParticipantStatus.NOT_PRODUCING,
    ParticipantStatus.UNREACHABLE,
    ParticipantStatus.PAUSED,
    ParticipantStatus.ACTIVE,
)
STATUS_LABELS = {
    ParticipantStatus.QUIET: N_("🔴 Quiet (not answering)"),
    ParticipantStatus.NOT_PRODUCING: N_("🟠 Not producing"),
    ParticipantStatus.UNREACHABLE: N_("⚫ Unreachable on Telegram"),
    ParticipantStatus.PAUSED: N_("⏸ Paused messages"),
    ParticipantStatus.ACTIVE: N_("🟢 Active"),
}
FAMILIES_HEADER = N_("Your families: {count}")
STATUS_HEADING = N_("{status}: {count}")
FAMILY_LINE = N_("• {name} ({id}), {village}")
PAGE_OF = N_("Page {page} of {pages}. Send /peserta followed by a name or ID for details.")
NO_FAMILIES = N_("You have no families assigned yet.")
NOT_FOUND = N_("No family of yours matches “{query}”.")
SEVERAL_MATCH = N_("Several families match “{query}”. Send /peserta with one of these IDs:")
MORE_MATCHES = N_("… and {count} more; try a longer name.")
FAMILY_DETAILS = N_(
    "{name} ({id})\n• Village: {village}\n• Phone: {phone}\n• Facilitator: {facilitator}\n"
    "• Status: {status}"
)
RECENT_RECORDS = N_("Recent check-ins:")
RECORD_ANSWERED = N_("answered")
RECORD_PARTIAL = N_("partly answered")
RECORD_MISSED = N_("missed")
RECORD_LINE = N_("• {date}: {status} — {what}")
RECORD_LINE_MISSED = N_("• {date}: {status}")
NOTHING_REPORTED = N_("nothing reported")
OPEN_ALERTS = N_("Open alerts:")
NO_OPEN_ALERTS = N_("No open alerts.")
ALERT_OF_FAMILY = N_("• {reason} (since {date})")
ALERTS_HEADER = N_("Open alerts for you: {count}. Tap a number to see the card and act:")
ALERT_LINE = N_("{number}. {name} ({id}), {village} — {reason}, {date}")
ACKNOWLEDGED_MARK = N_(" (acknowledged)")
ESCALATED_MARK = N_(" (also with your coordinator)")
ALERTS_PAGE_OF = N_("Page {page} of {pages}.")
NO_ALERTS = N_("No open alerts for you. 🎉")

LIVE = (AlertStatus.OPEN, AlertStatus.ACKNOWLEDGED)


@dataclass(frozen=True, slots=True)
class Page:
    text: str
    buttons: tuple[tuple[Button, ...], ...] = ()


def fit(text: str) -> str:
    return text if len(text) <= TEXT_LIMIT else text[: TEXT_LIMIT - 2] + "\n…"


def page_count(total: int, per_page: int) -> int:
    return max(1, -(-total // per_page))


def navigation(prefix: str, page: int, pages: int) -> tuple[Button, ...]:
    row: list[Button] = []
    if page > 1:
        row.append(Button("‹", f"{prefix}:{page - 1}"))
    if page < pages:
        row.append(Button("›", f"{prefix}:{page + 1}"))
    return tuple(row)


def _status_rank() -> ColumnElement[int]:
    return case(
        *((Person.status == status, rank) for rank, status in enumerate(STATUS_ORDER)),
        else_=len(STATUS_ORDER),
    )


async def family_page(session: AsyncSession, viewer: Person, t: Translator, page: int) -> Page:
    scope = visible_families(viewer)
    assert scope is not None, "callers refuse participants first"
    counts = {
        status: count
        for status, count in (
            await session.execute(
                select(Person.status, func.count()).where(scope).group_by(Person.status)
            )
        ).all()
    }
    total = sum(counts.values())
    if total == 0:
        return Page(t.gettext(NO_FAMILIES))
    pages = page_count(total, FAMILIES_PER_PAGE)
    page = min(page, pages)
    families = (
        (
            await session.execute(
                select(Person)
                .where(scope)
                .order_by(_status_rank(), Person.name, Person.id)
                .offset((page - 1) * FAMILIES_PER_PAGE)
                .limit(FAMILIES_PER_PAGE)
            )
        )
        .scalars()
        .all()
    )
    lines = [t.gettext(FAMILIES_HEADER).format(count=t.format_number(total))]
    current: ParticipantStatus | None = None
    for family in families:
        if family.status is not current:
            current = family.status
            lines.append(
                t.gettext(STATUS_HEADING).format(
                    status=t.gettext(STATUS_LABELS[current]),
                    count=t.format_number(counts.get(current, 0)),
                )
            )
        lines.append(
            t.gettext(FAMILY_LINE).format(
                name=family.name, id=family.id, village=family.village or "-"
            )
        )
    lines += ["", t.gettext(PAGE_OF).format(page=page, pages=pages)]
    nav = navigation(FAMILY_PAGE, page, pages)
    return Page(fit("\n".join(lines)), (nav,) if nav else ())


@dataclass(frozen=True, slots=True)
class Lookup:
    text: str
    family: Person | None = None  # the one family found, whose latest media go with it


async def family_lookup(session: AsyncSession, viewer: Person, t: Translator, query: str) -> Lookup:
    """One family's history, a short list when several match, or "not found"."""
    scope = visible_families(viewer)
    assert scope is not None, "callers refuse participants first"
    query = query.strip()
    exact = (
        await session.execute(select(Person).where(scope, func.lower(Person.id) == query.lower()))
    ).scalar_one_or_none()
    if exact is not None:
        return Lookup(await history(session, exact, t), exact)
    matching = or_(
        func.lower(Person.name).contains(query.lower(), autoescape=True),
        func.lower(Person.id).contains(query.lower(), autoescape=True),
    )
    matches = (
        (
            await session.execute(
                select(Person)
                .where(scope, matching)
                .order_by(Person.name, Person.id)
                .limit(MAX_MATCHES + 1)
            )
        )
        .scalars()
        .all()
    )
    if not matches:
        return Lookup(t.gettext(NOT_FOUND).format(query=query[:100]))
    if len(matches) == 1:
        return Lookup(await history(session, matches[0], t), matches[0])
    lines = [t.gettext(SEVERAL_MATCH).format(query=query[:100])]
    lines += [
        t.gettext(FAMILY_LINE).format(name=f.name, id=f.id, village=f.village or "-")
        for f in matches[:MAX_MATCHES]
    ]
    if len(matches) > MAX_MATCHES:
        more = await session.scalar(select(func.count()).select_from(Person).where(scope, matching))
        lines.append(t.gettext(MORE_MATCHES).format(count=max(0, (more or 0) - MAX_MATCHES)))
    return Lookup(fit("\n".join(lines)))


def _record_text(record: FollowUpRecord, t: Translator) -> str:
    if record.produced is False:
        return t.gettext(cards.RECORD_NOT_PRODUCED)
    if record.produced:
        return cards.produced_facts(record, t)
    return t.gettext(NOTHING_REPORTED)


async def history(session: AsyncSession, family: Person, t: Translator) -> str:
    facilitator = await session.get(Person, family.supervisor_id) if family.supervisor_id else None
    lines = [
        t.gettext(FAMILY_DETAILS).format(
            name=family.name,
            id=family.id,
            village=family.village or "-",
            phone=family.phone or "-",
            facilitator=facilitator.name if facilitator else "-",
            status=t.gettext(STATUS_LABELS[family.status]),
        ),
        "",
        t.gettext(RECENT_RECORDS),
    ]
    records = (
        await session.execute(
            select(FollowUpRecord, Round.opened_at)
            .join(Round, Round.id == FollowUpRecord.round_id)
            .where(FollowUpRecord.person_id == family.id)
            .order_by(Round.opened_at.desc())
            .limit(HISTORY_RECORDS)
        )
    ).all()
    status_words = {
        RecordStatus.ANSWERED: RECORD_ANSWERED,
        RecordStatus.PARTIAL: RECORD_PARTIAL,
        RecordStatus.MISSED: RECORD_MISSED,
    }
    # The day a facilitator reads is the family's day.
    tz = await timezone_of_family(session, family, DEFAULT_TIMEZONE)
    for record, opened_at in records:
        date = t.format_date(opened_at, "d MMM y", tz)
        status = t.gettext(status_words[record.status])
        if record.status is RecordStatus.MISSED:  # nothing more to say than "missed"
            lines.append(t.gettext(RECORD_LINE_MISSED).format(date=date, status=status))
        else:
            what = _record_text(record, t)
            lines.append(t.gettext(RECORD_LINE).format(date=date, status=status, what=what))
    if not records:
        lines.append(t.gettext(cards.NO_RECORDS))
    alerts = (
        (
            await session.execute(
                select(Alert)
                .where(Alert.person_id == family.id, Alert.status.in_(LIVE))
                .order_by(Alert.opened_at)
            )
        )
        .scalars()
        .all()
    )
    lines += ["", t.gettext(OPEN_ALERTS) if alerts else t.gettext(NO_OPEN_ALERTS)]
    for alert in alerts:
        lines.append(
            t.gettext(ALERT_OF_FAMILY).format(
                reason=t.gettext(cards.REASONS.get(alert.rule, alert.rule)),
                date=t.format_date(alert.opened_at, "d MMM", tz),
            )
        )
    return fit("\n".join(lines))


async def alert_page(session: AsyncSession, viewer: Person, t: Translator, page: int) -> Page:
    """The live alerts assigned to `viewer`, or about their own families (still theirs after
    escalation to the coordinator), numbered, with a button per card."""
    mine = (
        or_(Alert.assigned_to_id == viewer.id, Person.supervisor_id == viewer.id),
        Alert.status.in_(LIVE),
    )
    total = (
        await session.scalar(
            select(func.count())
            .select_from(Alert)
            .join(Person, Person.id == Alert.person_id)
            .where(*mine)
        )
        or 0
    )
    if total == 0:
        return Page(t.gettext(NO_ALERTS))
    pages = page_count(total, ALERTS_PER_PAGE)
    page = min(page, pages)
    first = (page - 1) * ALERTS_PER_PAGE
    rows = (
        await session.execute(
            select(Alert, Person, Cohort.timezone)
            .join(Person, Person.id == Alert.person_id)
            .outerjoin(Cohort, Cohort.id == Person.cohort_id)
            .where(*mine)
            .order_by(Alert.opened_at, Alert.id)
            .offset(first)
            .limit(ALERTS_PER_PAGE)
        )
    ).all()
    lines = [t.gettext(ALERTS_HEADER).format(count=t.format_number(total)), ""]
    numbers: list[Button] = []
    for number, (alert, family, zone) in enumerate(rows, start=first + 1):
        line = t.gettext(ALERT_LINE).format(
            number=number,
            name=family.name,
            id=family.id,
            village=family.village or "-",
            reason=t.gettext(cards.REASONS.get(alert.rule, alert.rule)),
            date=t.format_date(alert.opened_at, "d MMM", zone or DEFAULT_TIMEZONE),
        )
        if alert.status is AlertStatus.ACKNOWLEDGED:
            line += t.gettext(ACKNOWLEDGED_MARK)
        if alert.assigned_to_id != viewer.id:
            line += t.gettext(ESCALATED_MARK)
        lines.append(line)
        # The card handler checks may_act again, so these buttons grant nothing by themselves.
        numbers.append(Button(str(number), f"{cards.PREFIX}:{alert.id}:show"))
    return numbered_page(lines, numbers, page, pages, t)


def numbered_page(
    lines: list[str], numbers: list[Button], page: int, pages: int, t: Translator
) -> Page:
    """An alert list's page: its lines, "page N of M", number buttons five a row, ‹ ›."""
    if pages > 1:
        lines = [*lines, "", t.gettext(ALERTS_PAGE_OF).format(page=page, pages=pages)]
    buttons = [tuple(numbers[i : i + 5]) for i in range(0, len(numbers), 5)]
    nav = navigation(ALERT_PAGE, page, pages)
    if nav:
        buttons.append(nav)
    return Page(fit("\n".join(lines)), tuple(buttons))
