"""The working-day calendar: the annual notices' holidays and adjusted weekends, staff years.

The dates asserted here were checked against the package and the notices
(国务院办公厅关于2024/2025/2026年部分节假日安排的通知).
"""

from __future__ import annotations

from datetime import date, timedelta

import chinese_calendar
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
LAST = max(PACKAGE_YEARS)
FIRST_UNKNOWN = LAST + 1

needs_2026 = pytest.mark.skipif(2026 not in PACKAGE_YEARS, reason="package without 2026")


def days(first: date, last: date) -> list[date]:
    return [first + timedelta(days=i) for i in range((last - first).days + 1)]


# --- the package's years -------------------------------------------------------------------


def test_package_years_come_from_the_package():
    assert min(PACKAGE_YEARS) == 2004
    assert 2026 in PACKAGE_YEARS
    assert frozenset(range(2004, LAST + 1)) == PACKAGE_YEARS
    assert max(chinese_calendar.holidays).year == LAST


def test_knows_the_package_years_only():
    assert CAL.knows(2004)
    assert CAL.knows(LAST)
    assert not CAL.knows(2003)
    assert not CAL.knows(FIRST_UNKNOWN)


# --- National Day 2024 ---------------------------------------------------------------------


def test_national_day_2024_days():
    assert CAL.is_working_day(date(2024, 9, 27))  # Friday
    assert not CAL.is_working_day(date(2024, 9, 28))  # Saturday
    assert CAL.is_working_day(date(2024, 9, 29))  # Sunday, adjusted working day
    assert CAL.is_working_day(date(2024, 9, 30))
    assert not any(CAL.is_working_day(d) for d in days(date(2024, 10, 1), date(2024, 10, 7)))
    assert CAL.is_working_day(date(2024, 10, 8))
    assert CAL.is_working_day(date(2024, 10, 12))  # Saturday, adjusted working day
    assert not CAL.is_working_day(date(2024, 10, 13))


def test_national_day_2024_publicity_of_five_working_days():
    # 9-27 Fri (1), 9-29 Sun (2), 9-30 (3), 10-1..7 off, 10-8 (4), 10-9 (5)
    assert CAL.add_working_days(date(2024, 9, 27), 5) == date(2024, 10, 9)
    assert CAL.working_days_between(date(2024, 9, 27), date(2024, 10, 9)) == 5
    ends = [CAL.add_working_days(date(2024, 9, 27), n) for n in range(1, 6)]
    assert ends == [
        date(2024, 9, 27),
        date(2024, 9, 29),
        date(2024, 9, 30),
        date(2024, 10, 8),
        date(2024, 10, 9),
    ]


def test_starting_on_a_saturday_counts_from_the_adjusted_sunday():
    assert CAL.add_working_days(date(2024, 9, 28), 1) == date(2024, 9, 29)


# --- Spring Festival 2025 ------------------------------------------------------------------


def test_spring_festival_2025_days():
    assert CAL.is_working_day(date(2025, 1, 26))  # Sunday, adjusted working day
    assert CAL.is_working_day(date(2025, 1, 27))
    # 1-28 (New Year's Eve) to 2-4 off, 8 days
    assert not any(CAL.is_working_day(d) for d in days(date(2025, 1, 28), date(2025, 2, 4)))
    assert CAL.is_working_day(date(2025, 2, 5))
    assert CAL.is_working_day(date(2025, 2, 8))  # Saturday, adjusted working day
    assert not CAL.is_working_day(date(2025, 2, 9))


def test_spring_festival_2025_periods():
    # 1-24 Fri (1), 1-26 Sun (2), 1-27 (3), 1-28..2-4 off, 2-5 (4), 2-6 (5)
    assert CAL.add_working_days(date(2025, 1, 24), 5) == date(2025, 2, 6)
    # 2-7 Fri (1), 2-8 Sat adjusted (2)
    assert CAL.add_working_days(date(2025, 2, 7), 2) == date(2025, 2, 8)
    # 1-26 Sun, 1-27, then 2-5, 2-6, 2-7 and Saturday 2-8
    assert CAL.working_days_between(date(2025, 1, 25), date(2025, 2, 9)) == 6


# --- 2026 ----------------------------------------------------------------------------------


@needs_2026
def test_2026_new_year_and_spring_festival():
    assert not any(CAL.is_working_day(d) for d in days(date(2026, 1, 1), date(2026, 1, 3)))
    assert CAL.is_working_day(date(2026, 1, 4))  # Sunday, adjusted working day
    assert CAL.is_working_day(date(2026, 2, 14))  # Saturday, adjusted working day
    assert not any(CAL.is_working_day(d) for d in days(date(2026, 2, 15), date(2026, 2, 23)))
    assert CAL.is_working_day(date(2026, 2, 28))  # Saturday, adjusted working day
    # 2-12 Thu (1), 2-13 (2), 2-14 Sat (3), 2-15..23 off, 2-24 (4), 2-25 (5)
    assert CAL.add_working_days(date(2026, 2, 12), 5) == date(2026, 2, 25)


@needs_2026
def test_2026_national_day():
    assert CAL.is_working_day(date(2026, 9, 20))  # Sunday, adjusted working day
    assert not any(CAL.is_working_day(d) for d in days(date(2026, 9, 25), date(2026, 9, 27)))
    assert not any(CAL.is_working_day(d) for d in days(date(2026, 10, 1), date(2026, 10, 7)))
    assert CAL.is_working_day(date(2026, 10, 10))  # Saturday, adjusted working day
    # 9-30 Wed (1), 10-1..7 off, 10-8 (2), 10-9 (3), 10-10 Sat (4), 10-12 Mon (5)
    assert CAL.add_working_days(date(2026, 9, 30), 5) == date(2026, 10, 12)


# --- edges ---------------------------------------------------------------------------------


def test_one_working_day_from_a_holiday_is_the_next_working_day():
    assert CAL.add_working_days(date(2024, 10, 1), 1) == date(2024, 10, 8)
    assert CAL.next_working_day(date(2024, 10, 5)) == date(2024, 10, 8)


def test_one_working_day_from_a_working_day_is_that_day():
    assert CAL.add_working_days(date(2024, 5, 10), 1) == date(2024, 5, 10)
    assert CAL.next_working_day(date(2024, 5, 10)) == date(2024, 5, 10)


@pytest.mark.parametrize("n", [0, -1, -30])
def test_fewer_than_one_day_is_refused(n):
    with pytest.raises(ValueError, match="至少为1天") as info:
        CAL.add_working_days(date(2024, 5, 10), n)
    assert not isinstance(info.value, UnknownCalendarYear)


def test_leap_day():
    assert CAL.is_working_day(date(2024, 2, 29))  # Thursday
    # 2-28 Wed (1), 2-29 Thu (2), 3-1 Fri (3)
    assert CAL.add_working_days(date(2024, 2, 28), 3) == date(2024, 3, 1)


def test_working_days_between_bounds():
    assert CAL.working_days_between(date(2024, 5, 10), date(2024, 5, 10)) == 1
    assert CAL.working_days_between(date(2024, 10, 1), date(2024, 10, 1)) == 0
    assert CAL.working_days_between(date(2024, 5, 10), date(2024, 5, 9)) == 0


# --- unknown years -------------------------------------------------------------------------


def test_unknown_year_error():
    error = UnknownCalendarYear(2027)
    assert isinstance(error, ValueError)
    assert error.year == 2027
    assert str(error) == (
        "工作日历未包含2027年的节假日安排，请先在管理后台录入该年度的节假日和调休工作日。"
    )


@pytest.mark.parametrize("day", [date(FIRST_UNKNOWN, 3, 2), date(FIRST_UNKNOWN, 1, 1)])
def test_a_day_in_an_unknown_year_raises(day):
    with pytest.raises(UnknownCalendarYear) as info:
        CAL.is_working_day(day)
    assert info.value.year == FIRST_UNKNOWN
    assert f"{FIRST_UNKNOWN}年" in str(info.value)


def test_a_year_before_the_package_raises():
    with pytest.raises(UnknownCalendarYear) as info:
        CAL.next_working_day(date(2003, 12, 31))
    assert info.value.year == 2003


def test_a_period_running_into_an_unknown_year_raises():
    with pytest.raises(UnknownCalendarYear) as info:
        CAL.add_working_days(date(LAST, 12, 28), 10)
    assert info.value.year == FIRST_UNKNOWN
    with pytest.raises(UnknownCalendarYear):
        CAL.working_days_between(date(LAST, 12, 1), date(FIRST_UNKNOWN, 1, 5))


@needs_2026
def test_a_period_that_stays_in_a_known_year_does_not_raise():
    # 2026-12-31 is a Thursday, a working day: the period needs nothing from 2027
    assert CAL.add_working_days(date(2026, 12, 31), 1) == date(2026, 12, 31)
    assert CAL.next_working_day(date(2026, 12, 31)) == date(2026, 12, 31)
    with pytest.raises(UnknownCalendarYear):
        CAL.add_working_days(date(2026, 12, 31), 2)


# --- staff-entered data --------------------------------------------------------------------

# Made-up arrangements for 2027, which the package does not know, as staff would enter them:
# New Year Friday 1-1 off, Labour Day Saturday 5-1 to Monday 5-3 off, Sunday 5-9 worked.
STAFF_YEAR = 2027
STAFF_DAYS = {
    date(2027, 1, 1): False,
    date(2027, 5, 1): False,
    date(2027, 5, 2): False,
    date(2027, 5, 3): False,
    date(2027, 5, 9): True,
}
staff_year = pytest.mark.skipif(STAFF_YEAR in PACKAGE_YEARS, reason="the package knows 2027")
STAFF_CAL = WorkingDayCalendar(CalendarOverrides(years=frozenset({STAFF_YEAR}), days=STAFF_DAYS))


@staff_year
def test_staff_entered_year():
    assert STAFF_CAL.knows(STAFF_YEAR)
    assert not STAFF_CAL.knows(STAFF_YEAR + 1)
    for day, working in STAFF_DAYS.items():
        assert STAFF_CAL.is_working_day(day) is working
    for day in days(date(STAFF_YEAR, 3, 1), date(STAFF_YEAR, 3, 31)):
        assert STAFF_CAL.is_working_day(day) is (day.weekday() < 5)


@staff_year
def test_staff_entered_year_periods():
    # 4-29 Thu (1), 4-30 Fri (2), 5-1..3 off, 5-4 (3), ..., 5-7 Fri (6), 5-9 Sun (7), 5-10 (8)
    ends = [STAFF_CAL.add_working_days(date(2027, 4, 29), n) for n in range(1, 9)]
    assert ends == [
        date(2027, 4, 29),
        date(2027, 4, 30),
        date(2027, 5, 4),
        date(2027, 5, 5),
        date(2027, 5, 6),
        date(2027, 5, 7),
        date(2027, 5, 9),
        date(2027, 5, 10),
    ]
    assert STAFF_CAL.working_days_between(date(2027, 4, 29), date(2027, 5, 10)) == 8
    assert STAFF_CAL.add_working_days(date(2027, 5, 1), 1) == date(2027, 5, 4)


@staff_year
@needs_2026
def test_a_period_across_into_a_staff_year():
    cal = WorkingDayCalendar(
        CalendarOverrides(years=frozenset({2027}), days={date(2027, 1, 1): False})
    )
    # 2026-12-31 Thu (1), 2027-01-01 Fri off, 1-2 and 1-3 weekend, 1-4 Mon (2)
    assert cal.add_working_days(date(2026, 12, 31), 2) == date(2027, 1, 4)
    with pytest.raises(UnknownCalendarYear) as info:
        cal.add_working_days(date(2027, 12, 30), 5)
    assert info.value.year == 2028


def test_staff_days_override_the_package():
    cal = WorkingDayCalendar(
        CalendarOverrides(days={date(2024, 5, 10): False, date(2024, 6, 15): True})
    )
    assert not cal.is_working_day(date(2024, 5, 10))  # a Friday made a day off
    assert cal.is_working_day(date(2024, 6, 15))  # a Saturday made a working day
    assert cal.is_working_day(date(2024, 5, 9))  # untouched days still from the package
    assert not cal.is_working_day(date(2024, 10, 1))


def test_declaring_a_package_year_complete_keeps_the_package_days():
    cal = WorkingDayCalendar(CalendarOverrides(years=frozenset({2024})))
    assert cal.is_working_day(date(2024, 9, 29))
    assert not cal.is_working_day(date(2024, 10, 1))


@staff_year
def test_days_entered_for_an_incomplete_year_are_not_used():
    # Until staff declare the year complete, the days not yet entered would be guesses.
    cal = WorkingDayCalendar(CalendarOverrides(days={date(STAFF_YEAR, 1, 1): False}))
    assert not cal.knows(STAFF_YEAR)
    with pytest.raises(UnknownCalendarYear):
        cal.is_working_day(date(STAFF_YEAR, 1, 1))
    with pytest.raises(UnknownCalendarYear):
        cal.is_working_day(date(STAFF_YEAR, 1, 4))


@staff_year
def test_overrides_are_a_snapshot():
    entered = {date(STAFF_YEAR, 1, 4): False}
    overrides = CalendarOverrides(years={STAFF_YEAR}, days=entered)
    entered[date(STAFF_YEAR, 1, 4)] = True
    entered[date(STAFF_YEAR, 1, 5)] = False
    cal = WorkingDayCalendar(overrides)
    assert isinstance(overrides.years, frozenset)
    assert not cal.is_working_day(date(STAFF_YEAR, 1, 4))
    assert cal.is_working_day(date(STAFF_YEAR, 1, 5))
    with pytest.raises(TypeError):
        overrides.days[date(STAFF_YEAR, 1, 6)] = False


def test_empty_overrides():
    empty = CalendarOverrides.empty()
    assert empty == CalendarOverrides()
    assert empty.years == frozenset()
    assert dict(empty.days) == {}
    assert WorkingDayCalendar(empty).knows(FIRST_UNKNOWN) is False


# --- properties ----------------------------------------------------------------------------

known_days = st.dates(min_value=date(2004, 1, 1), max_value=date(LAST, 10, 31))
counts = st.integers(min_value=1, max_value=30)


@given(start=known_days, n=counts)
def test_a_period_ends_on_a_working_day_and_holds_n_working_days(start, n):
    end = CAL.add_working_days(start, n)
    assert CAL.is_working_day(end)
    assert end >= start
    assert CAL.working_days_between(start, end) == n
    assert CAL.working_days_between(start, end - timedelta(days=1)) == n - 1


@given(start=known_days)
def test_one_working_day_is_the_next_working_day(start):
    assert CAL.add_working_days(start, 1) == CAL.next_working_day(start)
    if CAL.is_working_day(start):
        assert CAL.add_working_days(start, 1) == start


@given(start=known_days, n=st.integers(min_value=1, max_value=20))
def test_longer_periods_end_later(start, n):
    assert CAL.add_working_days(start, n + 1) > CAL.add_working_days(start, n)


@given(start=known_days, a=st.integers(1, 15), b=st.integers(1, 15))
def test_periods_add_up(start, a, b):
    first = CAL.add_working_days(start, a)
    assert CAL.add_working_days(first + timedelta(days=1), b) == CAL.add_working_days(start, a + b)


@given(start=known_days, length=st.integers(0, 60), split=st.integers(0, 60))
def test_counts_add_up(start, length, split):
    end = start + timedelta(days=length)
    middle = start + timedelta(days=min(split, length))
    assert CAL.working_days_between(start, end) == CAL.working_days_between(
        start, middle - timedelta(days=1)
    ) + CAL.working_days_between(middle, end)


@given(day=known_days)
def test_next_working_day_skips_only_days_off(day):
    found = CAL.next_working_day(day)
    assert CAL.is_working_day(found)
    assert not any(CAL.is_working_day(d) for d in days(day, found - timedelta(days=1)))
    assert found - day < timedelta(days=12)


@given(day=known_days)
def test_agrees_with_the_package_and_the_notices(day):
    working = CAL.is_working_day(day)
    assert working == chinese_calendar.is_workday(day)
    if day.weekday() >= 5 and working:
        assert day in chinese_calendar.workdays  # an adjusted working day
    if day.weekday() < 5 and not working:
        assert day in chinese_calendar.holidays


@given(day=st.dates(min_value=date(1990, 1, 1), max_value=date(2040, 12, 31)))
def test_raises_exactly_for_unknown_years(day):
    if CAL.knows(day.year):
        assert isinstance(CAL.is_working_day(day), bool)
    else:
        with pytest.raises(UnknownCalendarYear) as info:
            CAL.is_working_day(day)
        assert info.value.year == day.year


staff_days = st.dictionaries(
    st.dates(min_value=date(STAFF_YEAR, 1, 1), max_value=date(STAFF_YEAR, 12, 31)),
    st.booleans(),
    max_size=40,
)


@staff_year
@given(entered=staff_days, day=st.dates(date(STAFF_YEAR, 1, 1), date(STAFF_YEAR, 12, 31)))
def test_a_staff_year_is_its_days_then_the_week(entered, day):
    cal = WorkingDayCalendar(CalendarOverrides(years=frozenset({STAFF_YEAR}), days=entered))
    assert cal.is_working_day(day) is entered.get(day, day.weekday() < 5)


@given(day=known_days, working=st.booleans())
def test_an_entered_day_wins_over_the_package(day, working):
    cal = WorkingDayCalendar(CalendarOverrides(days={day: working}))
    assert cal.is_working_day(day) is working
