"""Every page of bench/bench_pages.py costs the same number of queries whatever the data:
counted with a small and a four times larger seeded data set (`seed_load`), as the same users.
A page that makes a query per row (or per award, per payment ...) fails here."""

from __future__ import annotations

import pytest
from django.db import transaction

from bench.bench_pages import query_counts, targets
from subsidies.load_data import seed

SMALL, LARGE = 40, 160


class _Rollback(Exception):
    pass


@pytest.fixture
def private_media(settings, tmp_path):
    """The PDF kept after its first render goes under a temporary root."""
    from django.utils.functional import empty

    from applications import models as app_models

    settings.PRIVATE_MEDIA_ROOT = str(tmp_path)
    app_models.private_storage._wrapped = empty
    yield tmp_path
    app_models.private_storage._wrapped = empty


def _counts(size: int) -> dict[str, int]:
    seed(applications=size, seed=5, log=lambda _message: None)
    chosen = targets()
    assert chosen["draft"] is not None and chosen["review"] is not None
    return query_counts(chosen)


def test_every_page_costs_the_same_queries_with_four_times_the_data(demo_people, private_media):
    with pytest.raises(_Rollback), transaction.atomic():
        small = _counts(SMALL)
        raise _Rollback  # the small set undone: the large one is seeded on the same people
    large = _counts(LARGE)
    assert large == small
