"""Issue 14: the ledger always equals what the recorded facts make due.

The cases of the issue, run as Celery beat runs the months (the monthly run on the 1st, the
annual run in January) with the facts recorded months late. Dates are shifted into the past:
the services refuse facts dated after today.
"""

from __future__ import annotations

import io
from datetime import date, timedelta
from decimal import Decimal

import pytest
import yaml
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from portal.models import Region, Role, RoleAssignment, User
from programmes.selectors import working_day_calendar
from programmes.simulation import parse_scenario, simulate
from subsidies import ledger, scenario_export, services
from subsidies.models import Payment

pytestmark = pytest.mark.django_db


def _next_month(first: date) -> date:
    return (first.replace(day=28) + timedelta(days=4)).replace(day=1)


def run_months(start: date, end: date) -> None:
    """Each month's run on its first day (the annual run in January), as beat does."""
    month = start.replace(day=1)
    while month <= end:
        services.run_payments(period=month.strftime("%Y-%m"))
        if month.month == 1:
            services.run_annual(year=month.year)
        month = _next_month(month)


def net(award) -> Decimal:
    return sum(Payment.objects.filter(award=award).values_list("amount", flat=True), Decimal(0))


def simulated_total(award) -> Decimal:
    """`simulate` over the award's recorded facts (award_scenario's file), to the same day."""
    data = scenario_export.scenario_of(award)
    scenario = parse_scenario(yaml.safe_load(yaml.safe_dump(data, allow_unicode=True)))
    version = award.ruleset_version
    result = simulate(scenario, version.ruleset, working_day_calendar(), version=version.number)
    return sum((Decimal(p["amount"]) for p in result["payments"]), Decimal(0))


@pytest.fixture
def office(persona):
    return persona("chen_office")


@pytest.fixture
def songjiang_late(award_for, office):
    """松江: a higher other benefit from 2025-01 and a suspension on 2026-03-10, recorded late."""
    award = award_for("songjiang-chief-technician", date(2023, 11, 15))
    run_months(date(2023, 12, 1), date(2024, 6, 1))
    services.record_studio(award=award, level="district", on=date(2024, 6, 20), by=office)
    run_months(date(2024, 7, 1), date(2026, 11, 1))
    assert net(award) == Decimal("86000.00")  # 36 months and the studio: what the issue saw
    services.record_other_benefit(
        award=award,
        name="district_leading_talent",
        monthly_amount="3000.00",
        on=date(2025, 1, 1),
        by=office,
        note="区领军人才，2026年11月获知",
    )
    services.adjust_award(
        award=award, kind="suspended", reason="violation", on=date(2026, 3, 10), by=office
    )
    return award


def test_songjiang_late_facts_leave_63000(songjiang_late):
    award = songjiang_late
    assert net(award) == Decimal("63000.00") == simulated_total(award)
    claims = Payment.objects.filter(award=award, recovers__isnull=False)
    # 2025-01 ... 2026-11: each month's payment recovered once, for the higher other benefit
    assert claims.count() == 23
    assert {c.claim_status for c in claims} == {"pending"}
    assert {c.clause for c in claims} == {"五(一)"}
    assert all("区领军人才" in c.cause or "district_leading_talent" in c.cause for c in claims)
    assert all(c.recovers.period == c.period for c in claims)
    assert ledger.audit_award(award).unexplained == []


def test_a_rerun_of_any_month_adds_nothing(songjiang_late):
    award = songjiang_late
    before = Payment.objects.filter(award=award).count()
    for period in ("2024-01", "2025-03", "2026-04", "2026-11"):
        created, _existing = services.run_payments(period=period)
        assert created == 0
    services.run_annual(year=2026)
    assert Payment.objects.filter(award=award).count() == before
    # reconciling again (any later fact) makes no second claim for the same money
    ledger.reconcile_award(award)
    assert Payment.objects.filter(award=award).count() == before


def test_shizhong_left_the_district_late_keeps_5800(award_for, office, persona):
    award = award_for("shizhong-chief-technician", date(2020, 12, 31))
    run_months(date(2021, 1, 1), date(2025, 1, 1))
    assert net(award) == Decimal("9600.00")
    services.adjust_award(
        award=award,
        kind="left_post",
        reason="moved_out_of_district",
        on=date(2023, 5, 10),
        by=office,
        note="调往区外，2025年获知",
    )
    assert net(award) == Decimal("5800.00") == simulated_total(award)
    award.refresh_from_db()
    assert award.title == "held"  # 第十四条(二): the title is kept, the benefits end
    claims = list(Payment.objects.filter(award=award, recovers__isnull=False).order_by("period"))
    # 2023: 12 months paid, 5 due (a partial recovery); 2024: all of it
    assert [(c.period, c.amount) for c in claims] == [
        ("2023", Decimal("-1400.00")),
        ("2024", Decimal("-2400.00")),
    ]
    assert {c.clause for c in claims} == {"第十四条(二)"}
    assert all("调往区外" in c.cause for c in claims)


def test_a_late_fact_that_makes_more_due_is_paid_in_the_next_batch(award_for, office):
    award = award_for("songjiang-chief-technician", date(2023, 11, 15))
    run_months(date(2023, 12, 1), date(2024, 9, 1))
    services.record_studio(award=award, level="city", on=date(2024, 3, 5), by=office)
    grant = Payment.objects.get(award=award, kind="studio_grant")
    assert (grant.amount, grant.batch) == (Decimal("80000.00"), None)
    run_months(date(2024, 10, 1), date(2024, 10, 1))
    grant.refresh_from_db()
    assert grant.batch is not None and grant.batch.period == "2024-10"


def test_claims_are_confirmed_by_the_office_then_approved_by_another_finance(
    songjiang_late, office, persona
):
    claim = Payment.objects.filter(award=songjiang_late, recovers__isnull=False).first()
    finance = persona("sun_finance")
    with pytest.raises(services.AwardError, match="先经经办确认"):
        services.approve_recovery(claim=claim, by=finance)
    services.confirm_recovery(claim=claim, by=office)
    with pytest.raises(services.AwardError, match="不能审批"):
        services.approve_recovery(claim=claim, by=office)  # the one who drafted and confirmed
    services.approve_recovery(claim=claim, by=finance)
    claim.refresh_from_db()
    assert (claim.claim_status, claim.confirmed_by, claim.approved_by) == (
        "approved",
        office,
        finance,
    )
    audit = ledger.audit_award(songjiang_late)
    assert audit.unexplained == [] and audit.total("recovered") == Decimal("1000.00")


def _staff(username: str, role: str, district: str) -> User:
    user = User.objects.create_user(
        username=username, password="x", real_name=username, email=f"{username}@example.cn"
    )
    RoleAssignment.objects.create(user=user, role=role, region=Region.objects.get(code=district))
    return user


def test_every_claim_is_visible_to_office_and_finance_with_its_cause(
    client, login_as, songjiang_late
):
    qingpu_office = _staff("qp_office_x", Role.DISTRICT_OFFICE, "qingpu")
    qingpu_finance = _staff("qp_finance_x", Role.FINANCE, "qingpu")
    url = reverse("subsidies:recoveries")
    for username in ("chen_office", "sun_finance"):
        login_as(username)
        page = client.get(url).content.decode()
        assert page.count("区领军人才") >= 23 and "五(一)" in page and "待经办确认" in page
        detail = client.get(reverse("subsidies:award", args=[songjiang_late.pk])).content.decode()
        assert 'id="claims"' in detail and "区领军人才" in detail
    for user in (qingpu_office, qingpu_finance):  # another authority's staff see none of it
        client.force_login(user, backend="portal.auth_backends.PhoneOrEmailBackend")
        page = client.get(url).content.decode()
        assert "区领军人才" not in page and "暂无追回记录" in page
    for username in ("li_ming", "wang_hr", "expert_a"):
        login_as(username)
        assert client.get(url).status_code == 403


def test_confirming_and_approving_through_the_pages(client, login_as, songjiang_late):
    claim = Payment.objects.filter(award=songjiang_late, recovers__isnull=False).first()
    confirm = reverse("subsidies:claim_confirm", args=[claim.pk])
    approve = reverse("subsidies:claim_approve", args=[claim.pk])
    qingpu_office = _staff("qp_office_x", Role.DISTRICT_OFFICE, "qingpu")
    qingpu_finance = _staff("qp_finance_x", Role.FINANCE, "qingpu")
    # who may not: anyone but the district's office (404, the claim does not exist for them)
    for user in (qingpu_office, qingpu_finance):
        client.force_login(user, backend="portal.auth_backends.PhoneOrEmailBackend")
        assert client.post(confirm).status_code == 404
    for username in ("sun_finance", "li_ming", "wang_hr"):
        login_as(username)
        assert client.post(confirm).status_code == 404
    claim.refresh_from_db()
    assert claim.claim_status == "pending"
    login_as("chen_office")
    assert client.post(confirm).status_code == 302
    assert client.post(approve).status_code == 404  # the office does not approve
    client.force_login(qingpu_finance, backend="portal.auth_backends.PhoneOrEmailBackend")
    assert client.post(approve).status_code == 404
    claim.refresh_from_db()
    assert claim.claim_status == "confirmed"
    login_as("sun_finance")
    assert client.post(approve).status_code == 302
    claim.refresh_from_db()
    assert claim.claim_status == "approved"


def test_audit_ledger_command(songjiang_late, award_for):
    out = io.StringIO()
    call_command("audit_ledger", "--award", str(songjiang_late.pk), stdout=out)
    text = out.getvalue()
    assert "无法说明的差额 0 处" in text and "待追回 1,000.00" in text
    # a row put into the ledger by hand, with no fact behind it, is unexplained: exit 1
    Payment.objects.create(
        award=songjiang_late,
        kind="monthly_allowance",
        period="2026-11",
        seq=5,
        due_on=date(2026, 11, 1),
        payee="person",
        amount=Decimal("1000.00"),
        funding="talent_development_fund",
    )
    with pytest.raises(CommandError) as info:
        call_command("audit_ledger", "--programme", "songjiang-chief-technician", stdout=out)
    assert info.value.returncode == 1
    assert "无法说明" in out.getvalue()
    with pytest.raises(CommandError) as info:
        call_command("audit_ledger", "--award", "999999", stdout=io.StringIO())
    assert info.value.returncode == 2


def test_award_scenario_runs_in_simulate_to_the_same_payments(songjiang_late, tmp_path):
    target = tmp_path / "award.yaml"
    call_command("award_scenario", str(songjiang_late.pk), "-o", str(target), stdout=io.StringIO())
    out = io.StringIO()
    call_command("simulate", str(target), "--format", "json", stdout=out)
    import json

    result = json.loads(out.getvalue())
    by_key: dict[tuple[str, str], Decimal] = {}
    for row in Payment.objects.filter(award=songjiang_late):
        key = (row.kind.removeprefix("recovery:"), row.period)
        by_key[key] = by_key.get(key, Decimal(0)) + row.amount
    held = {k: v for k, v in by_key.items() if v}
    assert held == {(p["kind"], p["period"]): Decimal(p["amount"]) for p in result["payments"]}


def test_an_ordered_recovery_is_explained_and_never_paid_again(award_for, office):
    award = award_for("songjiang-chief-technician", date(2023, 11, 15))
    run_months(date(2023, 12, 1), date(2024, 3, 1))
    paid = Payment.objects.get(award=award, period="2024-01")
    services.order_recovery(
        award=award, payments=[paid], on=date(2024, 3, 5), reason="弄虚作假", by=office
    )
    ledger.reconcile_award(award)  # nothing pays it out again
    assert net(award) == Decimal("3000.00")
    audit = ledger.audit_award(award)
    assert audit.unexplained == []
    line = next(line for line in audit.lines if line.period == "2024-01")
    assert line.difference == Decimal("1000.00") and "弄虚作假" in line.reason
