"""The staff queue's office tools through their pages (issue 17, item 5): each permission both
ways, the other authority's office answered 404, the export holding only rows in scope."""

from __future__ import annotations

from io import BytesIO

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from applications.models import Application
from reviews import services

pytestmark = pytest.mark.django_db

QUEUE = "/reviews/"
BATCH = "/reviews/batch/"
EXPORT = "/reviews/export.xlsx"


@pytest.fixture
def songjiang(make_round):
    return make_round("songjiang-chief-technician")


@pytest.fixture
def qingpu(make_round):
    return make_round("qingpu-chief-technician-subsidy")


def token(app):
    return f"{app.pk}:{app.stage}"


def test_the_urls_keep_their_names():
    assert reverse("reviews:queue_batch") == BATCH
    assert reverse("reviews:queue_export") == EXPORT


def test_the_queue_offers_checkboxes_for_what_waits_and_a_batch_form(
    songjiang, make_application, client, login_as
):
    waiting = make_application(songjiang, stage="street_review", real_name="王五")
    login_as("zhao_street")
    response = client.get(QUEUE)
    body = response.content.decode()
    assert f'value="{token(waiting)}"' in body
    assert "批量办理所选申报" in body and "导出当前列表（xlsx）" in body
    assert "指定专家" not in body  # only the organising office assigns experts
    assert "身份证号不能用于查找" in body


def test_the_batch_pass_through_the_page(songjiang, make_application, client, login_as):
    apps = [make_application(songjiang, stage="street_review") for _ in range(2)]
    login_as("zhao_street")
    response = client.post(
        BATCH,
        {
            "selected": [token(a) for a in apps],
            "action": "pass",
            "note": "原件核对无误",
            "back": "?sort=name",
        },
    )
    assert response.status_code == 302 and response.url == QUEUE + "?sort=name"
    for app in apps:
        app.refresh_from_db()
        assert app.stage == "material_review"
    page = client.get(response.url).content.decode()
    assert "批量通过：已办理 2 件。" in page


def test_a_refused_row_is_named_with_its_reason(
    songjiang, make_application, client, login_as, persona
):
    one, two = (make_application(songjiang, stage="street_review") for _ in range(2))
    services.decide(application=two, stage="street_review", outcome="pass", by=persona("admin"))
    login_as("zhao_street")
    response = client.post(
        BATCH, {"selected": [token(one), f"{two.pk}:street_review"], "action": "pass"}, follow=True
    )
    body = response.content.decode()
    assert "批量通过：已办理 1 件，未办理 1 件（原因见下）。" in body
    assert f"{songjiang.year}-{two.pk:06d}" in body and "已被处理" in body


def test_a_batch_return_without_a_field_is_refused_with_the_form_kept(
    songjiang, make_application, client, login_as
):
    app = make_application(songjiang, stage="street_review")
    login_as("zhao_street")
    response = client.post(
        BATCH, {"selected": [token(app)], "action": "return", "note": "请补正材料"}
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "至少指明一项需修改的字段或材料" in body and "请补正材料" in body
    assert f'value="{token(app)}" id="select-{app.pk}" aria-label' in body and "checked" in body
    app.refresh_from_db()
    assert app.status == Application.Status.IN_REVIEW
    response = client.post(
        BATCH,
        {
            "selected": [token(app)],
            "action": "return",
            "reason_field_0": "material.id_card",
            "reason_text_0": "身份证复印件不清晰",
        },
    )
    assert response.status_code == 302
    app.refresh_from_db()
    assert app.status == Application.Status.RETURNED


def test_another_authoritys_office_gets_404_and_nothing_changes(
    songjiang, qingpu, make_application, client, login_as
):
    theirs = make_application(songjiang, stage="material_review")
    mine = make_application(qingpu, unit="qingpu_manufacturing", stage="expert_review")
    login_as("qingpu_office")
    response = client.post(
        BATCH,
        {"selected": [token(mine), token(theirs)], "action": "pass", "meeting": "会议"},
    )
    assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.stage == "material_review" and theirs.status == "in_review"
    # another district's street too; the street that had it may open it but not decide at the
    # office's stage (its row is refused with the reason); the office of the programme may
    for username, code in [("qingpu_street", 404), ("zhao_street", 302), ("chen_office", 302)]:
        client.logout()
        login_as(username)
        response = client.post(
            BATCH,
            {"selected": [token(theirs)], "action": "pass", "meeting": "2026-05-10 协调小组会议"},
        )
        assert response.status_code == code, username
        theirs.refresh_from_db()
        assert (theirs.stage == "preliminary_list_approval") == (username == "chen_office")


@pytest.mark.parametrize(
    ("username", "code"),
    [
        ("li_ming", 403),
        ("wang_hr", 403),
        ("expert_a", 403),
        ("sun_finance", 403),
        ("zhao_street", 302),
        ("chen_office", 302),
        ("admin", 302),
    ],
)
def test_who_may_post_a_batch(username, code, client, login_as):
    login_as(username)
    # an empty selection: the roles that may are sent back with the reason
    assert client.post(BATCH, {"action": "pass"}).status_code == code
    assert client.get(EXPORT).status_code == (200 if code == 302 else 403)


def test_the_export_never_holds_another_authoritys_rows(
    songjiang, qingpu, make_application, client, login_as
):
    make_application(songjiang, stage="material_review", real_name="松江甲")
    make_application(qingpu, unit="qingpu_manufacturing", stage="expert_review", real_name="青浦乙")
    for username, names in [
        ("chen_office", ["松江甲"]),
        ("qingpu_office", ["青浦乙"]),
        ("admin", ["松江甲", "青浦乙"]),
    ]:
        client.logout()
        login_as(username)
        for query in ("", "?q=甲", "?q=乙", f"?programme={qingpu.version.programme.code}"):
            response = client.get(EXPORT + query)
            assert response.status_code == 200
            sheet = load_workbook(BytesIO(response.content)).active
            found = [row[1] for row in sheet.iter_rows(min_row=2, values_only=True)]
            assert set(found) <= set(names), (username, query, found)
        response = client.get(EXPORT)
        found = [
            r[1]
            for r in load_workbook(BytesIO(response.content)).active.iter_rows(
                min_row=2, values_only=True
            )
        ]
        assert sorted(found) == sorted(names), username


def test_the_filters_offer_only_own_programmes(songjiang, qingpu, client, login_as):
    login_as("chen_office")
    body = client.get(QUEUE).content.decode()
    assert songjiang.version.programme.name in body
    assert qingpu.version.programme.name not in body
    # a programme of another authority in the query is not applied (nor offered)
    response = client.get(QUEUE + f"?programme={qingpu.version.programme.code}")
    assert response.status_code == 200
    assert response.context["filters"].programme == ""


def test_the_search_lists_what_is_elsewhere_without_a_checkbox(
    songjiang, make_application, client, login_as
):
    at_street = make_application(songjiang, stage="street_review", real_name="欧阳修远")
    login_as("chen_office")
    body = client.get(QUEUE + "?q=欧阳").content.decode()
    assert "欧阳修远" in body and f'value="{token(at_street)}"' not in body
    assert "查看" in body


def test_the_workbench_links_to_the_flagged_queue(songjiang, make_application, client, login_as):
    from datetime import timedelta

    from django.utils import timezone

    late = make_application(songjiang, stage="street_review", real_name="迟到者")
    Application.objects.filter(pk=late.pk).update(
        stage_entered_at=timezone.now() - timedelta(days=40)
    )
    make_application(songjiang, stage="street_review", real_name="准时者")
    login_as("zhao_street")
    body = client.get("/workbench/").content.decode()
    assert "已逾期待办" in body and "?only=overdue" in body
    body = client.get(QUEUE + "?only=overdue").content.decode()
    assert "迟到者" in body and "准时者" not in body
