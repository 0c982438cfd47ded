"""In Chromium: the office starts a round's PDF batch, watches it finish on the real worker,
and downloads the zip."""

from __future__ import annotations

import os
import zipfile
from pathlib import Path

import pytest

from portal.demo import DEMO_PASSWORD
from tests.applications.test_pdf_batch import round_with_applications  # noqa: F401 (fixture)

pytestmark = [pytest.mark.browser, pytest.mark.celery]

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"

# Playwright's sync API runs an event loop in this thread; the ORM calls in between are sync.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture
def page(request):
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: run `make sysdeps` (apt-get install chromium)")
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"],
        )
        context = browser.new_context(locale="zh-CN", accept_downloads=True)
        page = context.new_page()
        page.set_default_timeout(15000)
        try:
            yield page
        finally:
            if getattr(request.node, "failed_in_call", False):
                ARTIFACTS.mkdir(parents=True, exist_ok=True)
                page.screenshot(path=str(ARTIFACTS / f"{request.node.name}.png"), full_page=True)
            browser.close()


def test_office_makes_and_downloads_a_round_batch(
    celery_worker,
    round_with_applications,  # noqa: F811
    live_server,
    page,
    request,
    tmp_path,
):
    round_, _chedun, apps = round_with_applications
    try:
        page.goto(f"{live_server.url}/accounts/login/")
        page.get_by_label("用户名 / 手机号 / 邮箱").fill("chen_office")
        page.get_by_label("密码").fill(DEMO_PASSWORD)
        page.get_by_role("button", name="登录").click()
        page.wait_for_url("**/workbench/")
        page.get_by_role("link", name="申报表导出").first.click()
        page.get_by_label("申报批次").select_option(label=round_.name)
        page.get_by_role("button", name="开始生成").click()
        page.wait_for_url("**/pdf-batches/*/")
        # the page refreshes itself until the worker has made the zip
        link = page.get_by_role("link", name="下载压缩包")
        link.wait_for(timeout=90000)
        assert "3 / 3" in page.locator(".progress").inner_text()
        with page.expect_download() as caught:
            link.click()
        path = tmp_path / "batch.zip"
        caught.value.save_as(path)
    except Exception:
        request.node.failed_in_call = True
        raise
    with zipfile.ZipFile(path) as archive:
        assert sorted(archive.namelist()) == sorted(
            f"2026-{a.pk:06d}-{a.applicant.real_name}.pdf" for a in apps[:3]
        )
