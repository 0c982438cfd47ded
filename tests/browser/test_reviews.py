"""In a real browser: a street reviewer passes one application and returns another; an expert
scores one and recuses from another."""

from __future__ import annotations

import pytest

from portal.demo import DEMO_PASSWORD
from tests.browser.conftest import wait_for_mail
from tests.reviews.conftest import (  # noqa: F401  (fixtures)
    experts,
    make_applicant,
    make_application,
    make_round,
    programmes,
    units,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_street_reviewer_passes_one_and_returns_another(
    page, live_server, sign_in, request, celery_worker
):
    from applications.models import Application
    from reviews.services import return_reasons

    new_round = request.getfixturevalue("make_round")
    new_application = request.getfixturevalue("make_application")
    round_ = new_round("songjiang-chief-technician")
    one = new_application(round_, stage="street_review", real_name="通过者")
    two = new_application(round_, stage="street_review", real_name="退回者")
    sign_in("zhao_street", DEMO_PASSWORD)
    page.goto(f"{live_server.url}/reviews/")
    page.locator(f'tr[data-application="{one.pk}"]').get_by_role("link", name="审核").click()
    page.get_by_label("通过", exact=True).check()
    page.get_by_label("审核意见").fill("原件与复印件核对一致")
    page.get_by_role("button", name="提交决定").click()
    assert page.get_by_text("已提交：通过者 通过").is_visible()

    page.locator(f'tr[data-application="{two.pk}"]').get_by_role("link", name="审核").click()
    page.get_by_label("退回修改", exact=True).check()
    page.select_option('select[name="reason_field_0"]', "person.name")
    page.fill('input[name="reason_text_0"]', "姓名与身份证不一致")
    page.get_by_role("button", name="提交决定").click()
    assert page.get_by_text("已提交：退回者 退回修改").is_visible()

    one.refresh_from_db()
    two.refresh_from_db()
    assert one.stage == "material_review"
    assert two.status == Application.Status.RETURNED
    assert return_reasons(two) == {"person.name": "姓名与身份证不一致"}
    if two.applicant.email:  # told by mail, sent by the real Celery worker
        wait_for_mail(celery_worker, "姓名与身份证不一致")


def test_expert_scores_one_and_recuses_from_another(
    page, live_server, sign_in, request, celery_worker
):
    from portal.models import User
    from reviews import services
    from reviews.models import Assignment

    new_round = request.getfixturevalue("make_round")
    new_application = request.getfixturevalue("make_application")
    request.getfixturevalue("experts")
    round_ = new_round("songjiang-chief-technician")
    office = User.objects.get(username="chen_office")
    expert = User.objects.get(username="expert_a")
    scored = new_application(round_, unit="songjiang_training", stage="expert_scoring")
    recused = new_application(round_, unit="songjiang_training", stage="expert_scoring")
    first = services.assign_expert(application=scored, expert=expert, by=office)
    second = services.assign_expert(application=recused, expert=expert, by=office)
    items = services.sheet_items(round_.version.ruleset)

    sign_in("expert_a", DEMO_PASSWORD)
    page.goto(f"{live_server.url}/reviews/expert/")
    page.locator(f'tr[data-assignment="{first.pk}"]').get_by_role("link", name="评分").click()
    for item in items:
        page.fill(
            f'input[name="item_{item.code}"]',
            str(item.max_points - (1 if item.code == "A3" else 0)),
        )
    page.get_by_label("评审意见").first.fill("技术精湛，带徒成效显著")
    page.get_by_role("button", name="提交评分").click()
    assert page.get_by_text("评分已提交。").is_visible()

    page.locator(f'tr[data-assignment="{second.pk}"]').get_by_role("link", name="评分").click()
    page.get_by_label("回避理由").fill("申报人系本人近亲属")
    page.get_by_role("button", name="申明回避").click()
    assert page.get_by_text("已申明回避").first.is_visible()

    first.refresh_from_db()
    assert first.sheet.submitted and first.sheet.total == 99
    assert Assignment.objects.get(pk=second.pk).status == "recused"
