"""Statutory retirement age under the 2024 reform.

全国人民代表大会常务委员会关于实施渐进式延迟法定退休年龄的决定 (2024-09-13, in force 2025-01-01)
and its attached 国务院关于渐进式延迟法定退休年龄的办法 with the comparison tables (附件):
over 15 years from 2025-01-01, men's age rises from 60 to 63, women's formerly 55 ("female_cadre")
to 58, women's formerly 50 ("female_worker") to 55. Men and women-55 gain one month for every
four months of birth, women-50 one month for every two months, starting with the cohort whose
old retirement month is January 2025:

- male: born 1965-01 onward; born 1965-01..04 -> 60y1m, ..., final 63y from birth month 1976-09
  (36 months added after 144 birth months = 1965-01 + 140 months = 1976-09);
- female_cadre: born 1970-01 onward, the same steps, final 58y from 1981-09;
- female_worker: born 1975-01 onward, one month per two birth months, final 55y from 1984-11
  (60 months added: 1975-01 + 118 months = 1984-11).

A man born 1966-03-15 (the 15th birth month from 1965-01): ceil(15/4) = 4 months -> 60y4m,
retiring on 2026-07-15.
"""

from __future__ import annotations

import calendar
from datetime import date

RETIREMENT_CATEGORIES = ("male", "female_worker", "female_cadre")

# category -> (old age in years, first affected birth year, birth months per added month,
#              the most months added)
_RULES = {
    "male": (60, 1965, 4, 36),
    "female_cadre": (55, 1970, 4, 36),
    "female_worker": (50, 1975, 2, 60),
}


def _rule(category: str):
    try:
        return _RULES[category]
    except KeyError:
        raise ValueError(
            f"未知的退休类别“{category}”，应为 male、female_worker 或 female_cadre"
        ) from None


def retirement_age(birth_date: date, category: str) -> tuple[int, int]:
    """The statutory retirement age (years, months) of a person born on `birth_date`."""
    old_age, first_year, step, most = _rule(category)
    months_since = (birth_date.year - first_year) * 12 + (birth_date.month - 1)
    if months_since < 0:
        return old_age, 0
    added = min(months_since // step + 1, most)
    return old_age + added // 12, added % 12


def add_months(day: date, months: int) -> date:
    """`day` plus a number of months, the day clamped to the end of the month."""
    index = day.year * 12 + (day.month - 1) + months
    year, month = divmod(index, 12)
    month += 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def retirement_date(birth_date: date, category: str) -> date:
    """The day the statutory age is reached: the birth date plus the age (clamped to month end)."""
    years, months = retirement_age(birth_date, category)
    return add_months(birth_date, years * 12 + months)


def is_retired(birth_date: date, category: str, on: date) -> bool:
    return on >= retirement_date(birth_date, category)


def full_years_until_retirement(birth_date: date, category: str, on: date) -> int:
    """Whole years from `on` to the retirement date (0 or negative once it is reached)."""
    target = retirement_date(birth_date, category)
    years = target.year - on.year
    if (target.month, target.day) < (on.month, on.day):
        years -= 1
    return years
