"""Statutory retirement under the 2024 decision on gradually raising the retirement age."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from programmes.retirement import (
    add_months,
    full_years_until_retirement,
    is_retired,
    retirement_age,
    retirement_date,
)

pytestmark = pytest.mark.unit

OLD = {"male": 60, "female_cadre": 55, "female_worker": 50}
FINAL = {"male": 63, "female_cadre": 58, "female_worker": 55}


@pytest.mark.parametrize(
    ("birth", "category", "age"),
    [
        (date(1964, 12, 31), "male", (60, 0)),  # before the reform
        (date(1965, 1, 1), "male", (60, 1)),  # the first cohort
        (date(1965, 4, 30), "male", (60, 1)),
        (date(1965, 5, 1), "male", (60, 2)),
        (date(1966, 3, 15), "male", (60, 4)),
        (date(1976, 8, 31), "male", (62, 11)),
        (date(1976, 9, 1), "male", (63, 0)),  # the final age
        (date(1990, 1, 1), "male", (63, 0)),
        (date(1969, 12, 1), "female_cadre", (55, 0)),
        (date(1970, 1, 1), "female_cadre", (55, 1)),
        (date(1981, 9, 1), "female_cadre", (58, 0)),
        (date(1974, 12, 1), "female_worker", (50, 0)),
        (date(1975, 1, 1), "female_worker", (50, 1)),
        (date(1975, 3, 1), "female_worker", (50, 2)),
        (date(1984, 10, 1), "female_worker", (54, 11)),
        (date(1984, 11, 1), "female_worker", (55, 0)),
    ],
)
def test_ages_from_the_decision_tables(birth, category, age):
    assert retirement_age(birth, category) == age


def test_the_contract_example():
    assert retirement_date(date(1966, 3, 15), "male") == date(2026, 7, 15)


def test_month_end_is_clamped():
    # born 1965-07-31, 60 years 2 months -> 2025-09-30 (September has 30 days)
    assert retirement_date(date(1965, 7, 31), "male") == date(2025, 9, 30)
    assert add_months(date(2024, 1, 31), 1) == date(2024, 2, 29)
    assert add_months(date(2023, 1, 31), 1) == date(2023, 2, 28)


def test_retired_on_the_day():
    born = date(1966, 3, 15)
    assert not is_retired(born, "male", date(2026, 7, 14))
    assert is_retired(born, "male", date(2026, 7, 15))


def test_full_years_until_retirement():
    born = date(1966, 3, 15)  # retires 2026-07-15
    assert full_years_until_retirement(born, "male", date(2023, 7, 15)) == 3
    assert full_years_until_retirement(born, "male", date(2023, 7, 16)) == 2
    assert full_years_until_retirement(born, "male", date(2027, 1, 1)) <= 0


def test_unknown_category():
    with pytest.raises(ValueError, match="未知的退休类别"):
        retirement_age(date(1970, 1, 1), "robot")


births = st.dates(min_value=date(1950, 1, 1), max_value=date(2000, 12, 31))
categories = st.sampled_from(["male", "female_cadre", "female_worker"])


@given(birth=births, category=categories)
def test_between_the_old_and_the_final_age(birth, category):
    years, months = retirement_age(birth, category)
    total = years * 12 + months
    assert OLD[category] * 12 <= total <= FINAL[category] * 12
    when = retirement_date(birth, category)
    assert add_months(birth, OLD[category] * 12) <= when <= add_months(birth, FINAL[category] * 12)


@given(birth=births, category=categories)
def test_consecutive_birth_months_differ_by_at_most_one_month(birth, category):
    first = birth.replace(day=1)
    following = add_months(first, 1)
    a = retirement_age(first, category)
    b = retirement_age(following, category)
    diff = (b[0] * 12 + b[1]) - (a[0] * 12 + a[1])
    assert diff in (0, 1)


@given(birth=births, category=categories)
def test_nobody_retires_before_the_reform_later_than_the_old_rule(birth, category):
    old_date = add_months(birth, OLD[category] * 12)
    if old_date < date(2025, 1, 1):
        assert retirement_date(birth, category) == old_date
