"""Nothing typed is lost: the login expires while the applicant types, they sign in again and
find their text restored from the browser and saved to the server."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from portal.demo import DEMO_PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_text_typed_after_the_login_expired_is_restored(page, live_server, sign_in, demo_people):
    from applications import services
    from portal.models import Unit, User
    from programmes.models import Round

    call_command("load_programmes", stdout=io.StringIO())
    call_command("open_demo_rounds", stdout=io.StringIO())
    round = Round.objects.get(version__programme__code="songjiang-chief-technician")
    application = services.start_application(
        round=round,
        by=User.objects.get(username="li_ming"),
        channel="unit",
        unit=Unit.objects.get(name__contains="松江精密"),
    )
    sign_in("li_ming", DEMO_PASSWORD)
    page.goto(f"{live_server.url}/applications/{application.pk}/edit/")
    page.locator('[name="person-name"]').fill("李明")
    page.wait_for_function(
        "() => document.getElementById('save-state').textContent.includes('已自动保存')"
    )
    # The session ends (expired, or signed out in another tab) while they go on typing.
    page.context.clear_cookies(name="sessionid")
    text = "在数控加工一线工作二十年，带徒十二名。"
    page.locator('[name="achievements-summary"]').fill(text)
    banner = page.locator("#offline-banner")
    banner.get_by_text("登录已过期").wait_for()
    application.refresh_from_db()
    assert not application.data.get("achievements", {}).get("summary")
    # Signing in again and coming back restores the text and saves it.
    banner.get_by_role("link", name="重新登录").click()
    page.get_by_label("用户名 / 手机号 / 邮箱").fill("li_ming")
    page.get_by_label("密码").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(f"**/applications/{application.pk}/edit/")
    assert page.locator('[name="achievements-summary"]').input_value() == text
    page.wait_for_function(
        "() => document.getElementById('save-state').textContent.includes('已自动保存')"
    )
    application.refresh_from_db()
    assert application.data["achievements"]["summary"] == text
    assert application.data["person"]["name"] == "李明"


def test_text_typed_while_offline_is_saved_when_the_network_returns(
    page, live_server, sign_in, demo_people
):
    from applications import services
    from applications.models import Application
    from portal.models import Unit, User
    from programmes.models import Round

    call_command("load_programmes", stdout=io.StringIO())
    call_command("open_demo_rounds", stdout=io.StringIO())
    round = Round.objects.get(version__programme__code="songjiang-chief-technician")
    application = services.start_application(
        round=round,
        by=User.objects.get(username="li_ming"),
        channel="unit",
        unit=Unit.objects.get(name__contains="松江精密"),
    )
    sign_in("li_ming", DEMO_PASSWORD)
    page.goto(f"{live_server.url}/applications/{application.pk}/edit/")
    page.context.set_offline(True)
    text = "主持攻克液压阀体加工难题。"
    page.locator('[name="achievements-summary"]').fill(text)
    page.locator("#offline-banner").get_by_text("网络连接中断").wait_for()
    page.context.set_offline(False)
    page.wait_for_function(
        "() => document.getElementById('save-state').textContent.includes('已自动保存')"
    )
    application = Application.objects.get(pk=application.pk)
    assert application.data["achievements"]["summary"] == text
