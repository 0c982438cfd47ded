"""The district office in the browser: the statistics with their charts and downloads."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from openpyxl import load_workbook

from portal.demo import DEMO_PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_office_reads_the_statistics_and_downloads_a_table(
    page, live_server, sign_in, demo_people, tmp_path, celery_worker
):
    call_command("load_demo", stdout=io.StringIO())
    sign_in("chen_office", DEMO_PASSWORD)
    page.get_by_role("link", name="统计分析").first.click()
    page.get_by_role("heading", name="统计分析").wait_for()
    # Charts are drawn by the local Chart.js: the canvases get a drawing size.
    canvas = page.locator('canvas[data-chart="streets"]')
    canvas.wait_for()
    # The page's scripts run after its markup: wait for Chart.js to have drawn this chart.
    page.wait_for_function(
        """() => typeof Chart === "function"
            && Chart.getChart(document.querySelector('canvas[data-chart="streets"]'))"""
    )
    assert canvas.evaluate("c => c.width") > 0
    streets = page.locator("#table-streets")
    assert "车墩镇" in streets.inner_text()
    with page.expect_download() as download:
        streets.get_by_role("link", name="下载 Excel").click()
    path = tmp_path / "streets.xlsx"
    download.value.save_as(path)
    assert [c.value for c in load_workbook(path).active[1]] == ["批次", "街道/镇/园区", "件数"]
    # One round at a time.
    page.locator("#round").select_option(label="2026年度松江区首席技师申报（演示）")
    page.wait_for_url("**/statistics/?round=*")
    assert "车墩镇" in page.locator("#table-streets").inner_text()


def test_the_street_passes_two_applications_in_one_go_and_sees_the_refused_one(
    page, live_server, sign_in, demo_people
):
    """Issue 17, item 5: select rows in the queue and pass them in one go, through the same
    service as one at a time; a row decided by someone else meanwhile is named with its reason,
    the others are done."""
    from portal.models import User
    from reviews import services
    from reviews.selectors import queue_for

    call_command("load_demo", stdout=io.StringIO())
    street = User.objects.get(username="zhao_street")
    waiting = list(queue_for(street).filter(stage="street_review").order_by("pk")[:3])
    assert len(waiting) >= 2, "the demo leaves applications at 车墩镇's street review"
    sign_in("zhao_street", DEMO_PASSWORD)
    page.goto(f"{live_server.url}/reviews/?stage=street_review")
    for app in waiting:
        page.locator(f"#select-{app.pk}").check()
    assert page.locator("[data-selected-count]").inner_text() == str(len(waiting))
    # someone else decides the first one after the page was shown
    services.decide(
        application=waiting[0],
        stage="street_review",
        outcome="pass",
        by=User.objects.get(username="admin"),
    )
    page.get_by_label("通过", exact=True).check()
    page.get_by_label("审核意见").fill("原件已核对")
    page.get_by_role("button", name="批量办理所选申报").click()
    page.get_by_text(f"已办理 {len(waiting) - 1} 件，未办理 1 件").wait_for()
    number = f"{waiting[0].round.year}-{waiting[0].pk:06d}"
    refused = page.get_by_text(f"（申报编号 {number}）未办理")
    assert "已被处理" in refused.inner_text()
    for app in waiting[1:]:
        app.refresh_from_db()
        assert app.stage != "street_review"
        assert app.events.filter(action="passed", actor=street, note="原件已核对").exists()


def test_the_office_finds_an_application_elsewhere_and_exports_the_list(
    page, live_server, sign_in, demo_people, tmp_path
):
    from applications.models import Application

    call_command("load_demo", stdout=io.StringIO())
    at_street = (
        Application.objects.filter(
            status="in_review",
            stage="street_review",
            round__version__programme__authority__code="songjiang-hrss",
        )
        .select_related("applicant")
        .order_by("pk")
        .first()
    )
    assert at_street is not None
    sign_in("chen_office", DEMO_PASSWORD)
    page.goto(f"{live_server.url}/reviews/")
    number = f"{at_street.round.year}-{at_street.pk:06d}"
    page.get_by_label("姓名/单位/申报编号").fill(number)
    page.get_by_role("button", name="筛选").click()
    row = page.locator(f'#queue tr[data-application="{at_street.pk}"]')
    row.wait_for()
    assert row.get_by_role("checkbox").count() == 0  # it waits at the street, not for the office
    with page.expect_download() as download:
        page.get_by_role("link", name="导出当前列表（xlsx）").click()
    path = tmp_path / "queue.xlsx"
    download.value.save_as(path)
    sheet = load_workbook(path).active
    assert sheet.cell(1, 1).value == "申报编号"
    assert at_street.applicant.display_name in [c.value for c in sheet["B"]]
