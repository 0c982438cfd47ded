"""An office keeps its rules in the browser: copy the version in force with a new allowance and
quota, read the comparison and the scenario table, submit; a second office user approves; a new
round uses the new version while the open round keeps the old one."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from portal.demo import DEMO_PASSWORD
from portal.models import Region, Role
from portal.roles import grant
from programmes.models import Programme, Round

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CODE = "songjiang-chief-technician"


def test_office_copies_changes_compares_and_a_colleague_approves(
    page, browser, live_server, sign_in, demo_people, django_user_model
):
    call_command("load_demo", stdout=io.StringIO())
    colleague = django_user_model.objects.create_user(
        "lin_office", password=DEMO_PASSWORD, real_name="林清"
    )
    grant(colleague, Role.DISTRICT_OFFICE, region=Region.objects.get(code="songjiang"))
    programme = Programme.objects.get(code=CODE)
    old = programme.latest_version
    open_rounds = list(Round.objects.filter(version=old).values_list("pk", flat=True))
    assert open_rounds

    sign_in("chen_office", DEMO_PASSWORD)
    page.get_by_role("link", name="松江区首席技师：规则管理").click()
    page.get_by_role("heading", name="松江区首席技师：规则版本").wait_for()
    page.get_by_role("link", name=f"复制第{old.number}版").click()
    page.get_by_label("工作津贴 金额（元）").fill("1200.00")
    page.get_by_label("名额（人）").fill("30")
    page.get_by_role("button", name="生成草稿").click()

    page.locator("#state").wait_for()
    assert page.locator("#state").inner_text() == "草稿"
    changes = page.locator("#changes").inner_text()
    assert "工作津贴" in changes and "1000.00" in changes and "1200.00" in changes
    assert "25" in changes and "30" in changes
    full_term = page.locator("#trials tr", has_text="songjiang-11-full-term.yaml")
    assert "有变化" in full_term.inner_text()
    assert "43200.00" in full_term.inner_text()
    eligibility_only = page.locator("#trials tr", has_text="songjiang-04-one-day-short.yaml")
    assert "不变" in eligibility_only.inner_text()
    page.get_by_role("button", name="提交审核").click()
    page.get_by_text("已提交审核").wait_for()
    assert page.locator("#state").inner_text() == "待审核"
    # The uploader is offered no approval.
    assert page.get_by_role("button", name="审核通过并生效").count() == 0
    draft_url = page.url

    second = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    other = second.new_page()
    other.goto(f"{live_server.url}/accounts/login/")
    other.get_by_label("用户名 / 手机号 / 邮箱").fill("lin_office")
    other.get_by_label("密码").fill(DEMO_PASSWORD)
    other.get_by_role("button", name="登录").click()
    other.wait_for_url("**/workbench/")
    other.goto(draft_url)
    other.get_by_role("button", name="审核通过并生效").click()
    other.get_by_text("该版本已生效").wait_for()
    assert other.locator("#state").inner_text() == "生效"
    other.get_by_role("link", name="用该版本开启申报批次").click()
    other.get_by_label("批次名称").fill("2028年度松江区首席技师选拔")
    other.get_by_label("年度").fill("2028")
    other.get_by_label("申报开始日期").fill("2028-03-01")
    other.get_by_label("申报截止日期").fill("2028-04-30")
    other.get_by_label("名额").fill("30")
    other.get_by_role("button", name="开启申报批次").click()
    other.get_by_text("已开启申报批次").wait_for()
    assert "2028年度松江区首席技师选拔" in other.locator("#versions").inner_text()
    second.close()

    new = programme.versions.get(number=old.number + 1)
    assert (
        new.state == "active"
        and new.approved_by == colleague
        and new.uploaded_by.username == "chen_office"
    )
    new_round = Round.objects.get(name="2028年度松江区首席技师选拔")
    assert new_round.version == new
    assert set(Round.objects.filter(pk__in=open_rounds).values_list("version", flat=True)) == {
        old.pk
    }
    assert (
        new_round.version.ruleset.benefits.schedules[0].amount
        != old.ruleset.benefits.schedules[0].amount
    )
