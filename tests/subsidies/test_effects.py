"""What recording a fact does: payments falling due, titles, the unit's right, recoveries."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.core import mail

from portal.models import Unit
from subsidies import services
from subsidies.models import Assessment, AwardEvent, Payment
from subsidies.services import AwardError

pytestmark = pytest.mark.django_db


@pytest.fixture
def office(persona):
    return persona("chen_office")


def periods(award, kind=None):
    rows = Payment.objects.filter(award=award, recovers__isnull=True)
    if kind:
        rows = rows.filter(kind=kind)
    return sorted(rows.values_list("period", flat=True))


def test_a_suspension_stops_payments_from_the_next_month(award_for, office):
    award = award_for("songjiang-chief-technician", date(2025, 12, 10))
    services.run_payments(period="2026-02")
    services.adjust_award(
        award=award,
        kind="suspended",
        reason="violation",
        on=date(2026, 2, 10),
        by=office,
        note="违纪",
    )
    services.run_payments(period="2026-03")
    assert periods(award) == ["2026-01", "2026-02"]
    award.refresh_from_db()
    assert award.title == "suspended"
    event = award.events.get(kind=AwardEvent.Kind.SUSPENDED)
    assert (event.recorded_by, event.reason, event.fields) == (
        office,
        "违纪",
        {"reason": "violation"},
    )
    # the assessments not yet due are no longer listed
    assert not award.assessments.filter(active=True, result="").exists()


def test_an_adjustment_needs_a_reason_of_the_rule_set(award_for, office):
    award = award_for("songjiang-chief-technician", date(2025, 12, 10))
    with pytest.raises(AwardError, match="原因"):
        services.adjust_award(
            award=award, kind="suspended", reason="nope", on=date(2026, 2, 1), by=office
        )
    with pytest.raises(AwardError, match="晚于今天"):
        services.adjust_award(
            award=award, kind="suspended", reason="violation", on=date(2099, 1, 1), by=office
        )
    assert not award.events.exclude(kind="named").exists()


def test_a_studio_grant_falls_due_in_a_month_already_run(award_for, office):
    award = award_for("songjiang-chief-technician", date(2025, 12, 10))
    services.run_payments(period="2026-03")
    services.record_studio(award=award, level="city", on=date(2026, 3, 5), by=office)
    grant = Payment.objects.get(award=award, kind="studio_grant")
    assert (grant.amount, grant.payee, grant.due_on) == (
        Decimal("80000.00"),
        "unit",
        date(2026, 3, 5),
    )


def test_training_base_tranches_follow_the_assessments(award_for, office):
    award = award_for("songjiang-training-base", date(2023, 1, 10), unit_key="songjiang_training")
    services.run_payments(period="2026-02")
    assert periods(award) == []
    services.record_assessment(
        award=award, code="mid_term", result="pass", on=date(2024, 7, 20), by=office
    )
    assert periods(award, "first_tranche") == ["once"]
    services.record_assessment(
        award=award, code="end_of_term", result="pass", on=date(2026, 1, 25), by=office
    )
    assert periods(award, "second_tranche") == ["once"]
    assert set(award.assessments.values_list("code", "result")) == {
        ("mid_term", "pass"),
        ("end_of_term", "pass"),
    }


def test_qingpu_leader_payment_per_passed_year_and_cancel_after_failed_rectification(
    award_for, office
):
    award = award_for(
        "qingpu-chief-technician-subsidy", date(2023, 3, 1), unit_key="qingpu_manufacturing"
    )
    services.run_payments(period="2026-01")
    assert periods(award, "unit_grant") == ["once"]
    services.record_assessment(
        award=award, code="annual", result="pass", on=date(2023, 12, 20), by=office
    )
    assert periods(award, "leader_allowance") == ["2023"]
    services.record_assessment(
        award=award, code="annual", result="fail", on=date(2024, 12, 20), by=office
    )
    assert periods(award, "leader_allowance") == ["2023"]  # a fail earns nothing
    services.record_assessment(
        award=award,
        code="annual",
        result="fail",
        on=date(2025, 2, 20),
        by=office,
        after_rectification=True,
    )
    award.refresh_from_db()
    # funding cancelled: a later pass earns nothing, nor does the end-of-term additional funding
    services.record_assessment(
        award=award, code="annual", result="pass", on=date(2025, 12, 20), by=office
    )
    assert periods(award, "leader_allowance") == ["2023"]
    assert periods(award, "additional_funding") == []


def test_shizhong_failed_end_of_term_revokes_and_unit_at_fault_loses_nomination(award_for, office):
    award = award_for("shizhong-chief-technician", date(2021, 12, 20), unit_key="shizhong_works")
    services.record_assessment(
        award=award,
        code="end_of_term",
        result="fail",
        on=date(2026, 1, 10),
        by=office,
        unit_at_fault=True,
    )
    award.refresh_from_db()
    assert award.title == "revoked"
    assert Unit.objects.get(pk=award.unit_id).may_nominate is False


def test_shizhong_fail_without_fault_keeps_the_units_right(award_for, office):
    award = award_for("shizhong-chief-technician", date(2021, 12, 20), unit_key="shizhong_works")
    services.record_assessment(
        award=award, code="end_of_term", result="fail", on=date(2026, 1, 10), by=office
    )
    assert Unit.objects.get(pk=award.unit_id).may_nominate is True


def test_only_the_higher_benefit_is_paid(award_for, office):
    award = award_for("songjiang-chief-technician", date(2025, 12, 10))
    services.record_other_benefit(
        award=award, name="chief_teacher", monthly_amount="1500.00", on=date(2026, 2, 15), by=office
    )
    services.run_payments(period="2026-04")
    assert periods(award) == ["2026-01", "2026-02"]
    with pytest.raises(AwardError):
        services.record_other_benefit(
            award=award, name="x", monthly_amount="1", on=date(2026, 2, 1), by=office
        )
    with pytest.raises(AwardError, match=r"浮点|金额|小数"):
        services.record_other_benefit(
            award=award,
            name="chief_teacher",
            monthly_amount="12.345",
            on=date(2026, 2, 1),
            by=office,
        )


def test_a_recovery_is_a_negative_row_and_nothing_is_deleted(award_for, office):
    award = award_for("songjiang-chief-technician", date(2025, 12, 10))
    services.run_payments(period="2026-02")
    paid = list(Payment.objects.filter(award=award))
    made = services.order_recovery(
        award=award, payments=paid, on=date(2026, 3, 2), reason="弄虚作假", by=office
    )
    assert sorted(p.amount for p in made) == [Decimal("-1000.00"), Decimal("-1000.00")]
    assert {p.recovers_id for p in made} == {p.pk for p in paid}
    assert Payment.objects.filter(award=award).count() == 4
    assert sum(Payment.objects.filter(award=award).values_list("amount", flat=True)) == 0
    assert award.events.filter(kind="recovery").get().fields["amount"] == "2000.00"
    with pytest.raises(AwardError):
        services.order_recovery(
            award=award, payments=paid[:1], on=date(2026, 3, 2), reason="再次", by=office
        )


def test_reminders_go_once_before_the_due_date(
    award_for, office, django_capture_on_commit_callbacks
):
    award = award_for("songjiang-chief-technician", date(2025, 3, 10))  # mid-term due 2026-09-30
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert services.send_assessment_reminders(today=date(2026, 8, 1)) == 0
        assert services.send_assessment_reminders(today=date(2026, 9, 5)) == 1
        assert services.send_assessment_reminders(today=date(2026, 9, 6)) == 0
    assert len(mail.outbox) == 1
    assert {"li_ming@example.cn", "wang_hr@example.cn", "chen_office@example.cn"} <= set(
        mail.outbox[0].to
    )
    assert Assessment.objects.get(award=award, code="mid_term").reminded_on == date(2026, 9, 5)


def test_a_row_the_facts_no_longer_make_due_becomes_a_recovery_claim(award_for, office):
    """Issue 14: a suspension recorded after its month's run is reconciled, not left to the office."""
    from subsidies import ledger

    award = award_for("songjiang-chief-technician", date(2025, 12, 10))
    services.run_payments(period="2026-03")  # March's row is in the ledger
    march = Payment.objects.get(award=award, period="2026-03", kind="monthly_allowance")
    event = services.adjust_award(
        award=award, kind="suspended", reason="violation", on=date(2026, 3, 1), by=office
    )
    claim = Payment.objects.get(award=award, recovers__isnull=False)
    assert (claim.recovers, claim.amount, claim.period) == (march, Decimal("-1000.00"), "2026-03")
    assert (claim.origin, claim.claim_status, claim.cause_event) == ("reconcile", "pending", event)
    assert claim.clause == "六(二)"  # the rule set's clause of the suspension
    assert "2026-03-01 暂停" in claim.cause and claim.drafted_by == office
    assert march.amount == Decimal("1000.00")  # nothing edited in place
    assert ledger.audit_award(award).unexplained == []


def test_a_fact_recorded_while_a_run_is_going_is_not_lost(award_for, office):
    from subsidies.models import PaymentRun

    award = award_for("songjiang-chief-technician", date(2025, 12, 10))
    services.run_payments(period="2026-02")
    # March's run has started (and may have read this award already) but not finished
    PaymentRun.objects.create(
        kind="monthly", period="2026-03", until=date(2026, 3, 31), status="running"
    )
    services.record_studio(award=award, level="district", on=date(2026, 3, 5), by=office)
    assert periods(award, "studio_grant") == ["once"]
    # what March's run covers for this award is in the ledger already: the run finds it there
    assert services.run_payments(period="2026-03") == (0, 2)
