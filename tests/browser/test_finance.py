"""Finance approves a month's payments and exports the payroll, in the browser."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from openpyxl import load_workbook

from portal.demo import DEMO_PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_finance_approves_and_exports_a_batch(
    page, live_server, sign_in, demo_people, tmp_path, celery_worker
):
    from subsidies.models import PaymentBatch

    call_command("load_demo", stdout=io.StringIO())
    sign_in("sun_finance", DEMO_PASSWORD)
    page.get_by_role("link", name="资金发放").first.click()
    waiting = page.locator("tr", has_text="待审核").first
    href = waiting.get_by_role("link").first.get_attribute("href")
    batch = PaymentBatch.objects.get(pk=int(href.rstrip("/").rsplit("/", 1)[1]))
    assert batch.status == "draft", "the demo awards leave draft batches for finance"
    waiting.get_by_role("link").first.click()
    assert page.locator("#batch-status").inner_text() == "待审核"
    page.get_by_role("button", name="审核通过").click()
    page.locator("#batch-status").get_by_text("已审核").wait_for()
    with page.expect_download() as download:
        page.get_by_role("link", name="导出发放名单（xlsx）").click()
    path = tmp_path / "payroll.xlsx"
    download.value.save_as(path)
    sheet = load_workbook(path).active
    headers = [c.value for c in sheet[1]]
    assert any("金额" in str(h) for h in headers)
    assert sheet.max_row >= 2
    batch.refresh_from_db()
    assert batch.status == "approved" and batch.approved_by.username == "sun_finance"


def test_the_batch_page_shows_one_masked_line_per_payee_and_the_payroll_only_once_approved(
    page, live_server, sign_in, demo_people
):
    """Issue 17, item 6: ID numbers and accounts masked on the page (in full only in the
    approved payroll), one line per payee with the months it covers, the payroll link after
    approval."""
    from subsidies.batch_payees import payee_lines
    from subsidies.models import PaymentBatch

    call_command("load_demo", stdout=io.StringIO())
    batch = (
        PaymentBatch.objects.filter(status="draft", authority__code="songjiang-hrss")
        .order_by("pk")
        .first()
    )
    assert batch is not None
    lines = payee_lines(batch.payments.select_related("award__person", "award__unit"))
    sign_in("sun_finance", DEMO_PASSWORD)
    page.goto(f"{live_server.url}/subsidies/batches/{batch.pk}/")
    table = page.locator("#batch-payees")
    text = table.inner_text()
    assert table.locator("tbody tr").count() == len(lines)
    for line in lines:
        if line.id_number:
            assert line.id_number not in text and line.masked_id_number in text
        if line.account:
            assert line.account not in text and line.masked_account in text
        assert line.months in text
    assert page.get_by_role("link", name="导出发放名单（xlsx）").count() == 0
    assert page.get_by_text("批次审核后方可导出发放名单").is_visible()
    page.get_by_role("button", name="审核通过").click()
    page.locator("#batch-status").get_by_text("已审核").wait_for()
    assert page.get_by_role("link", name="导出发放名单（xlsx）").is_visible()
