"""A cohort's values as an operator types them (name, unit, maximum quantity, schedule,
time zone, quiet hours), checked: CohortError carrying an English msgid when invalid."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from bot.domain.cohort_error import CohortError
from bot.lib.i18n import N_
from bot.lib.scheduling import (
    QuietHours,
    Schedule,
    ScheduleError,
    parse_quiet_hours,
    parse_schedule,
    resolve_timezone,
)

MAX_NAME_LENGTH = 64
MAX_UNIT_LENGTH = 16
# Numeric(14, 3) holds at most 11 digits before the point.
_MAX_QUANTITY_LIMIT = Decimal(10) ** 11
# \w is Unicode-aware: village and product names are not always ASCII.
_NAME_RE = re.compile(r"^[\w.-]+$")

MSG_NAME_EMPTY = N_(
    'The cohort name is empty. Use letters, digits, "-", "_" or ".", for example '
    "pelepah-pisang-2025."
)
MSG_NAME_TOO_LONG = N_('The cohort name "{name}" is longer than 64 characters.')
MSG_NAME_CHARS = N_(
    'The cohort name "{name}" may only contain letters, digits, "-", "_" and ".", for example '
    "pelepah-pisang-2025."
)
MSG_UNIT_EMPTY = N_("The unit is empty. Give the unit families count their product in, like kg.")
MSG_UNIT_TOO_LONG = N_('The unit "{unit}" is longer than 16 characters.')
MSG_BAD_MAX_QUANTITY = N_(
    'The maximum quantity "{value}" must be a number above 0 and below 100000000000, '
    "for example 10000."
)


def validate_name(name: str) -> str:
    name = name.strip()
    if not name:
        raise CohortError(MSG_NAME_EMPTY)
    if len(name) > MAX_NAME_LENGTH:
        raise CohortError(MSG_NAME_TOO_LONG, name=name)
    if not _NAME_RE.match(name):
        raise CohortError(MSG_NAME_CHARS, name=name)
    return name


def validate_unit(unit: str) -> str:
    unit = " ".join(unit.split())
    if not unit:
        raise CohortError(MSG_UNIT_EMPTY)
    if len(unit) > MAX_UNIT_LENGTH:
        raise CohortError(MSG_UNIT_TOO_LONG, unit=unit)
    return unit


def validate_max_quantity(value: Decimal | int | str) -> Decimal:
    try:
        quantity = Decimal(str(value).strip().replace(",", "."))
    except InvalidOperation:
        raise CohortError(MSG_BAD_MAX_QUANTITY, value=value) from None
    if not quantity.is_finite() or not 0 < quantity < _MAX_QUANTITY_LIMIT:
        raise CohortError(MSG_BAD_MAX_QUANTITY, value=value)
    return quantity


def checked_schedule(value: str) -> Schedule:
    try:
        return parse_schedule(value)
    except ScheduleError as error:
        raise CohortError.from_schedule_error(error) from None


def checked_timezone(value: str) -> str:
    try:
        return resolve_timezone(value)
    except ScheduleError as error:
        raise CohortError.from_schedule_error(error) from None


def checked_quiet_hours(value: str) -> QuietHours:
    try:
        return parse_quiet_hours(value)
    except ScheduleError as error:
        raise CohortError.from_schedule_error(error) from None
