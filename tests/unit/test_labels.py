"""Codes shown in words: ledger periods, quotas, ID-number area codes."""

from __future__ import annotations

import pytest

from subsidies.periods import period_label

pytestmark = pytest.mark.unit


@pytest.mark.parametrize(
    ("period", "words"),
    [
        ("2025-03", "2025年3月"),
        ("2025-12", "2025年12月"),
        ("2025", "2025年度"),
        ("once", "一次性"),
        ("once-2", "一次性（第2次）"),
    ],
)
def test_ledger_periods_in_words(period, words):
    assert period_label(period) == words


def test_a_quota_in_words():
    from programmes.ruleset import Quota

    assert Quota(count=25, kind="about", source="四").description == "约25名"
    assert Quota(count=10, kind="at_most", source="四").description == "不超过10名"
    assert (
        Quota(count=60, kind="at_least", period_years=5, source="四").description
        == "5年内不少于60名"
    )
