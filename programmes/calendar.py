"""The mainland China working-day calendar.

Each year's holidays and the weekend days made working days (调休上班) are set by the State
Council General Office's annual notice on holiday arrangements
(国务院办公厅关于20XX年部分节假日安排的通知), under the national measures on public holidays
(全国年节及纪念日放假办法). The `chinesecalendar` package records those notices for the years
it knows; for later years staff enter the days themselves (admin, or an xlsx import) and then
declare the year complete. A date in a year that neither covers is an error, never a guess: a
publicity period or a deadline counted on a guessed calendar would be wrong exactly when it
matters, around a holiday.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from types import MappingProxyType

import chinese_calendar

# The package's own rule (chinese_calendar.utils._validate_date): it answers for every year from
# the first to the last year of its holiday table, and raises for any other.
PACKAGE_YEARS: frozenset[int] = frozenset(
    range(min(chinese_calendar.holidays).year, max(chinese_calendar.holidays).year + 1)
)


class UnknownCalendarYear(ValueError):
    """A date in a year whose holiday arrangements are not known; the message tells staff why."""

    def __init__(self, year: int):
        self.year = year
        super().__init__(
            f"工作日历未包含{year}年的节假日安排，请先在管理后台录入该年度的节假日和调休工作日。"
        )


@dataclass(frozen=True)
class CalendarOverrides:
    """What staff entered from the annual notice (国务院办公厅关于20XX年部分节假日安排的通知).

    `years`: years declared complete, i.e. every holiday and adjusted working day entered.
    `days`: date -> True for a working day, False for a day off. They take precedence over the
    package too, so staff can correct it; in a year neither the package nor `years` covers they
    are not used, because the days not yet entered would be guesses.
    """

    years: frozenset[int] = frozenset()
    days: Mapping[date, bool] = field(default_factory=dict)

    def __post_init__(self):
        # A private read-only copy: a caller changing its dict later must not change the calendar.
        object.__setattr__(self, "years", frozenset(self.years))
        object.__setattr__(self, "days", MappingProxyType(dict(self.days)))

    @classmethod
    def empty(cls) -> CalendarOverrides:
        """No staff-entered data: the package's years only."""
        return cls()


class WorkingDayCalendar:
    """Working days per the annual notices (国务院办公厅关于20XX年部分节假日安排的通知)."""

    def __init__(self, overrides: CalendarOverrides | None = None):
        self.overrides = overrides if overrides is not None else CalendarOverrides.empty()

    def knows(self, year: int) -> bool:
        """Whether the holiday arrangements of `year` are known (package or completed by staff)."""
        return year in PACKAGE_YEARS or year in self.overrides.years

    def is_working_day(self, day: date) -> bool:
        """Monday to Friday except the notice's holidays, plus its adjusted working weekend days.

        A day staff entered wins over the package. In a year staff completed, a day they did not
        enter is a working day exactly when it falls Monday to Friday.

        Raises `UnknownCalendarYear` for a day in a year the calendar does not know.
        """
        if not self.knows(day.year):
            raise UnknownCalendarYear(day.year)
        entered = self.overrides.days.get(day)
        if entered is not None:
            return entered
        if day.year in PACKAGE_YEARS:
            return chinese_calendar.is_workday(day)
        return day.weekday() < 5

    def next_working_day(self, day: date) -> date:
        """The first working day on or after `day` (`day` itself when it is a working day)."""
        while not self.is_working_day(day):
            day += timedelta(days=1)
        return day

    def add_working_days(self, start: date, n: int) -> date:
        """The last day of a period of `n` working days that begins on `start`.

        `start` counts as day 1 when it is a working day; otherwise counting begins at the next
        working day. Under the 2024 notice (国务院办公厅关于2024年部分节假日安排的通知) a
        publicity period of 5 working days from Friday 2024-09-27 ends on 2024-10-09: 9-27,
        Sunday 9-29 (adjusted working day), 9-30, then National Day 10-1..10-7 off, 10-8, 10-9.

        Raises ValueError when `n` < 1, `UnknownCalendarYear` when the period reaches a year the
        calendar does not know.
        """
        if n < 1:
            raise ValueError(f"工作日天数应至少为1天，收到{n}天")
        day = self.next_working_day(start)
        counted = 1
        while counted < n:
            day += timedelta(days=1)
            if self.is_working_day(day):
                counted += 1
        return day

    def working_days_between(self, start: date, end: date) -> int:
        """How many working days lie in [start, end], both ends included; 0 when end < start.

        Raises `UnknownCalendarYear` when the range touches a year the calendar does not know.
        """
        count, day = 0, start
        while day <= end:
            if self.is_working_day(day):
                count += 1
            day += timedelta(days=1)
        return count
