"""Statutory retirement under the 2024 decision on gradually raising the retirement age.

Rows below are from the comparison tables attached to 国务院关于渐进式延迟法定退休年龄的办法:
birth months, the new age, and the retirement months they give.
"""

from __future__ import annotations

from collections import Counter
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from programmes.retirement import (
    RETIREMENT_CATEGORIES,
    add_months,
    full_years_until_retirement,
    is_retired,
    retirement_age,
    retirement_date,
)

pytestmark = pytest.mark.unit

OLD = {"male": 60, "female_cadre": 55, "female_worker": 50}
FINAL = {"male": 63, "female_cadre": 58, "female_worker": 55}
STEP = {"male": 4, "female_cadre": 4, "female_worker": 2}
FIRST_COHORT = {"male": (1965, 1), "female_cadre": (1970, 1), "female_worker": (1975, 1)}


def month_index(year: int, month: int) -> int:
    return year * 12 + month - 1


def from_index(index: int) -> tuple[int, int]:
    year, month0 = divmod(index, 12)
    return year, month0 + 1


def months_of(age: tuple[int, int]) -> int:
    return age[0] * 12 + age[1]


def test_categories():
    assert RETIREMENT_CATEGORIES == ("male", "female_worker", "female_cadre")


# (category, first birth month, last birth month, age, first and last retirement month)
TABLE_ROWS = [
    ("male", (1964, 12), (1964, 12), (60, 0), (2024, 12), (2024, 12)),
    ("male", (1965, 1), (1965, 4), (60, 1), (2025, 2), (2025, 5)),
    ("male", (1965, 5), (1965, 8), (60, 2), (2025, 7), (2025, 10)),
    ("male", (1965, 9), (1965, 12), (60, 3), (2025, 12), (2026, 3)),
    ("male", (1966, 1), (1966, 4), (60, 4), (2026, 5), (2026, 8)),
    ("male", (1968, 9), (1968, 12), (61, 0), (2029, 9), (2029, 12)),
    ("male", (1976, 5), (1976, 8), (62, 11), (2039, 4), (2039, 7)),
    ("male", (1976, 9), (1976, 12), (63, 0), (2039, 9), (2039, 12)),
    ("female_cadre", (1969, 12), (1969, 12), (55, 0), (2024, 12), (2024, 12)),
    ("female_cadre", (1970, 1), (1970, 4), (55, 1), (2025, 2), (2025, 5)),
    ("female_cadre", (1970, 5), (1970, 8), (55, 2), (2025, 7), (2025, 10)),
    ("female_cadre", (1981, 5), (1981, 8), (57, 11), (2039, 4), (2039, 7)),
    ("female_cadre", (1981, 9), (1981, 12), (58, 0), (2039, 9), (2039, 12)),
    ("female_worker", (1974, 12), (1974, 12), (50, 0), (2024, 12), (2024, 12)),
    ("female_worker", (1975, 1), (1975, 2), (50, 1), (2025, 2), (2025, 3)),
    ("female_worker", (1975, 3), (1975, 4), (50, 2), (2025, 5), (2025, 6)),
    ("female_worker", (1975, 5), (1975, 6), (50, 3), (2025, 8), (2025, 9)),
    ("female_worker", (1984, 9), (1984, 10), (54, 11), (2039, 8), (2039, 9)),
    ("female_worker", (1984, 11), (1984, 12), (55, 0), (2039, 11), (2039, 12)),
]


@pytest.mark.parametrize(
    ("category", "first", "last", "age", "retire_first", "retire_last"), TABLE_ROWS
)
def test_rows_of_the_comparison_tables(category, first, last, age, retire_first, retire_last):
    births = range(month_index(*first), month_index(*last) + 1)
    retirements = []
    for index in births:
        year, month = from_index(index)
        for day in (1, 28):
            assert retirement_age(date(year, month, day), category) == age
        when = retirement_date(date(year, month, 1), category)
        retirements.append((when.year, when.month))
    assert retirements[0] == retire_first
    assert retirements[-1] == retire_last


@pytest.mark.parametrize("category", RETIREMENT_CATEGORIES)
def test_each_intermediate_age_covers_exactly_one_step_of_birth_months(category):
    first = month_index(*FIRST_COHORT[category])
    ages = Counter(
        retirement_age(date(*from_index(index), 1), category)
        for index in range(first, first + 30 * 12)
    )
    added = [months_of(age) - OLD[category] * 12 for age in ages]
    most = (FINAL[category] - OLD[category]) * 12
    assert sorted(added) == list(range(1, most + 1))
    for age, count in ages.items():
        if months_of(age) < FINAL[category] * 12:
            assert count == STEP[category]


@pytest.mark.parametrize(
    ("category", "first_final_birth", "last_short_birth"),
    [
        ("male", date(1976, 9, 1), date(1976, 8, 31)),
        ("female_cadre", date(1981, 9, 1), date(1981, 8, 31)),
        ("female_worker", date(1984, 11, 1), date(1984, 10, 31)),
    ],
)
def test_where_the_final_age_begins(category, first_final_birth, last_short_birth):
    assert retirement_age(first_final_birth, category) == (FINAL[category], 0)
    assert retirement_age(last_short_birth, category) == (FINAL[category] - 1, 11)
    assert retirement_age(date(2000, 6, 15), category) == (FINAL[category], 0)


@pytest.mark.parametrize(
    ("category", "last_old", "first_new"),
    [
        ("male", date(1964, 12, 31), date(1965, 1, 1)),
        ("female_cadre", date(1969, 12, 31), date(1970, 1, 1)),
        ("female_worker", date(1974, 12, 31), date(1975, 1, 1)),
    ],
)
def test_where_the_reform_begins(category, last_old, first_new):
    assert retirement_age(last_old, category) == (OLD[category], 0)
    assert retirement_date(last_old, category) == date(2024, 12, 31)
    assert retirement_age(first_new, category) == (OLD[category], 1)
    assert retirement_date(first_new, category) == date(2025, 2, 1)
    assert retirement_age(date(1940, 7, 1), category) == (OLD[category], 0)


def test_the_contract_example():
    # born 1966-03: 14 birth months after 1965-01, 14 // 4 + 1 = 4 months added
    assert retirement_age(date(1966, 3, 15), "male") == (60, 4)
    assert retirement_date(date(1966, 3, 15), "male") == date(2026, 7, 15)


def test_born_1966_08_31():
    # 19 birth months after 1965-01: 19 // 4 + 1 = 5 months, so 60y5m (not 60y7m)
    assert retirement_age(date(1966, 8, 31), "male") == (60, 5)
    assert retirement_date(date(1966, 8, 31), "male") == date(2027, 1, 31)


@pytest.mark.parametrize(
    ("birth", "category", "when"),
    [
        (date(1965, 1, 31), "male", date(2025, 2, 28)),  # 60y1m, February clamp
        (date(1965, 7, 31), "male", date(2025, 9, 30)),  # 60y2m, a 30-day month
        (date(1967, 6, 30), "male", date(2028, 2, 29)),  # 60y8m, into a leap February
        (date(1980, 2, 29), "male", date(2043, 2, 28)),  # born on a leap day, 63y
        (date(1976, 2, 29), "male", date(2038, 12, 29)),  # born on a leap day, 62y10m
        (date(1970, 1, 31), "female_cadre", date(2025, 2, 28)),  # 55y1m
        (date(1970, 3, 31), "female_cadre", date(2025, 4, 30)),  # 55y1m
        (date(1977, 1, 31), "female_worker", date(2028, 2, 29)),  # 51y1m, leap February
        (date(1975, 7, 31), "female_worker", date(2025, 11, 30)),  # 50y4m
        (date(1964, 2, 29), "male", date(2024, 2, 29)),  # old rule, a leap year 60 years on
        (date(1972, 2, 29), "female_worker", date(2022, 2, 28)),  # old rule, clamped
    ],
)
def test_month_end_is_clamped(birth, category, when):
    assert retirement_date(birth, category) == when


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (date(2024, 1, 31), 1, date(2024, 2, 29)),
        (date(2023, 1, 31), 1, date(2023, 2, 28)),
        (date(2024, 3, 31), -1, date(2024, 2, 29)),
        (date(2024, 11, 30), 3, date(2025, 2, 28)),
        (date(2024, 5, 15), 0, date(2024, 5, 15)),
        (date(2024, 5, 15), -17, date(2022, 12, 15)),
        (date(2000, 2, 29), 12 * 4, date(2004, 2, 29)),
    ],
)
def test_add_months(day, months, expected):
    assert add_months(day, months) == expected


def test_retired_on_the_day():
    born = date(1966, 3, 15)  # retires 2026-07-15
    assert not is_retired(born, "male", date(2026, 7, 14))
    assert is_retired(born, "male", date(2026, 7, 15))
    assert is_retired(born, "male", date(2030, 1, 1))
    assert not is_retired(born, "male", date(1990, 1, 1))


@pytest.mark.parametrize(
    ("on", "years"),
    [
        (date(2023, 7, 15), 3),
        (date(2023, 7, 16), 2),
        (date(2025, 7, 15), 1),
        (date(2025, 7, 16), 0),
        (date(2026, 7, 14), 0),
        (date(2026, 7, 15), 0),
        (date(2026, 7, 16), -1),
        (date(2027, 7, 15), -1),
        (date(2027, 7, 16), -2),
    ],
)
def test_full_years_until_retirement(on, years):
    assert full_years_until_retirement(date(1966, 3, 15), "male", on) == years


def test_full_years_from_a_leap_day():
    # born 1965-01-31, retires 2025-02-28; one year after 2024-02-29 is 2025-02-28
    assert full_years_until_retirement(date(1965, 1, 31), "male", date(2024, 2, 29)) == 1
    assert full_years_until_retirement(date(1965, 1, 31), "male", date(2024, 3, 1)) == 0


@pytest.mark.parametrize("category", ["robot", "Male", "female", "", None, ["male"]])
def test_unknown_category(category):
    born, on = date(1970, 1, 1), date(2024, 1, 1)
    for call in (
        lambda: retirement_age(born, category),
        lambda: retirement_date(born, category),
        lambda: is_retired(born, category, on),
        lambda: full_years_until_retirement(born, category, on),
    ):
        with pytest.raises(ValueError, match="未知的退休类别") as info:
            call()
        for code in RETIREMENT_CATEGORIES:
            assert code in str(info.value)


# --- properties ----------------------------------------------------------------------------

births = st.dates(min_value=date(1940, 1, 1), max_value=date(2005, 12, 31))
categories = st.sampled_from(RETIREMENT_CATEGORIES)
days_on = st.dates(min_value=date(1990, 1, 1), max_value=date(2080, 12, 31))


@given(birth=births, category=categories)
def test_between_the_old_and_the_final_age(birth, category):
    years, months = retirement_age(birth, category)
    assert 0 <= months < 12
    assert OLD[category] * 12 <= years * 12 + months <= FINAL[category] * 12
    assert years <= FINAL[category]
    when = retirement_date(birth, category)
    assert add_months(birth, OLD[category] * 12) <= when <= add_months(birth, FINAL[category] * 12)


@given(birth=births, category=categories)
def test_consecutive_birth_months(birth, category):
    this = birth.replace(day=1)
    following = add_months(this, 1)
    step = months_of(retirement_age(following, category)) - months_of(
        retirement_age(this, category)
    )
    assert step in (0, 1)
    # so retirement months never stand still or go back, and skip at most one month
    a, b = retirement_date(this, category), retirement_date(following, category)
    assert month_index(b.year, b.month) - month_index(a.year, a.month) in (1, 2)


@given(first=births, second=births, category=categories)
def test_born_later_retires_no_earlier(first, second, category):
    first, second = sorted((first, second))
    assert retirement_age(first, category) <= retirement_age(second, category)
    assert retirement_date(first, category) <= retirement_date(second, category)


@given(birth=births, category=categories)
def test_delayed_exactly_when_the_old_date_is_in_2025_or_later(birth, category):
    old_date = add_months(birth, OLD[category] * 12)
    new_date = retirement_date(birth, category)
    if old_date < date(2025, 1, 1):
        assert new_date == old_date
    else:
        assert new_date > old_date
        assert new_date >= date(2025, 2, 1)


@given(birth=births, category=categories)
def test_same_age_as_counted_from_the_old_retirement_month(birth, category):
    # The Measures count from 2025-01: each `step` old retirement months add one month.
    old_month = month_index(birth.year, birth.month) + OLD[category] * 12
    elapsed = old_month - month_index(2025, 1)
    most = (FINAL[category] - OLD[category]) * 12
    added = 0 if elapsed < 0 else min(elapsed // STEP[category] + 1, most)
    assert months_of(retirement_age(birth, category)) == OLD[category] * 12 + added


@given(birth=births, category=categories, on=days_on)
def test_retired_and_years_left_agree(birth, category, on):
    when = retirement_date(birth, category)
    years = full_years_until_retirement(birth, category, on)
    assert is_retired(birth, category, on) == (on >= when)
    assert add_months(on, years * 12) <= when < add_months(on, (years + 1) * 12)
    if is_retired(birth, category, on):
        assert years <= 0
    if years >= 1:
        assert not is_retired(birth, category, on)


@given(birth=births, category=categories, first=days_on, second=days_on)
def test_years_left_never_grow(birth, category, first, second):
    first, second = sorted((first, second))
    assert full_years_until_retirement(birth, category, first) >= full_years_until_retirement(
        birth, category, second
    )
