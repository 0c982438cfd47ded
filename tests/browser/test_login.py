"""A person signs in with a real browser and sees their workbench."""

from __future__ import annotations

import pytest

from portal.demo import DEMO_PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_applicant_signs_in_and_sees_the_workbench(page, live_server, sign_in, demo_people):
    page.goto(live_server.url + "/")
    assert "人才项目申报管理平台" in page.title()
    sign_in("li_ming", DEMO_PASSWORD)
    heading = page.get_by_role("heading", name="我的工作台")
    assert heading.is_visible()
    assert page.locator('[data-role="applicant"]').is_visible()
    # static assets are served locally: Bootstrap's styles applied
    navbar_bg = page.locator("nav.navbar").evaluate("e => getComputedStyle(e).display")
    assert navbar_bg == "flex"


def test_wrong_password_shows_chinese_error(page, live_server, demo_people):
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("用户名 / 手机号 / 邮箱").fill("li_ming")
    page.get_by_label("密码").fill("not-the-password")
    page.get_by_role("button", name="登录").click()
    assert page.get_by_text("用户名或密码不正确").is_visible()
    assert page.get_by_label("用户名 / 手机号 / 邮箱").input_value() == "li_ming"
