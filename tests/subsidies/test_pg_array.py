"""The ledger's array literals (`subsidies.ledger.rows.pg_array`) read back by PostgreSQL as
the values they were made from: awkward text, numbers, dates and NULLs alike."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.db import connection

from subsidies.ledger.rows import pg_array

pytestmark = [pytest.mark.pg, pytest.mark.django_db]


@pytest.mark.parametrize(
    ("values", "cast"),
    [
        ([1, 2, 9_000_000_000, None], "bigint[]"),
        ([Decimal("1200.00"), Decimal("-33.33"), Decimal("0.01"), None], "numeric[]"),
        ([date(2026, 3, 1), date(1999, 12, 31), None], "date[]"),
        (
            ['引号"在内', "反斜杠\\在内", "逗号,与{括号}", "", "NULL", " 空格 ", None],
            "text[]",
        ),
    ],
)
def test_an_array_literal_reads_back_as_its_values(values, cast):
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL array literals")
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT %s::{cast}", [pg_array(values)])
        (found,) = cursor.fetchone()
    assert found == values


def test_a_value_without_a_literal_is_refused():
    with pytest.raises(TypeError):
        pg_array([1.5])
