"""When cohorts are asked: check-in schedules, time zones and quiet hours (pure, no I/O)."""

from bot.lib.scheduling.errors import ScheduleError
from bot.lib.scheduling.quiet import QuietHours, is_quiet, next_allowed, parse_quiet_hours
from bot.lib.scheduling.schedule import (
    MonthlySchedule,
    MonthlyWeekdaySchedule,
    Schedule,
    WeeklySchedule,
    next_occurrence,
    occurrences_between,
    parse_schedule,
    parse_time_of_day,
)
from bot.lib.scheduling.zones import INDONESIAN_ZONES, resolve_timezone

__all__ = [
    "INDONESIAN_ZONES",
    "MonthlySchedule",
    "MonthlyWeekdaySchedule",
    "QuietHours",
    "Schedule",
    "ScheduleError",
    "WeeklySchedule",
    "is_quiet",
    "next_allowed",
    "next_occurrence",
    "occurrences_between",
    "parse_quiet_hours",
    "parse_schedule",
    "parse_time_of_day",
    "resolve_timezone",
]
