"""A batch per payee (issue 17, item 6): one line per person or unit with the months it covers,
the ID number and account masked on the page."""

from __future__ import annotations

from datetime import date

import pytest

from subsidies import services
from subsidies.batch_payees import months_covered, payee_lines
from subsidies.models import PaymentBatch


@pytest.mark.unit
@pytest.mark.parametrize(
    ("periods", "words"),
    [
        (["2026-01"], "2026年1月"),
        (["2026-03", "2026-01", "2026-02"], "2026年1月至3月"),
        (["2025-11", "2025-12", "2026-01", "2026-02"], "2025年11月至2026年2月"),
        (
            ["2026-01", "2026-02", "2026-05", "2026-06", "2026-09"],
            "2026年1月至2月、2026年5月至6月、2026年9月",
        ),
        (["2025", "2026-01", "2026-01"], "2026年1月、2025年度"),
        (["once"], "一次性"),
        ([], ""),
    ],
)
def test_months_covered_in_words(periods, words):
    assert months_covered(periods) == words


@pytest.mark.django_db
def test_one_line_per_payee_with_its_months(award_for, persona):
    award = award_for("songjiang-chief-technician", date(2025, 3, 10))
    award.person_bank, award.person_account = "中国银行松江支行", "6217000011112222333"
    award.save()
    other = award_for("songjiang-chief-technician", date(2025, 12, 10), username="gu_base")
    services.run_payments(period="2026-02", by=persona("chen_office"))
    batch = PaymentBatch.objects.get()
    rows = list(batch.payments.select_related("award__person", "award__unit"))
    assert len(rows) > 3
    lines = payee_lines(rows)
    assert len(lines) == 2
    mine = next(line for line in lines if line.awards == [award])
    theirs = next(line for line in lines if line.awards == [other])
    assert mine.rows == len([r for r in rows if r.award_id == award.pk])
    assert mine.amount == sum(r.amount for r in rows if r.award_id == award.pk)
    assert mine.months == "2025年4月至2026年2月"
    assert mine.month_count == 11
    assert theirs.months == "2026年1月至2月"
    assert mine.masked_account == "***************2333"
    assert mine.id_number and mine.masked_id_number.startswith(mine.id_number[:3])
    assert "*" in mine.masked_id_number and mine.id_number not in mine.masked_id_number
