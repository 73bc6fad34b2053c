"""Schedules, time zones and quiet hours: parsing and the arithmetic of the next round."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.lib.i18n import translator
from bot.lib.scheduling import (
    QuietHours,
    ScheduleError,
    is_quiet,
    next_allowed,
    next_occurrence,
    occurrences_between,
    parse_quiet_hours,
    parse_schedule,
    resolve_timezone,
)
from bot.lib.scheduling.schedule import MonthlySchedule, Schedule, WeeklySchedule

JAKARTA, MAKASSAR, JAYAPURA = "Asia/Jakarta", "Asia/Makassar", "Asia/Jayapura"
ANCHOR = date(2026, 1, 5)  # a Monday


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


@pytest.mark.parametrize(
    ("text", "canonical"),
    [
        ("mon 08:00", "mon 08:00"),
        ("MON 8:00", "mon 08:00"),
        ("  tue   07:30 ", "tue 07:30"),
        ("monday 08:00", "mon 08:00"),
        ("wed 08.00", "wed 08:00"),
        ("sen 08:00", "mon 08:00"),
        ("sel 08:00", "tue 08:00"),
        ("rab 08:00", "wed 08:00"),
        ("kam 08:00", "thu 08:00"),
        ("jum 08:00", "fri 08:00"),
        ("sab 08:00", "sat 08:00"),
        ("min 08:00", "sun 08:00"),
        ("senin 08:00", "mon 08:00"),
        ("selasa 08:00", "tue 08:00"),
        ("rabu 08:00", "wed 08:00"),
        ("kamis 08:00", "thu 08:00"),
        ("jumat 08:00", "fri 08:00"),
        ("sabtu 08:00", "sat 08:00"),
        ("minggu 08:00", "sun 08:00"),
        ("weekly fri 16:00", "fri 16:00"),
        ("mingguan kamis 09:15", "thu 09:15"),
        ("every 2 weeks mon 08:00", "every 2 weeks mon 08:00"),
        ("every 1 week mon 08:00", "mon 08:00"),
        ("every week mon 08:00", "mon 08:00"),
        ("every 3 weeks friday 17:45", "every 3 weeks fri 17:45"),
        ("tiap 2 minggu sen 08:00", "every 2 weeks mon 08:00"),
        ("setiap 4 minggu rabu 10:00", "every 4 weeks wed 10:00"),
        ("tiap minggu 08:00", "sun 08:00"),  # "every Sunday", as people say it
        ("monthly 15 08:00", "monthly 15 08:00"),
        ("monthly 31 23:59", "monthly 31 23:59"),
        ("bulanan 1 00:00", "monthly 1 00:00"),
    ],
)
def test_accepted_forms_and_their_canonical_spelling(text: str, canonical: str) -> None:
    parsed = parse_schedule(text)
    assert str(parsed) == canonical
    assert parse_schedule(str(parsed)) == parsed  # the canonical form reads back the same


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", "The schedule is empty"),
        ("   ", "The schedule is empty"),
        ("mon", 'Cannot read the schedule "mon"'),
        ("08:00", 'Cannot read the schedule "08:00"'),
        ("mon 08:00 09:00", "Cannot read the schedule"),
        ("every 2 weeks 08:00", "Cannot read the schedule"),
        ("monthly 15", "Cannot read the schedule"),
        ("funday 08:00", 'Unknown day "funday"'),
        ("mon 24:00", 'Unknown time "24:00"'),
        ("mon 8", 'Unknown time "8"'),
        ("mon 08:60", 'Unknown time "08:60"'),
        ("mon 8am", 'Unknown time "8am"'),
        ("every 0 weeks mon 08:00", 'The number of weeks "0"'),
        ("every 53 weeks mon 08:00", 'The number of weeks "53"'),
        ("every two weeks mon 08:00", 'The number of weeks "two"'),
        ("monthly 0 08:00", 'The day of the month "0"'),
        ("monthly 32 08:00", 'The day of the month "32"'),
        ("monthly ² 08:00", 'The day of the month "²"'),
        ("monthly 15 25:00", 'Unknown time "25:00"'),
    ],
)
def test_bad_schedules_say_what_is_wrong_with_an_example(text: str, expected: str) -> None:
    with pytest.raises(ScheduleError) as caught:
        parse_schedule(text)
    message = str(caught.value)
    assert message.startswith(expected)
    assert "for example" in message or 'Write it like "mon 08:00"' in message


def test_schedule_errors_translate_with_their_values() -> None:
    with pytest.raises(ScheduleError) as caught:
        parse_schedule("funday 08:00")
    assert caught.value.translate(translator("en")) == str(caught.value)
    assert "funday" in caught.value.translate(translator("id"))


# --- next_occurrence: examples ---------------------------------------------------------------


def test_weekly_in_each_indonesian_zone() -> None:
    weekly = parse_schedule("mon 08:00")
    after = utc(2026, 1, 4, 12, 0)  # Sunday noon UTC
    assert next_occurrence(weekly, after, JAKARTA, ANCHOR) == utc(2026, 1, 5, 1, 0)
    assert next_occurrence(weekly, after, MAKASSAR, ANCHOR) == utc(2026, 1, 5, 0, 0)
    assert next_occurrence(weekly, after, JAYAPURA, ANCHOR) == utc(2026, 1, 4, 23, 0)


def test_the_slot_itself_is_not_after_itself() -> None:
    weekly = parse_schedule("mon 08:00")
    slot = utc(2026, 1, 5, 1, 0)
    assert next_occurrence(weekly, slot - timedelta(seconds=1), JAKARTA, ANCHOR) == slot
    assert next_occurrence(weekly, slot, JAKARTA, ANCHOR) == slot + timedelta(weeks=1)


def test_local_date_differs_from_utc_date() -> None:
    # 20:00 UTC on Sunday is already Monday 05:00 in Jayapura: the 08:00 slot is today.
    weekly = parse_schedule("sen 08:00")
    assert next_occurrence(weekly, utc(2026, 1, 4, 20, 0), JAYAPURA, ANCHOR) == utc(
        2026, 1, 4, 23, 0
    )


def test_every_two_weeks_counts_from_the_anchor_week() -> None:
    fortnightly = parse_schedule("every 2 weeks wed 09:00")
    anchor = date(2026, 1, 7)  # Wednesday of week 0
    firsts = occurrences_between(fortnightly, utc(2026, 1, 1), utc(2026, 2, 28), JAKARTA, anchor)
    local = [slot.astimezone(ZoneInfo(JAKARTA)).date() for slot in firsts]
    assert local == [date(2026, 1, 7), date(2026, 1, 21), date(2026, 2, 4), date(2026, 2, 18)]
    # An anchor one week later picks the other weeks.
    others = occurrences_between(
        fortnightly, utc(2026, 1, 1), utc(2026, 2, 28), JAKARTA, anchor + timedelta(weeks=1)
    )
    assert [slot - timedelta(weeks=1) for slot in others] == firsts[: len(others)]


def test_monthly_past_the_end_of_the_month_is_its_last_day() -> None:
    monthly = parse_schedule("monthly 31 08:00")
    slots = occurrences_between(monthly, utc(2026, 1, 1), utc(2026, 12, 31), JAKARTA, ANCHOR)
    local_days = [slot.astimezone(ZoneInfo(JAKARTA)).date() for slot in slots]
    assert local_days[:4] == [
        date(2026, 1, 31),
        date(2026, 2, 28),
        date(2026, 3, 31),
        date(2026, 4, 30),
    ]
    assert len(local_days) == 11  # 31 Dec 08:00 WIB is after the end (31 Dec 00:00 UTC)
    leap = next_occurrence(monthly, utc(2028, 2, 1), JAKARTA, ANCHOR)
    assert leap.astimezone(ZoneInfo(JAKARTA)).date() == date(2028, 2, 29)


def test_monthly_across_the_year_end() -> None:
    monthly = parse_schedule("bulanan 15 08:00")
    assert next_occurrence(monthly, utc(2026, 12, 20), MAKASSAR, ANCHOR) == utc(2027, 1, 15, 0, 0)


def test_occurrences_between_catches_up_missed_rounds() -> None:
    weekly = parse_schedule("mon 08:00")
    # Down from Saturday to the Tuesday two weeks later: two Mondays were missed.
    missed = occurrences_between(weekly, utc(2026, 1, 3), utc(2026, 1, 13), JAKARTA, ANCHOR)
    assert missed == [utc(2026, 1, 5, 1, 0), utc(2026, 1, 12, 1, 0)]
    assert occurrences_between(weekly, utc(2026, 1, 13), utc(2026, 1, 3), JAKARTA, ANCHOR) == []
    # start is exclusive, end inclusive.
    assert occurrences_between(
        weekly, utc(2026, 1, 5, 1, 0), utc(2026, 1, 12, 1, 0), JAKARTA, ANCHOR
    ) == [utc(2026, 1, 12, 1, 0)]


def test_naive_datetimes_are_refused() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        next_occurrence(parse_schedule("mon 08:00"), datetime(2026, 1, 1), JAKARTA, ANCHOR)


# --- next_occurrence: properties ------------------------------------------------------------

ZONES = st.sampled_from(
    [JAKARTA, MAKASSAR, JAYAPURA, "UTC", "Asia/Kolkata", "Europe/Amsterdam", "America/New_York"]
)
TIMES = st.builds(time, st.integers(0, 23), st.integers(0, 59))
WEEKLY = st.builds(
    WeeklySchedule, weekday=st.integers(0, 6), at=TIMES, every_weeks=st.integers(1, 5)
)
MONTHLY = st.builds(MonthlySchedule, day=st.integers(1, 31), at=TIMES)
SCHEDULES: st.SearchStrategy[Schedule] = st.one_of(WEEKLY, MONTHLY)
MOMENTS = st.datetimes(
    min_value=datetime(2020, 1, 1), max_value=datetime(2035, 12, 31), timezones=st.just(UTC)
)
ANCHORS = st.dates(min_value=date(2019, 1, 1), max_value=date(2036, 1, 1))


def _exists_locally(slot: datetime, tz: str) -> bool:
    # In a DST gap the wall-clock time never happens; those slots shift and are skipped here.
    local = slot.astimezone(ZoneInfo(tz))
    return local.replace(tzinfo=None).replace(tzinfo=ZoneInfo(tz)).astimezone(UTC) == slot


@settings(max_examples=300, deadline=None)
@given(SCHEDULES, MOMENTS, ZONES, ANCHORS)
def test_next_is_strictly_after_and_on_the_schedule(
    schedule: Schedule, after: datetime, tz: str, anchor: date
) -> None:
    slot = next_occurrence(schedule, after, tz, anchor)
    assert slot > after
    assert slot.tzinfo is not None and slot.utcoffset() == timedelta(0)
    if tz in (JAKARTA, MAKASSAR, JAYAPURA, "UTC", "Asia/Kolkata") or _exists_locally(slot, tz):
        local = slot.astimezone(ZoneInfo(tz))
        assert (local.hour, local.minute) == (schedule.at.hour, schedule.at.minute)
        if isinstance(schedule, WeeklySchedule):
            assert local.weekday() == schedule.weekday
            weeks = (local.date() - anchor).days - local.weekday() + anchor.weekday()
            assert (weeks // 7) % schedule.every_weeks == 0
        else:
            assert local.day == min(schedule.day, _month_length(local.date()))
    # Nothing on the schedule lies strictly between `after` and the slot.
    period = timedelta(weeks=schedule.every_weeks) if isinstance(schedule, WeeklySchedule) else None
    if period is not None:
        assert slot - after <= period + timedelta(hours=2)  # DST can stretch it by an hour
    else:
        assert slot - after <= timedelta(days=62)


def _month_length(day: date) -> int:
    import calendar

    return calendar.monthrange(day.year, day.month)[1]


@settings(max_examples=200, deadline=None)
@given(SCHEDULES, MOMENTS, st.timedeltas(timedelta(0), timedelta(days=90)), ZONES, ANCHORS)
def test_next_is_monotonic(
    schedule: Schedule, first: datetime, gap: timedelta, tz: str, anchor: date
) -> None:
    assert next_occurrence(schedule, first, tz, anchor) <= next_occurrence(
        schedule, first + gap, tz, anchor
    )


@settings(max_examples=150, deadline=None)
@given(SCHEDULES, MOMENTS, st.timedeltas(timedelta(0), timedelta(days=120)), ZONES, ANCHORS)
def test_occurrences_between_agrees_with_iterating_next(
    schedule: Schedule, start: datetime, span: timedelta, tz: str, anchor: date
) -> None:
    end = start + span
    expected = []
    slot = next_occurrence(schedule, start, tz, anchor)
    while slot <= end:
        expected.append(slot)
        slot = next_occurrence(schedule, slot, tz, anchor)
    assert occurrences_between(schedule, start, end, tz, anchor) == expected


# --- time zones -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "zone"),
    [
        ("WIB", JAKARTA),
        ("wita", MAKASSAR),
        ("WIT", JAYAPURA),
        ("Asia/Jakarta", JAKARTA),
        (" Asia/Makassar ", MAKASSAR),
        ("UTC", "UTC"),
    ],
)
def test_time_zones_and_indonesian_abbreviations(text: str, zone: str) -> None:
    assert resolve_timezone(text) == zone


@pytest.mark.parametrize("text", ["", "Jakarta", "Asia/Atlantis", "../etc/passwd", "WIB+1"])
def test_unknown_time_zones_suggest_the_indonesian_ones(text: str) -> None:
    with pytest.raises(ScheduleError, match=r"Asia/Jakarta \(WIB\).*Asia/Jayapura \(WIT\)"):
        resolve_timezone(text)


# --- quiet hours ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "start", "end"),
    [
        ("21:00-06:00", time(21), time(6)),
        ("21.00 - 06.00", time(21), time(6)),
        ("13:00-15:30", time(13), time(15, 30)),
        ("none", time(0), time(0)),
        ("OFF", time(0), time(0)),
    ],
)
def test_quiet_hours_forms(text: str, start: time, end: time) -> None:
    quiet = parse_quiet_hours(text)
    assert (quiet.start, quiet.end) == (start, end)
    assert parse_quiet_hours(str(quiet)) == quiet


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("21-6", "Cannot read the quiet hours"),
        ("21:00", "Cannot read the quiet hours"),
        ("21:00-06:00-07:00", "Cannot read the quiet hours"),
        ("25:00-06:00", "Cannot read the quiet hours"),
        ("", "Cannot read the quiet hours"),
        ("06:00-06:00", "start and end at the same time"),
    ],
)
def test_bad_quiet_hours(text: str, expected: str) -> None:
    with pytest.raises(ScheduleError, match=expected):
        parse_quiet_hours(text)


def test_quiet_hours_wrapping_midnight() -> None:
    quiet = parse_quiet_hours("21:00-06:00")
    # 14:00 UTC = 21:00 WIB: quiet starts; 22:59 UTC = 05:59 WIB; 23:00 UTC = 06:00 WIB.
    assert not is_quiet(utc(2026, 1, 5, 13, 59), JAKARTA, quiet)
    assert is_quiet(utc(2026, 1, 5, 14, 0), JAKARTA, quiet)
    assert is_quiet(utc(2026, 1, 5, 22, 59), JAKARTA, quiet)
    assert not is_quiet(utc(2026, 1, 5, 23, 0), JAKARTA, quiet)
    # The same instant is 23:00 WIT in Jayapura: quiet there too.
    assert is_quiet(utc(2026, 1, 5, 14, 0), JAYAPURA, quiet)
    # Late evening: allowed again the next morning; early morning: the same morning.
    assert next_allowed(utc(2026, 1, 5, 15, 0), JAKARTA, quiet) == utc(2026, 1, 5, 23, 0)
    assert next_allowed(utc(2026, 1, 5, 20, 0), JAKARTA, quiet) == utc(2026, 1, 5, 23, 0)
    noon = utc(2026, 1, 5, 5, 0)
    assert next_allowed(noon, JAKARTA, quiet) == noon


def test_quiet_hours_within_one_day_and_none() -> None:
    siesta = parse_quiet_hours("12:00-14:00")
    assert is_quiet(utc(2026, 1, 5, 5, 30), JAKARTA, siesta)  # 12:30 WIB
    assert next_allowed(utc(2026, 1, 5, 5, 30), JAKARTA, siesta) == utc(2026, 1, 5, 7, 0)
    assert not is_quiet(utc(2026, 1, 5, 7, 0), JAKARTA, siesta)
    assert not is_quiet(utc(2026, 1, 5, 15, 0), JAKARTA, QuietHours.none())


@settings(max_examples=200, deadline=None)
@given(MOMENTS, TIMES, TIMES, ZONES)
def test_next_allowed_is_never_quiet_and_never_earlier(
    at: datetime, start: time, end: time, tz: str
) -> None:
    quiet = QuietHours(start, end)
    allowed = next_allowed(at, tz, quiet)
    assert allowed >= at
    assert allowed - at <= timedelta(hours=26)
    if tz != "Europe/Amsterdam" and tz != "America/New_York":
        assert not is_quiet(allowed, tz, quiet)


@pytest.mark.parametrize(
    ("text", "canonical"),
    [
        ("monthly first mon 08:00", "monthly first mon 08:00"),
        ("bulanan senin pertama 08.00", "monthly first mon 08:00"),
        ("monthly last fri 16:30", "monthly last fri 16:30"),
        ("bulanan terakhir jumat 16:30", "monthly last fri 16:30"),
    ],
)
def test_monthly_on_a_weekday_is_read_in_either_language_and_word_order(
    text: str, canonical: str
) -> None:
    assert str(parse_schedule(text)) == canonical
    assert str(parse_schedule(canonical)) == canonical


def test_first_and_last_weekday_of_the_month_fall_on_the_right_dates() -> None:
    first_monday = parse_schedule("monthly first mon 08:00")
    last_friday = parse_schedule("monthly last fri 08:00")
    after = utc(2026, 11, 30, 12)  # a Monday, the last day of November
    # December 2026 begins on a Tuesday: its first Monday is the 7th; its last Friday the 25th.
    assert next_occurrence(first_monday, after, JAKARTA, ANCHOR) == datetime(
        2026, 12, 7, 8, tzinfo=ZoneInfo(JAKARTA)
    )
    assert next_occurrence(last_friday, after, JAKARTA, ANCHOR) == datetime(
        2026, 12, 25, 8, tzinfo=ZoneInfo(JAKARTA)
    )
    # Half an hour before the last Friday of a month, that same day comes next.
    on_the_day = datetime(2026, 12, 25, 7, 30, tzinfo=ZoneInfo(JAKARTA))
    assert next_occurrence(last_friday, on_the_day, JAKARTA, ANCHOR).day == 25


def test_an_ordinal_with_an_unknown_day_names_the_day() -> None:
    with pytest.raises(ScheduleError) as caught:
        parse_schedule("monthly first funday 08:00")
    assert "funday" in caught.value.translate(translator("en"))
