"""Quiet hours: a nightly window in a cohort's time zone when nobody is messaged."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.lib.i18n import N_
from bot.lib.scheduling.errors import ScheduleError
from bot.lib.scheduling.schedule import parse_time_of_day

_NONE_WORDS = frozenset({"none", "off", "tidak", "tidak ada"})

MSG_BAD_QUIET = N_(
    'Cannot read the quiet hours "{value}". Write them as start-end in 24-hour time, for '
    'example "21:00-06:00", or "none".'
)
MSG_EQUAL_QUIET = N_(
    'The quiet hours "{value}" start and end at the same time. Write for example '
    '"21:00-06:00", or "none" for no quiet hours.'
)


@dataclass(frozen=True, slots=True)
class QuietHours:
    """[start, end) in local time; it wraps midnight when start > end; empty when equal."""

    start: time
    end: time

    @property
    def is_empty(self) -> bool:
        return self.start == self.end

    def __str__(self) -> str:
        return "none" if self.is_empty else f"{self.start:%H:%M}-{self.end:%H:%M}"

    @classmethod
    def none(cls) -> QuietHours:
        return cls(time(0, 0), time(0, 0))

    @classmethod
    def from_strings(cls, start: str, end: str) -> QuietHours:
        """From the cohort's stored HH:MM columns."""
        begin, finish = parse_time_of_day(start), parse_time_of_day(end)
        if begin is None or finish is None:
            raise ScheduleError(MSG_BAD_QUIET, value=f"{start}-{end}")
        return cls(begin, finish)

    def contains(self, local: time) -> bool:
        local = local.replace(tzinfo=None)
        if self.is_empty:
            return False
        if self.start < self.end:
            return self.start <= local < self.end
        return local >= self.start or local < self.end


def parse_quiet_hours(value: str) -> QuietHours:
    """``21:00-06:00`` (also ``21.00 - 06.00``), or ``none`` for no quiet hours."""
    text = " ".join(value.lower().split())
    if text in _NONE_WORDS:
        return QuietHours.none()
    parts = [part.strip() for part in text.split("-")]
    if len(parts) != 2:
        raise ScheduleError(MSG_BAD_QUIET, value=value.strip())
    start, end = parse_time_of_day(parts[0]), parse_time_of_day(parts[1])
    if start is None or end is None:
        raise ScheduleError(MSG_BAD_QUIET, value=value.strip())
    if start == end:
        raise ScheduleError(MSG_EQUAL_QUIET, value=value.strip())
    return QuietHours(start, end)


def is_quiet(at_utc: datetime, tz: str, quiet: QuietHours) -> bool:
    """Whether `at_utc` falls inside the quiet hours, read in the time zone `tz`."""
    return quiet.contains(at_utc.astimezone(ZoneInfo(tz)).time())


def next_allowed(at_utc: datetime, tz: str, quiet: QuietHours) -> datetime:
    """`at_utc` itself when not quiet, else the end of this quiet period (UTC)."""
    zone = ZoneInfo(tz)
    local = at_utc.astimezone(zone)
    if not quiet.contains(local.time()):
        return at_utc.astimezone(UTC)
    # Inside the window: it ends today if we are before `end`, else (after a start late in
    # the evening) tomorrow.
    day = (
        local.date()
        if local.time().replace(tzinfo=None) < quiet.end
        else local.date() + timedelta(days=1)
    )
    ends = datetime.combine(day, quiet.end, tzinfo=zone).astimezone(UTC)
    return max(ends, at_utc.astimezone(UTC))
