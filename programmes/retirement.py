"""Statutory retirement age under the 2024 reform.

Sources: 全国人民代表大会常务委员会关于实施渐进式延迟法定退休年龄的决定 (adopted 2024-09-13, in
force 2025-01-01) and the Measures attached to it, 国务院关于渐进式延迟法定退休年龄的办法, whose
第二条 sets the pace and whose 附件 gives the comparison tables (对照表) by birth month.

Over 15 years from 2025-01-01 the statutory age rises: men ("male") from 60 to 63, women formerly
retiring at 55 ("female_cadre") to 58, women formerly retiring at 50 ("female_worker") to 55. Men
and women-55 gain one month for every four months of birth, women-50 one month for every two.
The first affected cohort is the one whose old retirement month is January 2025; everyone born
earlier keeps the old age.

Derivation, with k the number of months from the first affected birth month to the birth month
(k = 0 for the first month) and s the step (4 or 2 birth months per added month):

    added months = min(k // s + 1, most)

- male: first birth month 1965-01 (60 years later is 2025-01), s = 4, most = 36 (3 years).
  1965-01..04 -> 60y1m (retiring 2025-02..05), 1965-05..08 -> 60y2m (2025-07..10), ...
  The 36th month is first added at k = 35 * 4 = 140: 1965-01 + 140 months = 1976-09, so men born
  1976-09 or later retire at 63 (in 2039-09 or later); 1976-05..08 -> 62y11m.
- female_cadre: first birth month 1970-01, the same steps: 55y1m for 1970-01..04, 58 years from
  1981-09 (1970-01 + 140 months); 1981-05..08 -> 57y11m.
- female_worker: first birth month 1975-01, s = 2, most = 60 (5 years): 1975-01..02 -> 50y1m
  (2025-02..03), 1975-03..04 -> 50y2m; the 60th month at k = 59 * 2 = 118: 1975-01 + 118 months
  = 1984-11, so 55 years from 1984-11; 1984-09..10 -> 54y11m.

All three schedules end in 2039 (1976-09 + 63y, 1981-09 + 58y, 1984-11 + 55y), 15 years after
2025. A man born 1966-03-15 is at k = 14: 14 // 4 + 1 = 4 months, 60y4m, retiring 2026-07-15.

Flexible early or late retirement (弹性退休) and special early-retirement categories are outside
this module: it gives the statutory age only.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date

RETIREMENT_CATEGORIES = ("male", "female_worker", "female_cadre")


@dataclass(frozen=True)
class _Schedule:
    old_age: int  # years, before the reform
    first_birth_month: tuple[int, int]  # (year, month) whose old retirement month is 2025-01
    birth_months_per_step: int
    most_months: int


_SCHEDULES = {
    "male": _Schedule(60, (1965, 1), 4, 36),
    "female_cadre": _Schedule(55, (1970, 1), 4, 36),
    "female_worker": _Schedule(50, (1975, 1), 2, 60),
}


def _schedule(category: str) -> _Schedule:
    if category not in RETIREMENT_CATEGORIES:
        raise ValueError(
            f"未知的退休类别“{category}”，应为 male（男职工）、female_worker（原50周岁退休的女职工）"
            "或 female_cadre（原55周岁退休的女职工）"
        )
    return _SCHEDULES[category]


def retirement_age(birth_date: date, category: str) -> tuple[int, int]:
    """The statutory retirement age (years, months) of a person born on `birth_date`.

    国务院关于渐进式延迟法定退休年龄的办法 第二条 and its 附件 对照表: see the module docstring for
    the derivation. Raises ValueError for a category not in `RETIREMENT_CATEGORIES`.
    """
    schedule = _schedule(category)
    first_year, first_month = schedule.first_birth_month
    k = (birth_date.year - first_year) * 12 + (birth_date.month - first_month)
    if k < 0:
        return schedule.old_age, 0
    added = min(k // schedule.birth_months_per_step + 1, schedule.most_months)
    return schedule.old_age + added // 12, added % 12


def add_months(day: date, months: int) -> date:
    """`day` plus a number of months (negative allowed), clamped to the end of the month.

    As the Civil Code counts periods in months and years (民法典 第二百零二条): the corresponding
    day of the final month, or its last day when it has no corresponding day.
    """
    index = day.year * 12 + (day.month - 1) + months
    year, month0 = divmod(index, 12)
    month = month0 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def retirement_date(birth_date: date, category: str) -> date:
    """The day the statutory retirement age is reached: the birth date plus that age.

    The age from `retirement_age` (国务院关于渐进式延迟法定退休年龄的办法 第二条, 附件), counted
    with month-end clamping (民法典 第二百零二条): born 1965-01-31, a man of the first cohort
    retires at 60y1m on 2025-02-28; born 1967-06-30, at 60y8m on 2028-02-29.
    """
    years, months = retirement_age(birth_date, category)
    return add_months(birth_date, years * 12 + months)


def is_retired(birth_date: date, category: str, on: date) -> bool:
    """Whether the statutory retirement age is reached on `on` (True on the retirement date)."""
    return on >= retirement_date(birth_date, category)


def full_years_until_retirement(birth_date: date, category: str, on: date) -> int:
    """Whole years from `on` to the retirement date (`retirement_date`).

    The greatest k such that `on` plus k years (clamped as in 民法典 第二百零二条) is not after
    the retirement date: 3 from 2023-07-15 to 2026-07-15, 2 from 2023-07-16. It is 0 in the last
    year before retirement and on the day itself, negative after it (-1 from 2026-07-16 up to
    2027-07-15 for that date), so a rule "at least N years before retirement" reads `>= N`.
    """
    target = retirement_date(birth_date, category)
    years = target.year - on.year
    if add_months(on, years * 12) > target:
        years -= 1
    return years
