"""Cohorts: a group of families with one check-in schedule, time zone and unit.

Domain functions take a session and return data; they never print. Problems are raised as
CohortError carrying an English msgid, translated by the caller in the reader's language.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import Cohort, Person, Role, TelegramAccount
from bot.domain import cohort_names
from bot.domain.audit import audit
from bot.domain.cohort_error import CohortError as CohortError  # callers import it from here
from bot.domain.cohort_values import (
    checked_quiet_hours,
    checked_schedule,
    checked_timezone,
    validate_max_quantity,
    validate_name,
    validate_unit,
)
from bot.domain.graduation_bar import GraduationBar, checked_bar, cohort_bar
from bot.lib.i18n import N_
from bot.lib.scheduling import (
    QuietHours,
    Schedule,
    ScheduleError,
    next_occurrence,
    parse_schedule,
)

DEFAULT_SCHEDULE = "mon 08:00"
DEFAULT_UNIT = "kg"
MSG_EXISTS = N_(
    'Cohort "{name}" already exists. To change it, use: kabar cohort update {name} '
    '--schedule "mon 08:00"'
)
MSG_UNKNOWN = N_(
    'There is no cohort "{name}". See `kabar cohort list`, or create it with: '
    'kabar cohort create {name} --schedule "mon 08:00"'
)
MSG_BAD_WARNING = N_(
    'The value "{value}" of --{option} must be a whole number from {low} to {high}.'
)
# The early-warning thresholds (bot/domain/alerts/early_warning.py) and what each accepts.
WARNING_SETTINGS = {
    "warn_window_rounds": (4, 52),
    "warn_falling_answers": (0, 10),
    "warn_drop_percent": (1, 99),
    "warn_low_answers": (0, 10),
    "warn_low_percent": (1, 99),
    "warn_later_answers": (0, 10),
    "warn_same_problem_answers": (0, 10),
    "warn_steady_answers": (0, 20),
    "warn_sales_falling_answers": (0, 10),
    "warn_sales_drop_percent": (1, 99),
    "warn_sales_low_answers": (0, 10),
    "warn_sales_low_percent": (1, 99),
}


@dataclass(frozen=True, slots=True)
class CohortOverview:
    """One line of `kabar cohort list`."""

    name: str
    schedule: str
    timezone: str
    unit: str
    quiet_hours: str
    max_quantity: Decimal
    participants: int
    registered: int
    next_round: datetime | None  # UTC; None when the stored schedule cannot be read


# --- validation -----------------------------------------------------------------------------


def validate_warning(name: str, value: int | str) -> int:
    (low, high), text = WARNING_SETTINGS[name], str(value).strip()
    if not (text.isdigit() and low <= int(text) <= high):
        option = name.replace("_", "-")
        raise CohortError(MSG_BAD_WARNING, value=value, option=option, low=low, high=high)
    return int(text)


# --- reading a cohort's settings ------------------------------------------------------------


def cohort_schedule(cohort: Cohort) -> Schedule:
    """The cohort's parsed schedule (ScheduleError if the stored text is unreadable)."""
    return parse_schedule(cohort.schedule)


def cohort_quiet_hours(cohort: Cohort) -> QuietHours:
    return QuietHours.from_strings(cohort.quiet_hours_start, cohort.quiet_hours_end)


def cohort_anchor(cohort: Cohort) -> date:
    """The local date every-N-weeks schedules count from: the day the cohort was created."""
    return cohort.created_at.astimezone(ZoneInfo(cohort.timezone)).date()


def next_round_at(cohort: Cohort, after: datetime) -> datetime:
    """When the cohort's next scheduled round opens, strictly after `after` (UTC)."""
    return next_occurrence(cohort_schedule(cohort), after, cohort.timezone, cohort_anchor(cohort))


def schedule_in_quiet_hours(cohort: Cohort) -> bool:
    """Whether the schedule's time of day falls in quiet hours (its messages would wait)."""
    try:
        return cohort_quiet_hours(cohort).contains(cohort_schedule(cohort).at)
    except ScheduleError:
        return False


# --- queries and changes --------------------------------------------------------------------


async def get_cohort(session: AsyncSession, name: str) -> Cohort | None:
    """The cohort a person typed, ignoring case (cohort_names.py); CohortError if ambiguous."""
    found = cohort_names.pick((await session.execute(select(Cohort.id, Cohort.name))).all(), name)
    return await session.get(Cohort, found.id) if found is not None else None


async def require_cohort(session: AsyncSession, name: str) -> Cohort:
    cohort = await get_cohort(session, name)
    if cohort is None:
        raise CohortError(MSG_UNKNOWN, name=name.strip())
    return cohort


def format_quantity(value: Decimal) -> str:
    """10000.000 -> "10000", 2.500 -> "2.5" (plain, for audit details and messages)."""
    return f"{Decimal(value).normalize():f}"


# A setting's value as `cohort_settings` gives it: the CLI formats it for the operator.
Setting = str | QuietHours | Decimal | int | GraduationBar


def cohort_settings(cohort: Cohort) -> dict[str, Setting]:
    """Every setting an operator can change, by field name, typed."""
    return {
        "schedule": cohort.schedule,
        "timezone": cohort.timezone,
        "unit": cohort.unit,
        "quiet_hours": cohort_quiet_hours(cohort),
        "max_quantity": cohort.max_quantity,
        **{name: int(getattr(cohort, name)) for name in WARNING_SETTINGS},
        "graduation": cohort_bar(cohort),
    }


def _plain(value: Setting) -> str:
    """A setting as the audit log keeps it: 10000, 21:00-06:00, 500000 x 5/6."""
    return format_quantity(value) if isinstance(value, Decimal) else str(value)


def _describe(cohort: Cohort) -> dict[str, str]:
    return {key: _plain(value) for key, value in cohort_settings(cohort).items()}


def _checked_tuning(
    cohort: Cohort,
    warnings: Mapping[str, int | str] | None,
    graduation_amount: int | str | None,
    graduation_rounds: int | str | None,
    graduation_window: int | str | None,
) -> dict[str, int]:
    """The graduation bar and early-warning thresholds to set, every one checked first
    (CohortError), for create and update alike."""
    values = {name: validate_warning(name, value) for name, value in (warnings or {}).items()}
    bar = checked_bar(cohort, graduation_amount, graduation_rounds, graduation_window)
    values["graduation_min_revenue_idr"] = bar.min_revenue_idr
    values["graduation_rounds"] = bar.rounds
    values["graduation_window"] = bar.window
    return values


def _apply(cohort: Cohort, values: Mapping[str, int]) -> None:
    for name, value in values.items():
        setattr(cohort, name, value)


async def create_cohort(
    session: AsyncSession,
    name: str,
    *,
    schedule: str,
    timezone: str,
    now: datetime,
    unit: str = DEFAULT_UNIT,
    quiet_hours: str | None = None,
    max_quantity: Decimal | int | str | None = None,
    warnings: Mapping[str, int | str] | None = None,
    graduation_amount: int | str | None = None,
    graduation_rounds: int | str | None = None,
    graduation_window: int | str | None = None,
    actor: str = "cli",
) -> Cohort:
    """A new cohort; CohortError if the name is taken or any value is invalid."""
    name = validate_name(name)
    parsed = checked_schedule(schedule)
    zone = checked_timezone(timezone)
    cohort = Cohort(
        name=name,
        schedule=str(parsed),
        timezone=zone,
        unit=validate_unit(unit),
        created_at=now,
    )
    # Unset options keep the model's defaults (quiet 21:00-06:00, at most 10000).
    if quiet_hours is not None:
        quiet = checked_quiet_hours(quiet_hours)
        cohort.quiet_hours_start = f"{quiet.start:%H:%M}"
        cohort.quiet_hours_end = f"{quiet.end:%H:%M}"
    if max_quantity is not None:
        cohort.max_quantity = validate_max_quantity(max_quantity)
    _apply(
        cohort,
        _checked_tuning(cohort, warnings, graduation_amount, graduation_rounds, graduation_window),
    )
    # "TENUN-2026" beside "tenun-2026" would be a second cohort nobody can type apart.
    taken = cohort_names.alike((await session.execute(select(Cohort.name))).all(), name)
    if taken:
        raise CohortError(MSG_EXISTS, name=taken[0].name)
    session.add(cohort)
    await session.flush()
    audit(
        session,
        at=now,
        actor=actor,
        action="cohort.created",
        subject=name,
        details=_describe(cohort),
    )
    return cohort


async def update_cohort(
    session: AsyncSession,
    name: str,
    *,
    now: datetime,
    schedule: str | None = None,
    timezone: str | None = None,
    unit: str | None = None,
    quiet_hours: str | None = None,
    max_quantity: Decimal | int | str | None = None,
    warnings: Mapping[str, int | str] | None = None,
    graduation_amount: int | str | None = None,
    graduation_rounds: int | str | None = None,
    graduation_window: int | str | None = None,
    actor: str = "cli",
) -> tuple[Cohort, dict[str, tuple[Setting, Setting]]]:
    """Change the given settings; returns the cohort and {field: (old, new)} of real changes
    (values as `cohort_settings` gives them)."""
    cohort = await require_cohort(session, name)
    # Validate everything before touching the row, so a bad value changes nothing.
    new_schedule = str(checked_schedule(schedule)) if schedule is not None else None
    new_zone = checked_timezone(timezone) if timezone is not None else None
    new_unit = validate_unit(unit) if unit is not None else None
    new_quiet = checked_quiet_hours(quiet_hours) if quiet_hours is not None else None
    new_max = validate_max_quantity(max_quantity) if max_quantity is not None else None
    tuning = _checked_tuning(
        cohort, warnings, graduation_amount, graduation_rounds, graduation_window
    )

    before = cohort_settings(cohort)
    if new_schedule is not None:
        cohort.schedule = new_schedule
    if new_zone is not None:
        cohort.timezone = new_zone
    if new_unit is not None:
        cohort.unit = new_unit
    if new_quiet is not None:
        cohort.quiet_hours_start = f"{new_quiet.start:%H:%M}"
        cohort.quiet_hours_end = f"{new_quiet.end:%H:%M}"
    if new_max is not None and new_max != cohort.max_quantity:
        cohort.max_quantity = new_max
    _apply(cohort, tuning)
    after = cohort_settings(cohort)
    # Compared as the audit log writes them: two empty quiet hours are the same "none".
    changes = {
        key: (before[key], after[key]) for key in after if _plain(before[key]) != _plain(after[key])
    }
    if changes:
        await session.flush()
        audit(
            session,
            at=now,
            actor=actor,
            action="cohort.updated",
            subject=cohort.name,
            details={
                "changes": {key: [_plain(old), _plain(new)] for key, (old, new) in changes.items()}
            },
        )
    return cohort, changes


async def _count_by_cohort(session: AsyncSession, *, registered_only: bool) -> dict[int, int]:
    query = select(Person.cohort_id, func.count()).where(
        Person.role == Role.PARTICIPANT, Person.cohort_id.is_not(None)
    )
    if registered_only:
        query = query.join(TelegramAccount, TelegramAccount.person_id == Person.id)
    rows = await session.execute(query.group_by(Person.cohort_id))
    return {cohort_id: count for cohort_id, count in rows if cohort_id is not None}


async def list_cohorts(session: AsyncSession, *, now: datetime) -> list[CohortOverview]:
    """Every cohort by name, with participant counts and when its next round opens."""
    cohorts = (await session.execute(select(Cohort).order_by(Cohort.name))).scalars().all()
    participants = await _count_by_cohort(session, registered_only=False)
    registered = await _count_by_cohort(session, registered_only=True)
    overview: list[CohortOverview] = []
    for cohort in cohorts:
        try:
            upcoming: datetime | None = next_round_at(cohort, now)
        except (ScheduleError, ValueError):
            upcoming = None  # a hand-edited row should not break the listing
        overview.append(
            CohortOverview(
                name=cohort.name,
                schedule=cohort.schedule,
                timezone=cohort.timezone,
                unit=cohort.unit,
                quiet_hours=f"{cohort.quiet_hours_start}-{cohort.quiet_hours_end}"
                if cohort.quiet_hours_start != cohort.quiet_hours_end
                else "none",
                max_quantity=cohort.max_quantity,
                participants=participants.get(cohort.id, 0),
                registered=registered.get(cohort.id, 0),
                next_round=upcoming,
            )
        )
    return overview


async def ensure_cohorts(
    session: AsyncSession, names: Iterable[str], *, timezone: str, now: datetime
) -> tuple[dict[str, int], list[str]]:
    """Ids of the named cohorts, creating missing ones with the default schedule.

    Returns (name -> id, names created). A roster may name a cohort before staff have set
    its schedule; it starts weekly on Monday 08:00 and `kabar cohort` can change that.
    """
    wanted = sorted(set(names))
    if not wanted:
        return {}, []
    # Exact names: the importer settled each row's spelling first (roster/cohort_spelling.py),
    # so a name differing from a stored one only by case has become the stored one.
    rows = await session.execute(select(Cohort.name, Cohort.id).where(Cohort.name.in_(wanted)))
    ids = {name: cohort_id for name, cohort_id in rows}
    created: list[str] = []
    for name in wanted:
        if name in ids:
            continue
        cohort = Cohort(
            name=name,
            schedule=DEFAULT_SCHEDULE,
            timezone=timezone,
            unit=DEFAULT_UNIT,
            created_at=now,
        )
        session.add(cohort)
        await session.flush()
        ids[name] = cohort.id
        created.append(name)
    return ids, created
