"""Aggregation of expert scores, ranking against the quota, the reproducible draw (pure)."""

from __future__ import annotations

from decimal import Decimal as D

import pytest
from hypothesis import given
from hypothesis import strategies as st

from reviews.aggregation import aggregate
from reviews.draw import draw
from reviews.ranking import Candidate, rank, resolve_tie

pytestmark = pytest.mark.unit


def test_mean_of_all_scores():
    result = aggregate([D(80), D(85), D(90)], method="mean")
    assert result.value == D("85.00") and result.dropped == () and result.outliers == ()


def test_trimmed_mean_drops_highest_and_lowest_from_five():
    result = aggregate([D(70), D(80), D(82), D(84), D(99)], method="trimmed_mean")
    assert result.value == D("82.00")
    assert set(result.dropped) == {0, 4}


def test_trimmed_mean_with_fewer_is_plain_mean():
    result = aggregate([D(70), D(80), D(90), D(100)], method="trimmed_mean")
    assert result.value == D("85.00") and result.dropped == ()


def test_outlier_is_flagged_but_counts():
    result = aggregate([D(85), D(86), D(84), D(40)], method="mean", sheet_total=100)
    assert result.outliers == (3,)
    assert result.value == D("73.75")
    assert aggregate([D(85), D(86), D(40)], outlier_points=50).outliers == ()


def test_no_scores():
    assert aggregate([]).value is None


def c(key, score):
    return Candidate(key, None if score is None else D(score))


def test_rank_inside_the_line():
    ranking = rank([c(1, 90), c(2, 80), c(3, 85), c(4, None)], quota=2)
    assert ranking.selected == (1, 3)
    assert ranking.tied == ()
    assert [r.rank for r in ranking.ranked] == [1, 2, 3, None]
    assert ranking.cut_score == D(85)


def test_tie_at_the_line_is_left_to_the_office():
    ranking = rank([c(1, 90), c(2, 80), c(3, 80), c(4, 70)], quota=2)
    assert ranking.selected == (1,)
    assert ranking.tied == (2, 3) and ranking.places_for_tied == 1
    assert [r.rank for r in ranking.ranked] == [1, 2, 2, 4]
    assert resolve_tie(ranking, [3]) == (1, 3)
    with pytest.raises(ValueError):
        resolve_tie(ranking, [2, 3])
    with pytest.raises(ValueError):
        resolve_tie(ranking, [4])


def test_tie_that_fits_is_inside():
    ranking = rank([c(1, 90), c(2, 80), c(3, 80), c(4, 70)], quota=3)
    assert ranking.selected == (1, 2, 3) and ranking.tied == ()


def test_no_quota_selects_all_scored():
    assert rank([c(1, 50), c(2, None)], quota=None).selected == (1,)


@given(
    st.lists(st.integers(min_value=0, max_value=20), min_size=1, max_size=30),
    st.integers(min_value=1, max_value=30),
)
def test_never_more_selected_than_places(scores, quota):
    ranking = rank([c(i, s) for i, s in enumerate(scores)], quota)
    assert len(ranking.selected) + ranking.places_for_tied <= quota
    if ranking.tied:
        assert len(ranking.tied) > ranking.places_for_tied
        assert len(ranking.selected) + ranking.places_for_tied == quota


def test_draw_is_reproducible_and_ignores_pool_order():
    assert draw([5, 3, 9, 1, 7], 2, "2026-seed") == draw([1, 9, 7, 3, 5], 2, "2026-seed")
    assert len(set(draw(range(20), 5, "x"))) == 5
    with pytest.raises(ValueError, match="不足"):
        draw([1, 2], 3, "x")


def test_balanced_takes_the_least_loaded():
    from reviews.draw import balanced

    assert balanced({1: 3, 2: 0, 3: 1, 4: 0}, 2) == [2, 4]
    assert balanced({1: 1, 2: 1}, 1) == [1]
    with pytest.raises(ValueError):
        balanced({1: 0}, 2)


def test_tie_rule_prefers_45_or_under():
    from datetime import date

    from reviews.ranking import tie_preferred

    on = date(2026, 11, 25)
    params = {"years": 45}
    assert tie_preferred("prefer_age_at_most", params, birth=date(1981, 11, 25), on=on) is True
    assert tie_preferred("prefer_age_at_most", params, birth=date(1980, 11, 24), on=on) is False
    assert tie_preferred("prefer_age_at_most", params, birth=None, on=on) is None
    assert tie_preferred("something_else", params, birth=date(1990, 1, 1), on=on) is None
