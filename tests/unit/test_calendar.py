"""The working-day calendar: known holidays, adjusted weekends, staff-entered years."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from programmes.calendar import (
    PACKAGE_YEARS,
    CalendarOverrides,
    UnknownCalendarYear,
    WorkingDayCalendar,
)

pytestmark = pytest.mark.unit
CAL = WorkingDayCalendar()


def test_national_day_2024_publicity_of_five_working_days():
    # 9-27 Fri (1), 9-29 Sun adjusted working day (2), 9-30 (3), 10-1..7 off, 10-8 (4), 10-9 (5)
    assert CAL.is_working_day(date(2024, 9, 29))
    assert not CAL.is_working_day(date(2024, 10, 1))
    assert CAL.add_working_days(date(2024, 9, 27), 5) == date(2024, 10, 9)


def test_spring_festival_2025_adjusted_weekends():
    assert CAL.is_working_day(date(2025, 1, 26))  # Sunday made a working day
    assert CAL.is_working_day(date(2025, 2, 8))  # Saturday made a working day
    assert not CAL.is_working_day(date(2025, 1, 29))  # Spring Festival
    # 1-24 Fri (1), 1-26 Sun (2), 1-27 (3), 1-28..2-4 off, 2-5 (4), 2-6 (5)
    assert CAL.add_working_days(date(2025, 1, 24), 5) == date(2025, 2, 6)


def test_start_on_a_holiday_counts_from_the_next_working_day():
    assert CAL.add_working_days(date(2024, 10, 1), 1) == date(2024, 10, 8)
    assert CAL.next_working_day(date(2024, 10, 5)) == date(2024, 10, 8)


def test_one_working_day_on_a_working_day_is_that_day():
    assert CAL.add_working_days(date(2024, 5, 10), 1) == date(2024, 5, 10)


def test_zero_days_is_refused():
    with pytest.raises(ValueError):
        CAL.add_working_days(date(2024, 5, 10), 0)


def test_package_knows_2026_but_not_later():
    assert 2026 in PACKAGE_YEARS
    assert CAL.knows(2026)
    last = max(PACKAGE_YEARS)
    with pytest.raises(UnknownCalendarYear) as info:
        CAL.is_working_day(date(last + 1, 3, 2))
    assert info.value.year == last + 1
    assert "请先在管理后台录入" in str(info.value)


def test_a_period_running_into_an_unknown_year_is_an_error():
    last = max(PACKAGE_YEARS)
    with pytest.raises(UnknownCalendarYear):
        CAL.add_working_days(date(last, 12, 28), 10)


def test_staff_entered_year():
    year = max(PACKAGE_YEARS) + 1
    overrides = CalendarOverrides(
        years=frozenset({year}),
        days={date(year, 1, 1): False, date(year, 2, 7): True},  # New Year off, a Sunday worked
    )
    cal = WorkingDayCalendar(overrides)
    assert cal.knows(year)
    assert not cal.is_working_day(date(year, 1, 1))
    assert cal.is_working_day(date(year, 2, 7))
    assert cal.is_working_day(date(year, 3, 1)) == (date(year, 3, 1).weekday() < 5)


def test_staff_days_override_the_package():
    overrides = CalendarOverrides(days={date(2024, 5, 10): False})
    assert not WorkingDayCalendar(overrides).is_working_day(date(2024, 5, 10))


def test_entered_days_without_a_complete_year_still_do_not_guess():
    year = max(PACKAGE_YEARS) + 1
    cal = WorkingDayCalendar(CalendarOverrides(days={date(year, 1, 1): False}))
    assert not cal.is_working_day(date(year, 1, 1))
    with pytest.raises(UnknownCalendarYear):
        cal.is_working_day(date(year, 1, 2))


known_days = st.dates(min_value=date(2005, 1, 1), max_value=date(2025, 12, 1))


@given(start=known_days, n=st.integers(min_value=1, max_value=30))
def test_period_ends_on_a_working_day_and_counts_n(start, n):
    end = CAL.add_working_days(start, n)
    assert CAL.is_working_day(end)
    assert end >= start
    assert CAL.working_days_between(start, end) == n


@given(start=known_days, n=st.integers(min_value=1, max_value=20))
def test_longer_periods_end_later(start, n):
    assert CAL.add_working_days(start, n + 1) > CAL.add_working_days(start, n)


@given(day=known_days)
def test_weekdays_off_are_holidays_and_weekend_workdays_are_adjusted(day):
    import chinese_calendar

    working = CAL.is_working_day(day)
    if day.weekday() >= 5 and working:
        assert day in chinese_calendar.workdays
    if day.weekday() < 5 and not working:
        assert day in chinese_calendar.holidays
    assert CAL.next_working_day(day) - day < timedelta(days=12)
