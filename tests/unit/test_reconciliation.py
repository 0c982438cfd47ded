"""The pure comparison of the ledger with what the facts make due (subsidies/reconciliation.py)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from subsidies.reconciliation import HeldRow, audit, corrections
from subsidies.schedules import DuePayment

pytestmark = pytest.mark.unit

TODAY = date(2026, 11, 20)


def due(period: str, amount: str, kind: str = "monthly_allowance") -> DuePayment:
    return DuePayment(
        date=date.fromisoformat(f"{period}-01")
        if len(period) == 7
        else date(int(period) + 1, 1, 1),
        period=period,
        payee="person",
        kind=kind,
        amount=Decimal(amount),
        funding="talent_development_fund",
    )


def held(pk, period, amount, *, seq=0, origin="schedule", state="paid", kind="monthly_allowance"):
    return HeldRow(
        pk=pk,
        kind=kind,
        period=period,
        seq=seq,
        amount=Decimal(amount),
        origin=origin,
        state=state,
        due_on=date(2026, 1, 1),
    )


def every(payment) -> bool:
    return True


def test_due_and_held_alike_needs_nothing():
    assert (
        corrections(
            [due("2026-01", "1000")], [held(1, "2026-01", "1000")], covered=every, today=TODAY
        )
        == []
    )


def test_due_but_not_held_is_a_payment_dated_as_the_schedule_dates_it():
    [fix] = corrections([due("2026-02", "1000")], [], covered=every, today=TODAY)
    assert (fix.kind, fix.seq, fix.amount, fix.due_on, fix.origin) == (
        "monthly_allowance",
        0,
        Decimal("1000"),
        date(2026, 2, 1),
        "schedule",
    )


def test_a_month_no_run_has_covered_is_left_to_the_runs():
    assert corrections([due("2026-12", "1000")], [], covered=lambda p: False, today=TODAY) == []


def test_held_but_no_longer_due_is_a_recovery_of_it_dated_today():
    [fix] = corrections([], [held(7, "2026-03", "1000")], covered=every, today=TODAY)
    assert (fix.kind, fix.amount, fix.recovers, fix.due_on, fix.origin) == (
        "recovery:monthly_allowance",
        Decimal("-1000"),
        7,
        TODAY,
        "reconcile",
    )


def test_a_smaller_yearly_amount_is_a_partial_recovery_and_a_second_one_follows():
    rows = [held(3, "2023", "2400", kind="district_allowance")]
    [first] = corrections(
        [due("2023", "1000", "district_allowance")], rows, covered=every, today=TODAY
    )
    assert (first.amount, first.seq) == (Decimal("-1400"), 0)
    rows.append(
        held(4, "2023", "-1400", kind="district_allowance", origin="reconcile", state="pending")
    )
    [second] = corrections(
        [due("2023", "400", "district_allowance")], rows, covered=every, today=TODAY
    )
    assert (second.amount, second.seq, second.recovers) == (Decimal("-600"), 1, 3)


def test_due_again_after_a_recovery_is_a_top_up_row():
    rows = [
        held(1, "2026-01", "1000"),
        held(2, "2026-01", "-1000", origin="reconcile", state="pending"),
    ]
    [fix] = corrections([due("2026-01", "1000")], rows, covered=every, today=TODAY)
    assert (fix.kind, fix.seq, fix.amount, fix.origin) == (
        "monthly_allowance",
        1,
        Decimal("1000"),
        "top_up",
    )


def test_what_the_office_ordered_back_is_not_paid_again_and_is_explained():
    rows = [
        held(1, "2026-01", "1000"),
        held(2, "2026-01", "-1000", origin="order", state="confirmed"),
    ]
    assert corrections([due("2026-01", "1000")], rows, covered=every, today=TODAY) == []
    [line] = audit([due("2026-01", "1000")], rows, covered=every).lines
    assert (line.difference, line.explained, line.ordered) == (
        Decimal("1000"),
        True,
        Decimal("1000"),
    )


def test_the_audit_sorts_the_ledger_and_flags_what_is_unexplained():
    rows = [
        held(1, "2026-01", "1000", state="paid"),
        held(2, "2026-02", "1000", state="batched"),
        held(3, "2026-03", "1000", state="waiting"),
        held(4, "2026-03", "-1000", origin="reconcile", state="pending"),
        held(5, "2026-04", "1000", state="paid"),
    ]
    result = audit([due("2026-01", "1000"), due("2026-02", "1000")], rows, covered=every)
    assert [line.period for line in result.unexplained] == ["2026-04"]
    assert result.net == Decimal("3000")
    assert (result.total("paid"), result.total("batched"), result.total("waiting")) == (
        Decimal("2000"),
        Decimal("1000"),
        Decimal("1000"),
    )
    assert result.total("pending_recovery") == Decimal("1000")
