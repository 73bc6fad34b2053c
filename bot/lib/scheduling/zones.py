"""Time zones: IANA names, and the Indonesian abbreviations staff actually use."""

from __future__ import annotations

from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.lib.i18n import N_
from bot.lib.scheduling.errors import ScheduleError

# Waktu Indonesia Barat / Tengah / Timur.
INDONESIAN_ZONES: dict[str, str] = {
    "WIB": "Asia/Jakarta",
    "WITA": "Asia/Makassar",
    "WIT": "Asia/Jayapura",
}

MSG_BAD_ZONE = N_(
    'Unknown time zone "{value}". Use an IANA name such as Asia/Jakarta (WIB), '
    "Asia/Makassar (WITA) or Asia/Jayapura (WIT)."
)


def zone_label(name: str) -> str:
    """A zone as staff say it: WIB, WITA or WIT for Indonesia's three, else its IANA name."""
    for label, zone in INDONESIAN_ZONES.items():
        if zone == name:
            return label
    return name


def resolve_timezone(value: str) -> str:
    """The IANA name for `value` (WIB/WITA/WIT accepted), or ScheduleError."""
    name = value.strip()
    alias = INDONESIAN_ZONES.get(name.upper())
    if alias:
        return alias
    if not name:
        raise ScheduleError(MSG_BAD_ZONE, value=value)
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        raise ScheduleError(MSG_BAD_ZONE, value=value) from None
    return name
