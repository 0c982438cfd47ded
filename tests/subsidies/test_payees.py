"""Issue 14 items 3 and 5: the right payee, and 就高不重复 for yearly payments too."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from io import BytesIO

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from applications.declaration import clean_bank_account
from portal.demo import demo_id_number
from portal.models import Region, Role, RoleAssignment, User
from subsidies import ledger, services
from subsidies.models import Payment
from tests.subsidies.test_reconciliation import run_months, simulated_total

LEADER_ID = demo_id_number("31010419800101123")
LEADER = {
    "name": "钱建国",
    "id_number": LEADER_ID,
    "bank_name": "上海农商银行青浦支行",
    "bank_account": "6222020200112233446",
}


@pytest.fixture
def qingpu_application(make_application, demo_people, persona):
    application = make_application(
        "qingpu-chief-technician-subsidy",
        username="gu_base",
        unit=demo_people["qingpu_manufacturing"],
    )
    application.data = {"leader": dict(LEADER)}
    application.save(update_fields=["data"])
    return application


def _qingpu_staff(role: str, username: str) -> User:
    user = User.objects.create_user(
        username=username, password="x", real_name=username, email=f"{username}@example.cn"
    )
    RoleAssignment.objects.create(user=user, role=role, region=Region.objects.get(code="qingpu"))
    return user


@pytest.mark.django_db
def test_the_qingpu_leader_is_paid_as_a_person_with_id_and_bank(
    qingpu_application, persona, client
):
    office = _qingpu_staff(Role.DISTRICT_OFFICE, "qp_office")
    finance = _qingpu_staff(Role.FINANCE, "qp_finance")
    award = services.create_award(
        application=qingpu_application,
        document_number="青人社〔2022〕1号",
        named_on=date(2022, 3, 10),
        by=office,
    )
    assert award.person is None  # never the organisation's login (gu_base)
    assert (award.person_name, award.person_id_number, award.person_account) == (
        "钱建国",
        LEADER_ID,
        "6222020200112233446",
    )
    assert award.name.endswith("·钱建国")
    award.unit_bank, award.unit_account = "工商银行青浦支行", "1001234509876543210"
    award.save()
    run_months(date(2022, 4, 1), date(2022, 12, 1))
    services.record_assessment(
        award=award, code="annual", result="pass", on=date(2022, 12, 20), by=office
    )
    run_months(date(2023, 1, 1), date(2023, 1, 1))
    leader = Payment.objects.get(award=award, kind="leader_allowance")
    assert (leader.payee, leader.amount, leader.batch.period) == (
        "person",
        Decimal("20000.00"),
        "2023-01",
    )
    client.force_login(finance, backend="portal.auth_backends.PhoneOrEmailBackend")
    # the payroll is offered once the batch is approved (issue 12)
    assert client.get(reverse("subsidies:batch_export", args=[leader.batch_id])).status_code == 404
    services.approve_batch(batch=leader.batch, by=finance)
    response = client.get(reverse("subsidies:batch_export", args=[leader.batch_id]))
    assert response.status_code == 200
    sheet = load_workbook(BytesIO(response.content)).active
    rows = [[c.value for c in r] for r in sheet.iter_rows(min_row=2)]
    assert rows == [
        [
            "钱建国",
            LEADER_ID,
            award.unit.name,
            "上海农商银行青浦支行",
            "6222020200112233446",
            20000,
            "区人才发展专项资金",
            "2022年度",  # the periods a payee's line covers, in words (issue 17)
        ]
    ]
    unit_row = Payment.objects.get(award=award, kind="unit_grant")
    if unit_row.batch.status == unit_row.batch.Status.DRAFT:
        services.approve_batch(batch=unit_row.batch, by=finance)
    response = client.get(reverse("subsidies:batch_export", args=[unit_row.batch_id]))
    sheet = load_workbook(BytesIO(response.content)).active
    first = [c.value for c in next(sheet.iter_rows(min_row=2))]
    assert first[:5] == [
        award.unit.name,
        None,  # a unit has no ID number
        award.unit.name,
        "工商银行青浦支行",
        "1001234509876543210",
    ]
    # the unit's login follows its project's statement; the Songjiang office does not see it
    client.force_login(persona("gu_base"), backend="portal.auth_backends.PhoneOrEmailBackend")
    assert client.get(reverse("subsidies:award", args=[award.pk])).status_code == 200
    client.force_login(persona("chen_office"), backend="portal.auth_backends.PhoneOrEmailBackend")
    assert client.get(reverse("subsidies:award", args=[award.pk])).status_code == 404
    client.force_login(persona("li_ming"), backend="portal.auth_backends.PhoneOrEmailBackend")
    assert client.get(reverse("subsidies:award", args=[award.pk])).status_code == 404


@pytest.mark.django_db
def test_without_the_leaders_bank_finance_cannot_approve_the_payment(
    qingpu_application, persona, client
):
    office = _qingpu_staff(Role.DISTRICT_OFFICE, "qp_office")
    finance = _qingpu_staff(Role.FINANCE, "qp_finance")
    qingpu_application.data = {"leader": {**LEADER, "bank_account": ""}}
    qingpu_application.save(update_fields=["data"])
    award = services.create_award(
        application=qingpu_application,
        document_number="青人社〔2022〕1号",
        named_on=date(2022, 3, 10),
        by=office,
    )
    run_months(date(2022, 4, 1), date(2022, 12, 1))
    services.record_assessment(
        award=award, code="annual", result="pass", on=date(2022, 12, 20), by=office
    )
    run_months(date(2023, 1, 1), date(2023, 1, 1))
    leader = Payment.objects.get(award=award, kind="leader_allowance")
    with pytest.raises(services.AwardError, match="收款人"):
        services.approve_batch(batch=leader.batch, by=finance)
    client.force_login(office, backend="portal.auth_backends.PhoneOrEmailBackend")
    page = client.get(reverse("subsidies:award", args=[award.pk])).content.decode()
    assert 'id="payee-missing"' in page and "五(一)2" in page
    award.person_account = "6222020200112233446"
    award.save()
    services.approve_batch(batch=leader.batch, by=finance)


@pytest.mark.django_db
def test_a_person_award_records_the_person_as_payee(make_application, persona):
    award = services.create_award(
        application=make_application(),
        document_number="沪松人社〔2025〕1号",
        named_on=date(2025, 6, 1),
        by=persona("chen_office"),
    )
    li_ming = persona("li_ming")
    assert (award.person, award.person_name, award.person_id_number) == (
        li_ming,
        li_ming.display_name,
        li_ming.id_number,
    )


@pytest.mark.django_db
def test_the_qingpu_leader_holding_a_higher_subsidy_is_paid_nothing_more(award_for, persona):
    office = persona("chen_office")
    award = award_for(
        "qingpu-chief-technician-subsidy", date(2022, 3, 10), unit_key="qingpu_manufacturing"
    )
    run_months(date(2022, 4, 1), date(2023, 1, 1))
    services.record_assessment(
        award=award, code="annual", result="pass", on=date(2022, 12, 20), by=office
    )
    assert Payment.objects.filter(award=award, kind="leader_allowance").count() == 1
    # learnt later: the leader has held a similar district subsidy of 2,500 a month since 2021
    services.record_other_benefit(
        award=award,
        name="similar_district_high_skill_subsidy",
        monthly_amount="2500.00",
        on=date(2021, 7, 1),
        by=office,
    )
    services.record_assessment(
        award=award, code="annual", result="pass", on=date(2023, 12, 20), by=office
    )
    rows = Payment.objects.filter(award=award)
    held = {(p.kind, p.period): p.amount for p in rows.filter(recovers__isnull=True)}
    assert held == {
        ("unit_grant", "once"): Decimal("100000.00"),
        ("leader_allowance", "2022"): Decimal("20000.00"),
    }
    claim = rows.get(recovers__isnull=False)
    assert (claim.amount, claim.clause) == (Decimal("-20000.00"), "九4")
    assert (
        sum(rows.values_list("amount", flat=True)) == Decimal("100000.00") == simulated_total(award)
    )
    assert ledger.audit_award(award).unexplained == []


@pytest.mark.django_db
def test_a_lower_similar_subsidy_does_not_stop_the_leader(award_for, persona):
    office = persona("chen_office")
    award = award_for(
        "qingpu-chief-technician-subsidy", date(2022, 3, 10), unit_key="qingpu_manufacturing"
    )
    services.record_other_benefit(
        award=award,
        name="similar_district_high_skill_subsidy",
        monthly_amount="1000.00",
        on=date(2021, 7, 1),
        by=office,
    )
    run_months(date(2022, 4, 1), date(2023, 1, 1))
    services.record_assessment(
        award=award, code="annual", result="pass", on=date(2022, 12, 20), by=office
    )
    assert Payment.objects.filter(award=award, kind="leader_allowance").count() == 1


@pytest.mark.parametrize(
    ("typed", "result"),
    [
        ("6222 0202 0011 2233 446", "6222020200112233446"),
        ("1001234509876543210", "1001234509876543210"),  # a company account: no check digit
    ],
)
def test_bank_accounts_accepted(typed, result):
    assert clean_bank_account(typed) == result


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("6222020200112233445", "校验位不正确"),
        ("6222-abc", "8至30位数字"),
        ("1234567", "8至30位数字"),
    ],
)
def test_bank_accounts_refused_with_a_reason(typed, message):
    with pytest.raises(ValueError, match=message):
        clean_bank_account(typed)


@pytest.mark.django_db
def test_additional_funding_pays_the_unit_once_and_the_leader_nothing(
    make_application, demo_people, persona
):
    office = _qingpu_staff(Role.DISTRICT_OFFICE, "qp_office")
    application = make_application(
        "qingpu-chief-technician-additional-funding",
        username="gu_base",
        unit=demo_people["qingpu_manufacturing"],
    )
    application.data = {"leader": {"name": "钱建国", "id_number": LEADER_ID}}
    application.save(update_fields=["data"])
    award = services.create_award(
        application=application,
        document_number="青人社〔2024〕9号",
        named_on=date(2024, 12, 2),
        by=office,
    )
    run_months(date(2024, 12, 1), date(2025, 2, 1))
    rows = list(Payment.objects.filter(award=award).values_list("kind", "payee", "amount"))
    assert rows == [("additional_funding", "unit", Decimal("100000.00"))]
    assert award.person is None and award.term_end is None


@pytest.mark.django_db
def test_an_end_of_term_grade_no_longer_pays_additional_funding(award_for, persona):
    office = persona("chen_office")
    award = award_for(
        "qingpu-chief-technician-subsidy", date(2021, 6, 15), unit_key="qingpu_manufacturing"
    )
    run_months(date(2021, 7, 1), date(2021, 7, 1))
    services.record_assessment(
        award=award, code="end_of_term", result="excellent", on=date(2024, 5, 10), by=office
    )
    run_months(date(2024, 6, 1), date(2024, 6, 1))
    assert list(Payment.objects.filter(award=award).values_list("kind", flat=True)) == [
        "unit_grant"
    ]


@pytest.mark.django_db
def test_the_payee_completed_in_the_admin_is_checked(award_for, client, persona):
    from django.core.exceptions import ValidationError

    award = award_for(
        "qingpu-chief-technician-subsidy", date(2022, 3, 10), unit_key="qingpu_manufacturing"
    )
    award.person_id_number, award.person_account = "310229198001011230", "6222020200112233445"
    with pytest.raises(ValidationError) as info:
        award.full_clean()
    assert set(info.value.message_dict) == {"person_id_number", "person_account"}
    assert "校验位" in info.value.message_dict["person_account"][0]
    award.person_id_number, award.person_account = LEADER_ID, "6222 0202 0011 2233 446"
    award.full_clean()
    assert award.person_account == "6222020200112233446"
