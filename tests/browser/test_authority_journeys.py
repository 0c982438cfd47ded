"""Issue 12 in Chromium: each authority's staff take one of its own applications through its
programme's workflow to naming, doing each stage's real work on the page, and its finance
approves the batch the award produces (which another authority's finance cannot see).

One test body over the four authorities. The application starts submitted (the declaration
in the browser is tested in test_declaration.py); the unit's own stages are recorded by its HR
through the services (in the browser in test_unit_hr.py); every staff stage is done on the page
by the demo account that acts there. The publicity runs its full length: the
working-day clock (`timezone.localdate`, which the live server thread shares) is moved past
its last day, as tests/subsidies/test_tasks.py moves it, never by sleeping.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

import pytest

from portal.demo import DEMO_PASSWORD, demo_id_number
from tests.reviews.conftest import (  # noqa: F401  (fixtures)
    make_applicant,
    make_application,
    make_round,
    programmes,
    units,
)
from tests.reviews.test_end_to_end import Actors, do_stage_work_and_pass

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@dataclass(frozen=True)
class Journey:
    programme: str
    office: str
    finance: str
    reviewers: dict  # acting role (and scope) -> demo account
    expert: str
    unit: str | None
    channel: str
    union: str | None = None
    street: str | None = None  # the residence street of an applicant without a unit
    # The run that first pays the award: its kind and the day it runs (beat's day), from the
    # award; None where the rule set pays nothing.
    run: tuple[str, Callable] | None = None
    other_finance: str = "sun_finance"


JOURNEYS = {
    "songjiang-hrss": Journey(
        programme="songjiang-chief-technician",
        office="chen_office",
        finance="sun_finance",
        reviewers={"street_reviewer": "zhao_street"},
        expert="expert_a",
        unit="songjiang_machinery",
        channel="unit",
        # 五(二): the allowance from the month after naming, paid by the month's run on the 1st
        run=("monthly", lambda award: award.term_start),
        other_finance="qingpu_finance",
    ),
    "qingpu-hrss": Journey(
        programme="qingpu-chief-technician-subsidy",
        office="qingpu_office",
        finance="qingpu_finance",
        reviewers={"street_reviewer": "qingpu_street"},
        expert="qingpu_expert",
        unit="qingpu_manufacturing",
        channel="unit",
        # 五(一)3: the one-time grant to the unit at naming, in the naming month's run
        run=("monthly", lambda award: award.named_on),
    ),
    "shanghai-ftu": Journey(
        programme="shanghai-craftsman",
        office="union_city",
        finance="union_finance",
        reviewers={"union_reviewer": "union_district"},
        expert="union_expert",
        unit="songjiang_school",
        channel="social_org",
        union="shanghai-mechanical-union",
        # 上海工匠: the notice sets no amount of money, so the award has no payment to approve.
        run=None,
    ),
    "shizhong-hrss": Journey(
        programme="shizhong-chief-technician",
        office="shizhong_office",
        finance="shizhong_finance",
        reviewers={"street_reviewer": "shizhong_street"},
        expert="shizhong_expert",
        unit=None,  # 第八条: a freelancer, nominated by the street of residence
        channel="self",
        street="shizhong-guangminglu",
        # 第四条: the allowance of a year paid in arrears, by January's annual run
        run=("annual", lambda award: date(award.term_start.year + 1, 1, 2)),
    ),
}


class Desks:
    """One signed-in browser context per account, opened when first needed."""

    def __init__(self, browser, base: str):
        self.browser, self.base, self.pages = browser, base, {}

    def __call__(self, username: str):
        if username not in self.pages:
            context = self.browser.new_context(
                locale="zh-CN", viewport={"width": 1280, "height": 900}
            )
            page = context.new_page()
            page.set_default_timeout(15000)
            page.goto(f"{self.base}/accounts/login/")
            page.get_by_label("用户名 / 手机号 / 邮箱").fill(username)
            page.get_by_label("密码").fill(DEMO_PASSWORD)
            page.get_by_role("button", name="登录").click()
            page.wait_for_url("**/workbench/")
            self.pages[username] = page
        return self.pages[username]

    def close(self):
        for page in self.pages.values():
            page.context.close()


def _submit(page, button):
    with page.expect_navigation():
        button.click()


def _refresh(app):
    app.refresh_from_db()
    return app


@pytest.mark.parametrize("authority", list(JOURNEYS))
def test_the_authoritys_staff_take_its_application_to_naming_and_its_finance_approves(
    authority, browser, live_server, request, monkeypatch, celery_worker
):
    from django.utils import timezone

    from applications.models import Application
    from portal.models import Region, Role, Union
    from reviews import services, workflow
    from reviews.models import Assignment, Publicity
    from reviews.permissions import route_of, ruleset_of
    from subsidies.models import Award, Payment, PaymentBatch, PaymentRun

    journey = JOURNEYS[authority]
    round_ = request.getfixturevalue("make_round")(journey.programme)
    assert round_.version.programme.authority.code == authority
    app = request.getfixturevalue("make_application")(
        round_,
        unit=journey.unit,
        channel=journey.channel,
        union=Union.objects.get(code=journey.union) if journey.union else None,
        real_name="旅程候选人",
    )
    # The person paid is named by ID number (the account's, verified at registration).
    app.applicant.id_number = demo_id_number("37040219800512345")
    app.applicant.save(update_fields=["id_number"])
    if journey.street:
        app.street = Region.objects.get(code=journey.street)
        app.save(update_fields=["street"])
    ruleset = ruleset_of(app)
    path = workflow.path(ruleset.workflow, route_of(app))
    assert app.stage == path[1].code if path[0].kind == "nomination" else path[0].code
    desks = Desks(browser, live_server.url)
    round_url = f"{live_server.url}/reviews/rounds/{round_.pk}/"
    today = timezone.localdate()
    done = []
    units_hr = Actors()

    def actor(stage) -> str:
        role = workflow.acting_role(ruleset.workflow, stage)
        if role == Role.UNION_REVIEWER and stage.scope == "union":
            return journey.reviewers["union_reviewer"]
        if role == Role.STREET_REVIEWER:
            return journey.reviewers["street_reviewer"]
        return journey.office

    try:
        for _ in range(len(path)):
            stage = ruleset.stage(_refresh(app).stage)
            if app.status != Application.Status.IN_REVIEW or stage.kind == "naming":
                break
            if stage.role == Role.UNIT_HR:
                # The unit's discussion and internal publicity (in the browser in
                # test_unit_hr.py), recorded by the unit's HR.
                do_stage_work_and_pass(app, stage, units_hr.for_stage(app, stage))
            elif stage.kind in workflow.EXPERT_KINDS:
                office = desks(journey.office)
                office.goto(round_url)
                row = office.locator(f'section[data-stage="{stage.code}"]').locator(
                    f'tr[data-application="{app.pk}"]'
                )
                row.get_by_label("指定评审专家").select_option(label=_display(journey.expert))
                _submit(office, row.get_by_role("button", name="指定"))
                assert office.get_by_text("已分配专家。").is_visible(), _alerts(office)
                assignment = Assignment.objects.get(application=app, panel__stage=stage.code)
                expert = desks(journey.expert)
                expert.goto(f"{live_server.url}/reviews/expert/")
                expert.locator(f'tr[data-assignment="{assignment.pk}"]').get_by_role(
                    "link", name="评分"
                ).click()
                for item in services.sheet_items(ruleset):
                    expert.fill(f'input[name="item_{item.code}"]', str(item.max_points))
                opinion = expert.get_by_label("评审意见")
                if opinion.count():
                    opinion.first.fill("技艺精湛，同意推荐")
                _submit(expert, expert.get_by_role("button", name="提交评分"))
                assert expert.get_by_text("评分已提交。").is_visible(), _alerts(expert)
                office.goto(round_url)
                section = office.locator(f'section[data-stage="{stage.code}"]')
                assert "100" in section.locator(f'tr[data-application="{app.pk}"]').inner_text()
                _submit(office, section.get_by_role("button", name="按排名确定入选"))
                assert office.get_by_text("已按排名确定入选人员。").is_visible(), _alerts(office)
            elif stage.kind == "credit_check":
                office = desks(journey.office)
                office.goto(round_url)
                section = office.locator(f'section[data-stage="{stage.code}"]')
                section.locator('select[name="result"]').select_option("pass")
                section.get_by_placeholder("查询编号").fill("XY-2026-001")
                _submit(office, section.get_by_role("button", name="记录"))
                assert office.get_by_text("已记录信用核查结果。").is_visible(), _alerts(office)
            elif stage.kind == "publicity":
                office = desks(journey.office)
                office.goto(round_url)
                section = office.locator(f'section[data-stage="{stage.code}"]')
                section.get_by_label("公示开始日期").fill(today.isoformat())
                _submit(office, section.get_by_role("button", name="开始公示"))
                assert office.get_by_text("公示已开始。").is_visible(), _alerts(office)
                publicity = Publicity.objects.get(round=round_, stage=stage.code)
                assert publicity.ends_on > today
                # Not before its last day is over ...
                section = office.locator(f'section[data-stage="{stage.code}"]')
                _submit(office, section.get_by_role("button", name="结束公示"))
                assert office.get_by_text(f"公示期至 {publicity.ends_on}").is_visible(), _alerts(
                    office
                )
                # ... and on the next day it closes, with no objection lodged; the journey
                # goes on from that day.
                today = publicity.ends_on + timedelta(days=1)
                _set_today(monkeypatch, today)
                section = office.locator(f'section[data-stage="{stage.code}"]')
                _submit(office, section.get_by_role("button", name="结束公示"))
                assert office.get_by_text("公示已结束").first.is_visible(), _alerts(office)
            else:
                page = desks(actor(stage))
                page.goto(f"{live_server.url}/reviews/applications/{app.pk}/")
                page.get_by_label("通过", exact=True).check()
                page.get_by_label("审核意见").fill("经审核，同意")
                meeting = page.get_by_label("会议日期或文件")
                if meeting.count():
                    meeting.fill(f"{today:%Y年%m月%d日}会议纪要")
                if page.get_by_label("公示开始日期").count():
                    page.get_by_label("公示开始日期").fill((today - timedelta(days=14)).isoformat())
                    page.get_by_label("公示结束日期").fill((today - timedelta(days=1)).isoformat())
                _submit(page, page.get_by_role("button", name="提交决定"))
                assert page.get_by_text("已提交：旅程候选人 通过").is_visible(), _alerts(page)
            moved = _refresh(app)
            assert moved.stage != stage.code or moved.status != Application.Status.IN_REVIEW, (
                stage.code,
                moved.status,
            )
            assert moved.status != Application.Status.REJECTED, stage.code
            done.append(stage.code)

        assert [s.code for s in path[1:-1]] == done, "every stage of the path, in order"
        assert app.status == Application.Status.APPROVED and app.stage == path[-1].code

        # Naming, by the office, on the round page.
        office = desks(journey.office)
        office.goto(round_url)
        assert "旅程候选人" in office.get_by_text("待命名：").inner_text()
        office.get_by_label("命名文件文号").fill("旅程〔2026〕1号")
        office.get_by_label("命名日期").fill(today.isoformat())
        _submit(office, office.get_by_role("button", name="命名", exact=True))
        assert office.get_by_text("已命名，相关人员将收到通知。").is_visible(), _alerts(office)
        assert "已命名 1 人" in office.content()
        assert _refresh(app).status == Application.Status.NAMED
        award = Award.objects.get(application=app)
        assert award.document_number == "旅程〔2026〕1号"
        assert award.events.filter(kind="named").exists()

        # The award's page, with its ledger, opens for the office.
        office.goto(f"{live_server.url}/subsidies/awards/{award.pk}/")
        assert office.get_by_text("旅程〔2026〕1号").first.is_visible()
        assert office.get_by_text("台账核对").first.is_visible()

        if journey.run is None:
            assert not award.payments.exists(), "the craftsman notice sets no amount of money"
            assert not PaymentBatch.objects.filter(authority__code=authority).exists()
            return

        # The run that pays the award, started by the office on its day (the clock moved
        # there, as beat would start it), done by the real worker.
        kind, run_on = journey.run
        today = run_on(award)
        _set_today(monkeypatch, today)
        office.goto(f"{live_server.url}/subsidies/runs/")
        office.get_by_label("类别").select_option(kind)
        office.get_by_label("期间").fill(f"{today:%Y-%m}" if kind == "monthly" else str(today.year))
        _submit(office, office.get_by_role("button", name="开始计算"))
        run = PaymentRun.objects.order_by("-pk").first()
        assert run is not None and run.authority.code == authority, _alerts(office)
        deadline = time.monotonic() + 60
        while _refresh(run).status not in ("done", "failed") and time.monotonic() < deadline:
            time.sleep(0.3)
        assert run.status == "done", (run.status, celery_worker.log.read_text()[-2000:])
        payments = Payment.objects.filter(award=award)
        assert payments.exists(), "the award's ledger holds its payments"
        batch = PaymentBatch.objects.get(payments__award=award)
        assert batch.authority.code == authority and batch.status == "draft"
        assert set(payments.values_list("batch_id", flat=True)) == {batch.pk}

        # Its finance approves the batch; another authority's finance neither lists nor opens it.
        finance = desks(journey.finance)
        finance.goto(f"{live_server.url}/subsidies/batches/")
        finance.locator(f'a[href$="/subsidies/batches/{batch.pk}/"]').first.click()
        finance.locator("#batch-status").get_by_text("待审核").wait_for()
        _submit(finance, finance.get_by_role("button", name="审核通过"))
        assert finance.get_by_text("批次已审核。").is_visible(), _alerts(finance)
        assert finance.locator("#batch-status").inner_text() == "已审核"
        batch.refresh_from_db()
        assert batch.status == "approved" and batch.approved_by.username == journey.finance
        other = desks(journey.other_finance)
        other.goto(f"{live_server.url}/subsidies/batches/")
        assert other.locator(f'a[href$="/subsidies/batches/{batch.pk}/"]').count() == 0
        response = other.goto(f"{live_server.url}/subsidies/batches/{batch.pk}/")
        assert response.status == 404
    finally:
        desks.close()


def _alerts(page) -> str:
    return " | ".join(page.locator(".alert").all_inner_texts())


def _display(username: str) -> str:
    from portal.models import User

    return User.objects.get(username=username).display_name


def _set_today(monkeypatch, day):
    """The day `timezone.localdate()` answers (for the test and the live server's thread)."""
    from django.utils import timezone

    real = timezone.localdate

    def localdate(value=None, timezone=None):
        return day if value is None else real(value, timezone)

    monkeypatch.setattr("django.utils.timezone.localdate", localdate)
