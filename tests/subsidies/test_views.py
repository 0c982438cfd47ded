"""Office and finance pages, with each permission tested both ways."""

from __future__ import annotations

from datetime import date
from io import BytesIO

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from subsidies import services
from subsidies.models import AwardEvent, PaymentBatch, PaymentRun

pytestmark = pytest.mark.django_db

EVERYONE = [
    "li_ming",
    "gu_base",
    "wang_hr",
    "zhao_street",
    "qian_dept",
    "zhou_union",
    "chen_office",
    "expert_a",
    "sun_finance",
    "admin",
]
OFFICE = {"chen_office", "admin"}
FINANCE = {"sun_finance", "admin"}


@pytest.fixture
def award(award_for, persona):
    made = award_for("songjiang-chief-technician", date(2025, 12, 10))
    made.person_bank, made.person_account = "中国银行松江支行", "6217000011112222333"
    made.save()
    services.run_payments(period="2026-02", by=persona("chen_office"))
    return made


def status_of(client, login_as, username, url, method="get", data=None):
    client.logout()
    login_as(username)
    response = getattr(client, method)(url, data or {})
    return response.status_code


def test_the_awards_list_and_statement(client, login_as, award):
    for username in EVERYONE:
        code = status_of(client, login_as, username, reverse("subsidies:awards"))
        assert code == (200 if username in OFFICE | FINANCE else 403), username
        code = status_of(client, login_as, username, reverse("subsidies:award", args=[award.pk]))
        # the office, finance and the person named; to anyone else it does not exist
        assert code == (200 if username in OFFICE | FINANCE | {"li_ming"} else 404), username
    client.logout()
    assert client.get(reverse("subsidies:awards")).status_code == 302  # to the login page


def test_recording_an_adjustment(client, login_as, award):
    for username in [*sorted(set(EVERYONE) - OFFICE), "chen_office"]:
        _adjust(client, login_as, award, username)


def _adjust(client, login_as, award, username):
    url = reverse("subsidies:award_action", args=[award.pk, "adjust"])
    data = {
        "adjust-kind": "suspended",
        "adjust-reason": "violation",
        "adjust-on": "2026-02-10",
        "adjust-note": "违纪",
    }
    code = status_of(client, login_as, username, url, "post", data)
    if username in OFFICE:
        assert code == 302
        assert award.events.filter(kind=AwardEvent.Kind.SUSPENDED).count() == 1
    else:
        assert code in (403, 404)
        assert code == (403 if username in FINANCE | {"li_ming"} else 404)
        assert not award.events.filter(kind=AwardEvent.Kind.SUSPENDED).exists()


def test_another_districts_office_does_not_see_the_award(client, login_as, award_for):
    qingpu = award_for(
        "qingpu-chief-technician-subsidy", date(2025, 6, 1), unit_key="qingpu_manufacturing"
    )
    login_as("chen_office")  # songjiang
    assert client.get(reverse("subsidies:award", args=[qingpu.pk])).status_code == 404
    assert qingpu.name not in client.get(reverse("subsidies:awards")).content.decode()


def test_bad_input_is_shown_next_to_the_field_and_kept(client, login_as, award):
    login_as("chen_office")
    url = reverse("subsidies:award_action", args=[award.pk, "adjust"])
    response = client.post(
        url,
        {
            "adjust-kind": "suspended",
            "adjust-reason": "violation",
            "adjust-on": "",
            "adjust-note": "我写的说明",
        },
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "这个字段是必填项" in page or "必填" in page
    assert "我写的说明" in page
    response = client.post(
        url, {"adjust-kind": "suspended", "adjust-reason": "violation", "adjust-on": "2099-01-01"}
    )
    assert "日期不能晚于今天" in response.content.decode()


def test_the_statement_shows_the_ledger_and_full_numbers_only_to_staff(client, login_as, award):
    login_as("chen_office")
    page = client.get(reverse("subsidies:award", args=[award.pk])).content.decode()
    assert "6217000011112222333" in page
    client.logout()
    # finance reads the account masked here, in full in the approved payroll (issue 17)
    login_as("sun_finance")
    page = client.get(reverse("subsidies:award", args=[award.pk])).content.decode()
    assert "6217000011112222333" not in page and "***************2333" in page
    assert "2026-02" in page
    assert "工作津贴" in page and "届中考核" in page and "发放中" in page
    from portal.identity import mask_id_number

    number = award.person_id_number or award.person.id_number
    assert number not in page and mask_id_number(number) in page
    client.logout()
    login_as("li_ming")
    page = client.get(reverse("subsidies:award", args=[award.pk])).content.decode()
    assert "6217000011112222333" not in page
    assert "记录调整" not in page  # no office actions
    assert "3000.00" not in page and "2000.00" in page


def test_starting_a_run(client, login_as, award, django_capture_on_commit_callbacks):
    for username in [*sorted(set(EVERYONE) - OFFICE), "chen_office"]:
        _start(client, login_as, username, django_capture_on_commit_callbacks)


def _start(client, login_as, username, django_capture_on_commit_callbacks):
    url = reverse("subsidies:runs")
    with django_capture_on_commit_callbacks(execute=True):
        code = status_of(
            client, login_as, username, url, "post", {"kind": "monthly", "period": "2026-03"}
        )
    if username in OFFICE:
        assert code == 302
        run = PaymentRun.objects.filter(period="2026-03").get()
        status = client.get(reverse("subsidies:run_status", args=[run.pk])).json()
        assert (status["status"], status["created"], status["percent"]) == ("done", 1, 100)
        assert client.get(reverse("subsidies:run", args=[run.pk])).status_code == 200
    else:
        assert code == 403
        assert not PaymentRun.objects.filter(period="2026-03").exists()


def test_a_malformed_run_period_is_explained(client, login_as, award):
    login_as("chen_office")
    response = client.post(reverse("subsidies:runs"), {"kind": "monthly", "period": "2026/3"})
    assert response.status_code == 400
    assert "YYYY-MM" in response.content.decode()
    assert "2026/3" in response.content.decode()


def test_the_batches(client, login_as, award, persona):
    batch = PaymentBatch.objects.get()
    for username in EVERYONE:
        for url in (
            reverse("subsidies:batches"),
            reverse("subsidies:batch", args=[batch.pk]),
        ):
            code = status_of(client, login_as, username, url)
            assert code == (200 if username in OFFICE | FINANCE else 403), (username, url)
    # The payroll sheet is offered only once the batch is approved (issue 12, 4.).
    export = reverse("subsidies:batch_export", args=[batch.pk])
    for username in EVERYONE:
        code = status_of(client, login_as, username, export)
        assert code == (404 if username in OFFICE | FINANCE else 403), username
    services.approve_batch(batch=batch, by=persona("sun_finance"))
    for username in EVERYONE:
        code = status_of(client, login_as, username, export)
        assert code == (200 if username in OFFICE | FINANCE else 403), username


def test_approving_a_batch(client, login_as, award):
    for username in [*sorted(set(EVERYONE) - FINANCE), "sun_finance"]:
        _approve(client, login_as, username)


def _approve(client, login_as, username):
    batch = PaymentBatch.objects.get()
    code = status_of(
        client, login_as, username, reverse("subsidies:batch_approve", args=[batch.pk]), "post"
    )
    batch.refresh_from_db()
    if username in FINANCE:
        assert code == 302 and batch.status == "approved"
    else:
        assert code == 403 and batch.status == "draft"


def test_four_eyes_the_drafter_may_not_approve(award_for, persona):
    award_for("songjiang-chief-technician", date(2025, 12, 10))
    services.run_payments(period="2026-01", by=persona("admin"))
    batch = PaymentBatch.objects.get()
    with pytest.raises(services.AwardError, match="制单人"):
        services.approve_batch(batch=batch, by=persona("admin"))
    services.approve_batch(batch=batch, by=persona("sun_finance"))
    with pytest.raises(services.AwardError):
        services.approve_batch(batch=batch, by=persona("sun_finance"))
    services.mark_batch_paid(batch=batch, by=persona("sun_finance"))
    batch.refresh_from_db()
    assert batch.status == "paid" and batch.paid_at


def test_the_payroll_export_has_chinese_headers_and_full_numbers(client, login_as, award):
    finance = login_as("sun_finance")
    batch = PaymentBatch.objects.get()
    services.approve_batch(batch=batch, by=finance)
    response = client.get(reverse("subsidies:batch_export", args=[batch.pk]))
    sheet = load_workbook(BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == ("姓名", "身份证号", "单位", "开户银行", "账号", "金额", "资金来源", "期间")
    assert len(rows) == 2  # one line per payee, with the months it covers (issue 17)
    name, id_number, unit, bank, account, amount, funding, period = rows[1]
    assert (name, bank, account, funding) == (
        "李明",
        "中国银行松江支行",
        "6217000011112222333",
        "区人才发展专项资金",
    )
    assert len(id_number) == 18 and "*" not in id_number
    assert unit == "上海松江精密机械有限公司"
    assert float(amount) == 2000.0 and period == "2026年1月至2月（共 2 个月）"


def test_the_assessments_page_lists_overdue_ones(client, login_as, award_for):
    award_for("songjiang-chief-technician", date(2024, 1, 10))  # mid-term due 2025-07-31
    login_as("chen_office")
    page = client.get(reverse("subsidies:assessments")).content.decode()
    assert "已逾期（1）" in page and "2025-07-31" in page
    client.logout()
    login_as("sun_finance")
    assert client.get(reverse("subsidies:assessments")).status_code == 403


def test_the_statement_as_pdf(client, login_as, award):
    login_as("li_ming")
    response = client.get(reverse("subsidies:award_pdf", args=[award.pk]))
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    client.logout()
    login_as("wang_hr")
    assert client.get(reverse("subsidies:award_pdf", args=[award.pk])).status_code == 404


def test_a_future_period_cannot_be_run_by_hand(client, login_as, award):
    login_as("chen_office")
    response = client.post(reverse("subsidies:runs"), {"kind": "monthly", "period": "2099-01"})
    assert response.status_code == 400 and "不能计算未来的期间" in response.content.decode()


def test_the_batch_page_masks_ids_and_accounts_and_shows_one_line_per_payee(
    client, login_as, award, persona
):
    """Issue 17, item 6: the page never shows a full ID number or account (the approved
    payroll sheet does); one line per payee with the months it covers; the payroll link only
    once the batch is approved."""
    batch = PaymentBatch.objects.get()
    id_number = award.person.id_number
    assert batch.payments.count() == 2
    for username in ("sun_finance", "chen_office", "admin"):
        client.logout()
        login_as(username)
        response = client.get(reverse("subsidies:batch", args=[batch.pk]))
        body = response.content.decode()
        assert id_number not in body and "6217000011112222333" not in body, username
        assert "***************2333" in body and id_number[-4:] in body
        assert [line.months for line in response.context["lines"]] == ["2026年1月至2月"]
        assert "（共 2 个月）" in body
        assert reverse("subsidies:batch_export", args=[batch.pk]) not in body
        assert "批次审核后方可导出发放名单" in body
    services.approve_batch(batch=batch, by=persona("sun_finance"))
    body = client.get(reverse("subsidies:batch", args=[batch.pk])).content.decode()
    assert reverse("subsidies:batch_export", args=[batch.pk]) in body


def test_the_award_page_masks_the_payee_for_finance_and_not_for_the_office(client, login_as, award):
    id_number = award.person.id_number
    login_as("sun_finance")
    body = client.get(reverse("subsidies:award", args=[award.pk])).content.decode()
    assert id_number not in body and "6217000011112222333" not in body
    assert "***************2333" in body
    client.logout()
    login_as("chen_office")
    body = client.get(reverse("subsidies:award", args=[award.pk])).content.decode()
    assert id_number in body and "6217000011112222333" in body
