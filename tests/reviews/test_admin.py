"""The applications in the admin: scoped list with filters, read-only file, actions through the
same services and permissions; credit results imported from xlsx."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse
from openpyxl import Workbook

from applications.models import Application
from reviews.models import Assignment, CreditCheck
from reviews.services import return_reasons

CHANGELIST = "admin:applications_application_changelist"


@pytest.fixture
def songjiang(make_round):
    return make_round("songjiang-chief-technician")


def test_office_sees_its_districts_applications_with_filters(
    songjiang, make_round, make_application, client, login_as
):
    ours = make_application(songjiang, stage="material_review", real_name="松江甲")
    theirs = make_application(
        make_round("shizhong-chief-technician"), unit="shizhong_works", real_name="市中乙"
    )
    login_as("chen_office")
    url = reverse(CHANGELIST)
    body = client.get(url).content.decode()
    assert "松江甲" in body and "市中乙" not in body
    for query in (
        "?programme=songjiang-chief-technician",
        f"?round__id__exact={songjiang.pk}",
        "?stage=material_review",
        f"?street__id__exact={ours.street_id}",
        f"?unit__id__exact={ours.unit_id}",
    ):
        response = client.get(url + query)
        assert response.status_code == 200 and "松江甲" in response.content.decode(), query
    assert "松江甲" not in client.get(url + "?stage=street_review").content.decode()
    change = reverse("admin:applications_application_change", args=[ours.pk])
    page = client.get(change)
    assert page.status_code == 200
    text = page.content.decode()
    assert "办理记录" in text and "申报内容" in text and 'name="_save"' not in text
    other = reverse("admin:applications_application_change", args=[theirs.pk])
    assert client.get(other).status_code in (302, 404)


def test_admin_actions_call_the_services(songjiang, make_application, experts, client, login_as):
    one = make_application(songjiang, stage="material_review")
    two = make_application(songjiang, stage="material_review")
    street = make_application(songjiang, stage="street_review")
    login_as("chen_office")
    url = reverse(CHANGELIST)
    client.post(url, {"action": "pass_selected", "_selected_action": [one.pk, street.pk]})
    one.refresh_from_db()
    street.refresh_from_db()
    assert one.stage == "preliminary_list_approval"
    assert street.stage == "street_review"  # the street's stage is not the office's to decide
    # return asks for a reason first
    response = client.post(url, {"action": "return_selected", "_selected_action": [two.pk]})
    assert response.status_code == 200 and "理由" in response.content.decode()
    # a return names what to fix (issue 17): without a field or material nothing happens
    client.post(
        url,
        {"action": "return_selected", "_selected_action": [two.pk], "apply": "1", "note": "补材料"},
    )
    two.refresh_from_db()
    assert two.status == Application.Status.IN_REVIEW
    client.post(
        url,
        {
            "action": "return_selected",
            "_selected_action": [two.pk],
            "apply": "1",
            "target": "material.id_card",
            "reason": "身份证复印件不清晰",
            "note": "补材料",
        },
    )
    two.refresh_from_db()
    assert two.status == Application.Status.RETURNED
    assert return_reasons(two) == {"material.id_card": "身份证复印件不清晰"}
    one.stage = "expert_scoring"
    one.save()
    client.post(
        url,
        {
            "action": "assign_experts",
            "_selected_action": [one.pk],
            "apply": "1",
            "experts": [experts[0].pk],
            "draw": 2,
            "seed": "admin-seed",
        },
    )
    assigned = Assignment.objects.filter(application=one)
    assert assigned.filter(method="draw").count() == 2
    assert assigned.filter(expert=experts[0]).exists()


def test_staff_without_admin_access_are_sent_to_sign_in(client, login_as, demo_people):
    login_as("zhao_street")
    response = client.get(reverse(CHANGELIST))
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_credit_results_imported_from_xlsx(songjiang, make_application, client, login_as):
    good = make_application(songjiang, stage="credit_check")
    failing = make_application(songjiang, stage="credit_check")
    early = make_application(songjiang, stage="material_review")
    book = Workbook()
    sheet = book.active
    sheet.append(["申报编号", "核查结果", "查询编号"])
    sheet.append([good.pk, "通过", "XY-001"])
    sheet.append([failing.pk, "不通过", "XY-002"])
    sheet.append([early.pk, "通过", "XY-003"])
    sheet.append(["abc", "通过", ""])
    buffer = io.BytesIO()
    book.save(buffer)
    buffer.seek(0)
    buffer.name = "credit.xlsx"
    login_as("chen_office")
    response = client.post(
        reverse("admin:reviews_creditcheck_import"), {"file": buffer}, follow=True
    )
    body = response.content.decode()
    assert "已导入 2 条" in body
    assert "第4行" in body and "第5行" in body
    good.refresh_from_db()
    failing.refresh_from_db()
    assert good.stage == "selection_list_approval"
    assert failing.status == Application.Status.REJECTED
    assert CreditCheck.objects.count() == 2


def test_expert_pool_imported_from_a_sheet(experts, units):
    import tablib

    from reviews.models import ExpertProfile
    from reviews.resources import ExpertProfileResource

    data = tablib.Dataset(headers=["用户名", "专业领域", "职称/技能等级", "工作单位", "在库"])
    data.append(["expert_a", "数控加工", "正高级工程师", "上海松江精密机械有限公司", "是"])
    data.append(["nobody", "焊接", "", "", "是"])
    result = ExpertProfileResource().import_data(data, dry_run=True)
    assert result.has_validation_errors() or result.has_errors()
    problems = str(
        [row.error for row in result.invalid_rows]
        + [e.error for _, errs in result.row_errors() for e in errs]
    )
    assert "找不到用户名为“nobody”的账号" in problems
    data = tablib.Dataset(headers=["用户名", "专业领域", "职称/技能等级", "工作单位", "在库"])
    data.append(["expert_a", "数控加工", "正高级工程师", "上海松江精密机械有限公司", "否"])
    result = ExpertProfileResource().import_data(data, dry_run=False)
    assert not result.has_errors() and not result.has_validation_errors()
    profile = ExpertProfile.objects.get(user__username="expert_a")
    assert (
        profile.fields_of_expertise == "数控加工" and profile.unit == units["songjiang_machinery"]
    )
    assert profile.active is False
