"""Screenshots of the main pages for the README, taken from a running demo.

    make demo   # in another terminal (or any server with the demo data)
    .venv/bin/python scripts/screenshots.py [http://127.0.0.1:8000]

Writes docs/screenshots/*.png with Debian's Chromium (/usr/bin/chromium).
"""

from __future__ import annotations

import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

OUT = Path(__file__).resolve().parents[1] / "docs" / "screenshots"
PASSWORD = "Demo@2026"  # noqa: S105 (the demo accounts, published in the README)


def shoot(page, base: str, username: str | None, path: str, name: str, full=False) -> None:
    if username:
        page.context.clear_cookies()
        page.goto(f"{base}/accounts/login/")
        page.get_by_label("用户名 / 手机号 / 邮箱").fill(username)
        page.get_by_label("密码").fill(PASSWORD)
        page.get_by_role("button", name="登录").click()
        page.wait_for_url("**/workbench/")
    page.goto(base + path)
    page.wait_for_load_state("networkidle")
    page.screenshot(path=str(OUT / f"{name}.png"), full_page=full)
    print(f"{name}.png  {path}")


def main(base: str) -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox"])
        page = browser.new_page(locale="zh-CN", viewport={"width": 1280, "height": 860})
        shoot(page, base, None, "/", "home")
        shoot(page, base, "li_ming", "/workbench/", "workbench-applicant")
        # A draft still being filled in: 李明's, else 顾敏's training-base declaration.
        for username in ("li_ming", "gu_base"):
            shoot(page, base, username, "/applications/", "applications")
            edit = page.locator("a", has_text="继续填写").first
            if edit.count():
                shoot(page, base, None, edit.get_attribute("href"), "declaration")
                break
        (OUT / "applications.png").unlink(missing_ok=True)
        shoot(page, base, "wang_hr", "/unit/nominations/", "unit-nominations")
        shoot(page, base, "zhao_street", "/reviews/", "street-queue")
        shoot(page, base, "chen_office", "/statistics/", "statistics")
        shoot(page, base, "sun_finance", "/subsidies/batches/", "finance-batches")
        browser.close()


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:8000")
