"""In a real browser: the office watches a run's progress page update itself.

The browser is driven from a thread of its own (its own Playwright, not the session's of
tests/browser), while this thread does what the worker does.
"""

from __future__ import annotations

import threading
from datetime import date
from pathlib import Path

import pytest

from portal.demo import DEMO_PASSWORD
from subsidies import ledger, services

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"


def _drive(url: str, opened: threading.Event, finished: threading.Event, seen: dict) -> None:
    from playwright.sync_api import expect, sync_playwright

    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(
                executable_path=CHROMIUM,
                headless=True,
                args=["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"],
            )
            page = browser.new_context(locale="zh-CN").new_page()
            page.set_default_timeout(15000)
            try:
                page.goto(f"{url}/accounts/login/")
                page.get_by_label("用户名 / 手机号 / 邮箱").fill("chen_office")
                page.get_by_label("密码").fill(DEMO_PASSWORD)
                page.get_by_role("button", name="登录").click()
                page.wait_for_url("**/workbench/")
                page.goto(seen["run_url"])
                seen["before"] = page.locator("#run-status").inner_text()
                opened.set()
                finished.wait(30)
                # Playwright's locator assertions, not wait_for_function: the page's CSP (no
                # eval) would refuse a predicate compiled from a string.
                expect(page.locator("#run-status")).to_have_text("已完成", timeout=15000)
                seen["result"] = page.locator("#run-result").inner_text()
                seen["bar"] = page.locator("#run-bar").inner_text()
                page.get_by_role("link", name="查看发放批次").click()
                seen["batch_link"] = page.get_by_role("link", name="2026-03").is_visible()
            except Exception:
                ARTIFACTS.mkdir(parents=True, exist_ok=True)
                page.screenshot(path=str(ARTIFACTS / "subsidies_run_page.png"), full_page=True)
                raise
            finally:
                browser.close()
    except Exception as exc:  # reported to the test's thread
        seen["error"] = repr(exc)
    finally:
        opened.set()


def test_the_run_page_follows_the_run(live_server, award_for):
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: run `make sysdeps` (apt-get install chromium)")
    award_for("songjiang-chief-technician", date(2025, 12, 10))
    from portal.models import Authority, User

    # The office's own run (its authority's awards): beat's runs are the system admin's to watch.
    run = services.start_run(
        kind="monthly",
        period="2026-03",
        enqueue=False,
        by=User.objects.get(username="chen_office"),
        authority=Authority.objects.get(code="songjiang-hrss"),
    )
    opened, finished = threading.Event(), threading.Event()
    seen = {"run_url": f"{live_server.url}/subsidies/runs/{run.pk}/"}
    driver = threading.Thread(target=_drive, args=(live_server.url, opened, finished, seen))
    driver.start()
    assert opened.wait(60)
    ledger.execute_run(run)  # as the worker would, while the page polls
    finished.set()
    driver.join(60)
    assert "error" not in seen, seen.get("error")
    assert seen["before"] == "排队中"
    assert (seen["result"], seen["bar"]) == ("新增 3 笔，已存在 0 笔", "100%")
    assert seen["batch_link"]
