"""The mainland China working-day calendar.

Holidays and the weekend days made working days (调休) follow the State Council General
Office's annual notice on holiday arrangements (国务院办公厅关于20XX年部分节假日安排的通知),
as the `chinesecalendar` package records them for the years it knows. For later years staff
enter the days themselves (admin, or an xlsx import) and mark the year complete. A date in a
year that neither knows is an error, never a guess.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta

import chinese_calendar

PACKAGE_YEARS = frozenset(
    day.year for day in (*chinese_calendar.holidays, *chinese_calendar.workdays)
)


class UnknownCalendarYear(ValueError):
    """A date in a year whose holidays are not known; the message tells staff what to do."""

    def __init__(self, year: int):
        self.year = year
        super().__init__(
            f"工作日历未包含{year}年的节假日安排，请先在管理后台录入该年度的节假日和调休工作日。"
        )


@dataclass(frozen=True)
class CalendarOverrides:
    """Days staff entered: `years` declared complete, and `days` (True: working, False: off)."""

    years: frozenset[int] = frozenset()
    days: Mapping[date, bool] = field(default_factory=dict)

    @classmethod
    def empty(cls) -> CalendarOverrides:
        return cls()


class WorkingDayCalendar:
    def __init__(self, overrides: CalendarOverrides | None = None):
        self.overrides = overrides or CalendarOverrides.empty()

    def knows(self, year: int) -> bool:
        return year in PACKAGE_YEARS or year in self.overrides.years

    def is_working_day(self, day: date) -> bool:
        """A working day: Monday to Friday except holidays, plus adjusted working weekends."""
        if day in self.overrides.days:
            return self.overrides.days[day]
        if day.year in PACKAGE_YEARS:
            return chinese_calendar.is_workday(day)
        if day.year in self.overrides.years:
            return day.weekday() < 5
        raise UnknownCalendarYear(day.year)

    def next_working_day(self, day: date) -> date:
        """The first working day on or after `day`."""
        while not self.is_working_day(day):
            day += timedelta(days=1)
        return day

    def add_working_days(self, start: date, n: int) -> date:
        """The last day of a period of `n` working days that begins on `start`.

        `start` counts as day 1 when it is a working day; otherwise counting begins at the
        next working day (a publicity period of 5 working days from Friday 2024-09-27 ends on
        2024-10-09, across National Day and its adjusted working Sunday 2024-09-29).
        """
        if n < 1:
            raise ValueError("工作日天数应至少为1天")
        day = self.next_working_day(start)
        counted = 1
        while counted < n:
            day += timedelta(days=1)
            if self.is_working_day(day):
                counted += 1
        return day

    def working_days_between(self, start: date, end: date) -> int:
        """How many working days lie in [start, end], both included."""
        count, day = 0, start
        while day <= end:
            if self.is_working_day(day):
                count += 1
            day += timedelta(days=1)
        return count
