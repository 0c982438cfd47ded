"""Unit HR nominates a colleague in the browser: discussion, then a week of publicity."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from portal.demo import DEMO_PASSWORD
from tests.browser.conftest import wait_for_mail

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_unit_hr_nominates_within_the_rules(page, live_server, sign_in, demo_people, celery_worker):
    from applications.models import Application

    call_command("load_demo", stdout=io.StringIO())
    application = Application.objects.get(
        applicant__username="li_ming", round__version__programme__code="songjiang-chief-technician"
    )
    assert application.stage == "unit_discussion"
    sign_in("wang_hr", DEMO_PASSWORD)
    page.get_by_role("link", name="单位推荐").first.click()
    row = page.locator("tr", has_text="李明")
    row.get_by_role("link", name="办理").click()
    today = timezone.localdate()
    page.get_by_label("集体讨论日期").fill((today - timedelta(days=10)).isoformat())
    page.get_by_label("讨论情况（参加人员、表决结果）").fill("班子成员7人参加，一致同意推荐李明")
    page.get_by_label("同意推荐").check()
    page.get_by_role("button", name="确认").click()
    page.get_by_text("已办理").wait_for()
    # The publicity: six days is refused with the reason, and what was typed stays.
    page.locator("tr", has_text="李明").get_by_role("link", name="办理").click()
    start = today - timedelta(days=9)
    page.get_by_label("公示开始日期").fill(start.isoformat())
    page.get_by_label("公示结束日期").fill((start + timedelta(days=5)).isoformat())
    page.get_by_label("公示期间的异议及处理情况（无异议填“无”）").fill("无")
    page.get_by_label("公示无异议，报送街镇/主管部门").check()
    page.get_by_role("button", name="确认").click()
    assert page.get_by_text("只有6天").is_visible()
    assert page.get_by_label("公示期间的异议及处理情况（无异议填“无”）").input_value() == "无"
    page.get_by_label("公示结束日期").fill((start + timedelta(days=6)).isoformat())
    page.get_by_role("button", name="确认").click()
    page.get_by_text("已办理").wait_for()
    application.refresh_from_db()
    assert application.stage == "street_review"
    assert application.nomination.discussion_note.startswith("班子成员7人")
    # 李明 is told of each step by mail, sent by the real Celery worker.
    wait_for_mail(celery_worker, "单位集体讨论")
