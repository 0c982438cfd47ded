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


# --- the round page: the draw, the dropdown, the ranking's warning -------------------------


def _row(body: str, app) -> str:
    start = body.index(f'data-application="{app.pk}"')
    return body[start : body.index("</tr>", start)]


def test_the_round_page_offers_only_the_pool_and_explains_the_seed(
    songjiang, make_application, experts, persona, client, login_as
):
    office = persona("chen_office")
    machinery = make_application(songjiang, stage="expert_scoring")  # expert_b's unit
    training = make_application(songjiang, unit="songjiang_training", stage="expert_scoring")
    recused = services.assign_expert(application=training, expert=experts[2], by=office)
    services.recuse(assignment=recused, by=experts[2], reason="师徒关系")
    login_as("chen_office")
    body = client.get(reverse("reviews:office_round", args=[songjiang.pk])).content.decode()
    # the five pool experts: expert_b is of the machinery company, expert_pool0 recused
    row = _row(body, machinery)
    assert persona("expert_b").display_name not in row.split("</select>")[0]
    assert 'max="4"' in row and 'value="3"' in row and "可抽 4 人" in row
    row = _row(body, training)
    options = row.split("<select")[1].split("</select>")[0]
    assert experts[2].display_name not in options and persona("expert_b").display_name in options
    assert 'max="4"' in row
    assert "可复现同样的抽取结果" in body and "审计" in body
    # the balanced assignment offers at most what the smallest pool allows
    assert 'name="per_application" value="3" min="1" max="4"' in body


def test_a_small_pool_is_offered_as_it_is(songjiang, make_application, persona, client, login_as):
    from portal.models import Role, User
    from portal.roles import grant
    from reviews.models import ExpertProfile

    for n in range(2):
        user = User.objects.create(username=f"small_pool{n}", real_name=f"库内专家{n}")
        grant(user, Role.EXPERT)
        ExpertProfile.objects.create(user=user, fields_of_expertise="机械")
    app = make_application(songjiang, unit="songjiang_training", stage="expert_scoring")
    login_as("chen_office")
    body = client.get(reverse("reviews:office_round", args=[songjiang.pk])).content.decode()
    row = _row(body, app)
    assert 'value="2" min="1" max="2"' in row and "可抽 2 人" in row
    ExpertProfile.objects.update(active=False)
    body = client.get(reverse("reviews:office_round", args=[songjiang.pk])).content.decode()
    assert "专家库中已无可抽取的专家" in _row(body, app)


def test_the_ranking_warns_of_fewer_sheets_than_the_panel_asks(
    songjiang, make_application, experts, persona, client, login_as
):
    office = persona("chen_office")
    app = make_application(songjiang, unit="songjiang_training", stage="expert_scoring")
    other = make_application(songjiang, unit="songjiang_school", stage="expert_scoring")
    full = {i.code: i.max_points for i in services.sheet_items(songjiang.version.ruleset)}
    for target, count in ((app, 3), (other, 1)):
        services.draw_experts(application=target, count=count, by=office, seed="s")
    first = app.expert_assignments.order_by("pk").first()
    services.save_scores(assignment=first, by=first.expert, points=full, submit=True)
    lone = other.expert_assignments.get()
    services.save_scores(assignment=lone, by=lone.expert, points=full, submit=True)
    login_as("chen_office")
    body = client.get(reverse("reviews:office_round", args=[songjiang.pk])).content.decode()
    warning = body[body.index('id="sheets-short-expert_scoring"') :].split("</div>")[0]
    assert app.applicant.display_name in warning and "已交 1 份，应交 3 份" in warning
    assert other.applicant.display_name not in warning
    assert 'data-sheets="1/3"' in _row(body, app) and "（不足）" in _row(body, app)
    assert 'data-sheets="1/1"' in _row(body, other)
