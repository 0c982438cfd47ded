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
    assert page.evaluate("() => typeof Chart") == "function"
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
