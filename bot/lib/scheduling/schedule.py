"""Check-in schedules: parsing what staff type, and when the next round falls.

Accepted forms (case-insensitive, English or Indonesian words):

- weekly: ``mon 08:00``, ``senin 08:00``, ``weekly mon 08:00``
- every N weeks: ``every 2 weeks mon 08:00``, ``tiap 2 minggu sen 08:00``
- monthly: ``monthly 15 08:00``, ``bulanan 15 08:00`` (day 29–31 in a shorter month means
  that month's last day)
- monthly on a weekday: ``monthly first mon 08:00``, ``monthly last fri 08:00``,
  ``bulanan senin pertama 08:00``, ``bulanan jumat terakhir 08:00`` (either word order)

Times are 24-hour ``HH:MM``; ``8:00`` and ``08.00`` (as Indonesians often write it) are read
too. Every schedule has one canonical spelling (``str(schedule)``), which is what is stored.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import TypeAlias
from zoneinfo import ZoneInfo

from bot.lib.i18n import N_
from bot.lib.scheduling.errors import ScheduleError

MAX_EVERY_WEEKS = 52

DAY_CODES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_DAY_NAMES: dict[str, int] = {}
for _index, _names in enumerate(
    (
        ("mon", "monday", "sen", "senin"),
        ("tue", "tuesday", "sel", "selasa"),
        ("wed", "wednesday", "rab", "rabu"),
        ("thu", "thursday", "kam", "kamis"),
        ("fri", "friday", "jum", "jumat", "jum'at"),
        ("sat", "saturday", "sab", "sabtu"),
        ("sun", "sunday", "min", "minggu", "ahad"),
    )
):
    for _name in _names:
        _DAY_NAMES[_name] = _index

_EVERY_WORDS = frozenset({"every", "tiap", "setiap"})
_WEEK_WORDS = frozenset({"week", "weeks", "minggu"})
_WEEKLY_WORDS = frozenset({"weekly", "mingguan"})
_MONTHLY_WORDS = frozenset({"monthly", "bulanan"})
_ORDINALS = {"first": "first", "pertama": "first", "last": "last", "terakhir": "last"}
_TIME_RE = re.compile(r"^(\d{1,2})[:.](\d{2})$")

MSG_EMPTY = N_(
    'The schedule is empty. Write it like "mon 08:00", "every 2 weeks mon 08:00" or '
    '"monthly 15 08:00".'
)
MSG_UNREADABLE = N_(
    'Cannot read the schedule "{value}". Write it like "mon 08:00", "every 2 weeks mon 08:00" '
    'or "monthly 15 08:00".'
)
MSG_BAD_DAY = N_(
    'Unknown day "{day}" in the schedule. Use mon, tue, wed, thu, fri, sat or sun (or sen, '
    'sel, rab, kam, jum, sab, min), for example "mon 08:00".'
)
MSG_BAD_TIME = N_(
    'Unknown time "{time}" in the schedule. Use 24-hour HH:MM, for example "mon 08:00".'
)
MSG_BAD_EVERY = N_(
    'The number of weeks "{weeks}" must be a whole number from 1 to 52, for example '
    '"every 2 weeks mon 08:00".'
)
MSG_BAD_MONTH_DAY = N_(
    'The day of the month "{day}" must be a number from 1 to 31, for example '
    '"monthly 15 08:00" (a day past the end of a month means its last day).'
)


@dataclass(frozen=True, slots=True)
class WeeklySchedule:
    """On one weekday, every week or every N weeks (counted from an anchor date's week)."""

    weekday: int  # 0 = Monday, as date.weekday()
    at: time
    every_weeks: int = 1

    def __post_init__(self) -> None:
        if not 0 <= self.weekday <= 6:
            raise ValueError("weekday must be 0 (Monday) to 6 (Sunday)")
        if not 1 <= self.every_weeks <= MAX_EVERY_WEEKS:
            raise ScheduleError(MSG_BAD_EVERY, weeks=self.every_weeks)
        _check_time(self.at)

    def __str__(self) -> str:
        slot = f"{DAY_CODES[self.weekday]} {self.at:%H:%M}"
        return slot if self.every_weeks == 1 else f"every {self.every_weeks} weeks {slot}"

    @property
    def canonical(self) -> str:
        return str(self)


@dataclass(frozen=True, slots=True)
class MonthlySchedule:
    """On one day of every month; past the month's end it falls on the last day."""

    day: int
    at: time

    def __post_init__(self) -> None:
        if not 1 <= self.day <= 31:
            raise ScheduleError(MSG_BAD_MONTH_DAY, day=self.day)
        _check_time(self.at)

    def __str__(self) -> str:
        return f"monthly {self.day} {self.at:%H:%M}"

    @property
    def canonical(self) -> str:
        return str(self)


@dataclass(frozen=True, slots=True)
class MonthlyWeekdaySchedule:
    """On the first or the last given weekday of every month."""

    weekday: int  # 0 = Monday
    which: str  # "first" or "last"
    at: time

    def __post_init__(self) -> None:
        if not 0 <= self.weekday <= 6 or self.which not in ("first", "last"):
            raise ValueError("weekday 0-6 and which first|last")
        _check_time(self.at)

    def __str__(self) -> str:
        return f"monthly {self.which} {DAY_CODES[self.weekday]} {self.at:%H:%M}"

    @property
    def canonical(self) -> str:
        return str(self)

    def day_in(self, year: int, month: int) -> date:
        if self.which == "first":
            first = date(year, month, 1)
            return first + timedelta(days=(self.weekday - first.weekday()) % 7)
        last = date(year, month, calendar.monthrange(year, month)[1])
        return last - timedelta(days=(last.weekday() - self.weekday) % 7)


Schedule: TypeAlias = WeeklySchedule | MonthlySchedule | MonthlyWeekdaySchedule


def _check_time(at: time) -> None:
    # Rounds open on the minute; seconds or a tzinfo would make the canonical form lie.
    if at.second or at.microsecond or at.tzinfo is not None:
        raise ValueError("a schedule time is a naive HH:MM")


def parse_time_of_day(text: str) -> time | None:
    """``08:00``, ``8:00`` or ``08.00`` as a time; None when it is not one."""
    match = _TIME_RE.match(text.strip())
    if not match:
        return None
    hour, minute = int(match[1]), int(match[2])
    if hour > 23 or minute > 59:
        return None
    return time(hour, minute)


def _parse_time(text: str) -> time:
    at = parse_time_of_day(text)
    if at is None:
        raise ScheduleError(MSG_BAD_TIME, time=text)
    return at


def _is_number(text: str) -> bool:
    # ASCII only: str.isdigit() also accepts "²", which int() refuses.
    return text.isascii() and text.isdigit()


def _parse_day(text: str) -> int:
    try:
        return _DAY_NAMES[text]
    except KeyError:
        raise ScheduleError(MSG_BAD_DAY, day=text) from None


def parse_schedule(value: str) -> Schedule:
    """Read a schedule as staff type it; ScheduleError says what is wrong and shows an example."""
    words = value.lower().split()
    if not words:
        raise ScheduleError(MSG_EMPTY)
    head, rest = words[0], words[1:]
    if head in _MONTHLY_WORDS:
        if len(rest) == 3 and (rest[0] in _ORDINALS or rest[1] in _ORDINALS):
            ordinal, day = (rest[0], rest[1]) if rest[0] in _ORDINALS else (rest[1], rest[0])
            return MonthlyWeekdaySchedule(
                weekday=_parse_day(day), which=_ORDINALS[ordinal], at=_parse_time(rest[2])
            )
        if len(rest) != 2:
            raise ScheduleError(MSG_UNREADABLE, value=value.strip())
        if not _is_number(rest[0]):
            raise ScheduleError(MSG_BAD_MONTH_DAY, day=rest[0])
        return MonthlySchedule(day=int(rest[0]), at=_parse_time(rest[1]))
    every = 1
    if head in _EVERY_WORDS:
        # "every week mon 08:00" and "every 2 weeks mon 08:00"; "tiap minggu sen 08:00".
        if len(rest) == 2:
            pass  # "every mon 08:00"; "tiap minggu 08:00" is every Sunday
        elif rest and rest[0] in _WEEK_WORDS and len(rest) == 3:
            rest = rest[1:]
        elif len(rest) == 4 and rest[1] in _WEEK_WORDS:
            if not _is_number(rest[0]):
                raise ScheduleError(MSG_BAD_EVERY, weeks=rest[0])
            every = int(rest[0])
            if not 1 <= every <= MAX_EVERY_WEEKS:
                raise ScheduleError(MSG_BAD_EVERY, weeks=rest[0])
            rest = rest[2:]
        else:
            raise ScheduleError(MSG_UNREADABLE, value=value.strip())
    elif head in _WEEKLY_WORDS:
        pass
    else:
        rest = words
    if len(rest) != 2:
        raise ScheduleError(MSG_UNREADABLE, value=value.strip())
    return WeeklySchedule(weekday=_parse_day(rest[0]), at=_parse_time(rest[1]), every_weeks=every)


def _require_aware(moment: datetime, name: str) -> None:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"{name} must be timezone-aware")


def _monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


def _slot(day: date, at: time, zone: ZoneInfo) -> datetime:
    return datetime.combine(day, at, tzinfo=zone).astimezone(UTC)


def _slots_from(
    schedule: Schedule, first_day: date, zone: ZoneInfo, anchor: date
) -> Iterator[datetime]:
    """Every slot on or after `first_day` (local), in increasing order, for ever."""
    if isinstance(schedule, WeeklySchedule):
        day = first_day + timedelta(days=(schedule.weekday - first_day.weekday()) % 7)
        # Only weeks a whole number of intervals from the anchor's week count.
        weeks_off = ((_monday(day) - _monday(anchor)).days // 7) % schedule.every_weeks
        if weeks_off:
            day += timedelta(weeks=schedule.every_weeks - weeks_off)
        step = timedelta(weeks=schedule.every_weeks)
        while True:
            yield _slot(day, schedule.at, zone)
            day += step
    else:
        year, month = first_day.year, first_day.month
        while True:
            if isinstance(schedule, MonthlyWeekdaySchedule):
                day = schedule.day_in(year, month)
            else:
                day = date(year, month, min(schedule.day, calendar.monthrange(year, month)[1]))
            if day >= first_day:
                yield _slot(day, schedule.at, zone)
            year, month = (year + 1, 1) if month == 12 else (year, month + 1)


def next_occurrence(schedule: Schedule, after: datetime, tz: str, anchor: date) -> datetime:
    """The first slot strictly after `after`, as a UTC datetime.

    Slots are wall-clock times in `tz` (the cohort's zone). `anchor` (a local date, e.g. the
    day the cohort was created) fixes which weeks count for every-N-weeks schedules.
    """
    _require_aware(after, "after")
    zone = ZoneInfo(tz)
    # Start a day early: cheap, and no slot near local midnight can be missed.
    first_day = after.astimezone(zone).date() - timedelta(days=1)
    for slot in _slots_from(schedule, first_day, zone, anchor):
        if slot > after:
            return slot
    raise AssertionError("unreachable: the slot generator is infinite")


def occurrences_between(
    schedule: Schedule, start: datetime, end: datetime, tz: str, anchor: date
) -> list[datetime]:
    """Slots with start < slot <= end (UTC), oldest first: rounds due since `start`.

    Equal to repeatedly applying next_occurrence from `start` while the result is <= end.
    """
    _require_aware(start, "start")
    _require_aware(end, "end")
    if end <= start:
        return []
    zone = ZoneInfo(tz)
    first_day = start.astimezone(zone).date() - timedelta(days=1)
    slots: list[datetime] = []
    for slot in _slots_from(schedule, first_day, zone, anchor):
        if slot > end:
            break
        if slot > start:
            slots.append(slot)
    return slots
