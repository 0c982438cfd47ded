"""The ledger run: the command, reruns, catching up a missed month, batches per funding line."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from subsidies import services
from subsidies.models import Payment, PaymentBatch, PaymentRun

pytestmark = pytest.mark.django_db


def test_the_command_prints_created_and_existing_and_a_rerun_creates_nothing(award_for, capsys):
    award_for("songjiang-chief-technician", date(2025, 12, 10))  # term from 2026-01-01
    call_command("run_payments", "--period", "2026-03")
    assert capsys.readouterr().out.strip() == "新增 3 笔，已存在 0 笔"
    call_command("run_payments", "--period", "2026-03")
    assert capsys.readouterr().out.strip() == "新增 0 笔，已存在 1 笔"
    call_command("run_payments", "--period", "2026-04")
    assert capsys.readouterr().out.strip() == "新增 1 笔，已存在 0 笔"
    rows = Payment.objects.order_by("period")
    assert [(p.period, p.amount) for p in rows] == [
        ("2026-01", Decimal("1000.00")),
        ("2026-02", Decimal("1000.00")),
        ("2026-03", Decimal("1000.00")),
        ("2026-04", Decimal("1000.00")),
    ]
    assert all(isinstance(p.amount, Decimal) for p in rows)


def test_a_month_whose_run_never_happened_is_caught_up(award_for):
    award_for("songjiang-chief-technician", date(2025, 12, 10))
    assert services.run_payments(period="2026-01") == (1, 0)
    # February's run never happened; March's inserts February too
    assert services.run_payments(period="2026-03") == (2, 0)
    assert sorted(Payment.objects.values_list("period", flat=True)) == [
        "2026-01",
        "2026-02",
        "2026-03",
    ]


def test_the_annual_run_pays_arrears_and_the_monthly_run_does_not(award_for):
    award_for("shizhong-chief-technician", date(2024, 12, 20), unit_key="shizhong_works")
    assert services.run_payments(period="2026-01") == (0, 0)
    created, existing = services.run_annual(year=2026)
    assert (created, existing) == (1, 0)
    row = Payment.objects.get()
    # the 12 months of 2025, 200 a month, paid on 1 January 2026
    assert (row.period, row.due_on, row.amount) == ("2025", date(2026, 1, 1), Decimal("2400.00"))
    assert row.funding == "other"
    assert services.run_annual(year=2026) == (0, 1)


def test_the_run_drafts_one_batch_per_period_and_funding_line(award_for, persona):
    award_for("songjiang-chief-technician", date(2025, 12, 10))
    award_for("qingpu-chief-technician-subsidy", date(2026, 2, 5), unit_key="qingpu_manufacturing")
    services.run_payments(period="2026-02", by=persona("chen_office"))
    batches = {b.funding: b for b in PaymentBatch.objects.filter(period="2026-02")}
    assert set(batches) == {"talent_development_fund", "local_education_surcharge_fund"}
    assert batches["local_education_surcharge_fund"].payments.get().amount == Decimal("100000.00")
    assert batches["talent_development_fund"].payments.count() == 2
    assert batches["talent_development_fund"].drafted_by == persona("chen_office")
    assert not Payment.objects.filter(batch__isnull=True).exists()


def test_rows_after_an_approved_batch_wait_for_the_next_one(award_for, persona):
    award = award_for("songjiang-chief-technician", date(2025, 12, 10))
    services.run_payments(period="2026-01", by=persona("chen_office"))
    batch = PaymentBatch.objects.get()
    services.approve_batch(batch=batch, by=persona("sun_finance"))
    services.record_studio(
        award=award, level="district", on=date(2026, 1, 20), by=persona("chen_office")
    )
    grant = Payment.objects.get(kind="studio_grant")
    assert grant.batch is None  # January's batch is approved: it takes no more rows
    services.run_payments(period="2026-02")
    grant.refresh_from_db()
    assert grant.batch.period == "2026-02"


def test_a_run_record_shows_progress(award_for):
    award_for("songjiang-chief-technician", date(2025, 12, 10))
    award_for("songjiang-chief-technician", date(2025, 11, 10), username="wang_hr")
    services.run_payments(period="2026-01")
    run = PaymentRun.objects.get()
    assert (run.status, run.awards_total, run.awards_done, run.percent) == ("done", 2, 2, 100)
    assert (run.created, run.existing) == (3, 0)


def test_a_malformed_or_future_period_is_an_error(db):
    with pytest.raises(CommandError, match="YYYY-MM"):
        call_command("run_payments", "--period", "2026-13")
    with pytest.raises(CommandError, match="未来"):
        call_command("run_payments", "--period", "2999-01")
    with pytest.raises(CommandError, match="未来"):
        call_command("run_payments", "--year", "2999")
