"""The expert's, the office's and the public pages, driven through the client."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from programmes.selectors import working_day_calendar
from reviews import services
from reviews.models import Assignment, Objection, Publicity
from subsidies.models import Award


@pytest.fixture
def songjiang(make_round):
    return make_round("songjiang-chief-technician", quota=1)


def test_expert_scores_without_seeing_identity_and_can_recuse(
    songjiang, make_application, experts, persona, client, login_as
):
    app = make_application(
        songjiang,
        unit="songjiang_training",
        stage="expert_scoring",
        data={
            "person": {"name": "张工", "id_number": "310104197503151019", "mobile": "13812345678"}
        },
    )
    other = make_application(songjiang, unit="songjiang_training", stage="expert_scoring")
    office = persona("chen_office")
    one = services.assign_expert(application=app, expert=persona("expert_a"), by=office)
    two = services.assign_expert(application=other, expert=persona("expert_a"), by=office)
    services.assign_expert(application=other, expert=experts[2], by=office)
    colleague = services.assign_expert(application=app, expert=experts[2], by=office)
    colleague_points = {
        i.code: i.max_points for i in services.sheet_items(songjiang.version.ruleset)
    }
    colleague_points["A3"] = "7.25"
    services.save_scores(assignment=colleague, by=experts[2], points=colleague_points, submit=True)
    login_as("expert_a")
    page = client.get(reverse("reviews:expert_queue")).content.decode()
    assert reverse("reviews:score", args=[one.pk]) in page
    body = client.get(reverse("reviews:score", args=[one.pk])).content.decode()
    assert "张工" in body and "310104" not in body and "身份证" not in body
    assert "13812345678" not in body
    assert "97.25" not in body and "专家0" not in body  # never another expert's score
    # above an item's maximum: refused next to the field, what was typed kept
    post = {f"item_{k}": v for k, v in {"A1": 6, "A2": 4}.items()} | {"opinion": "很好", "save": ""}
    response = client.post(reverse("reviews:score", args=[one.pk]), post)
    assert response.status_code == 400
    assert (
        "得分不能超过该项满分5分" in response.content.decode()
        and "很好" in response.content.decode()
    )
    full = {
        "A1": 5, "A2": 5, "A3": 10, "B1": 10, "B2": 10, "B3": 10, "C1": 10, "C2": 10,
        "D1": 5, "E1": 5, "F1": 10, "G1": 5, "H1": 5,
    }  # fmt: skip
    response = client.post(
        reverse("reviews:score", args=[one.pk]),
        {f"item_{k}": v for k, v in full.items()} | {"submit": ""},
    )
    assert response.status_code == 302
    one.refresh_from_db()
    assert one.sheet.submitted and one.sheet.total == 100
    # recuse from the other with a reason
    response = client.post(reverse("reviews:recuse", args=[two.pk]), {"reason": ""})
    assert response.status_code == 400 and "请说明需要回避的原因" in response.content.decode()
    response = client.post(reverse("reviews:recuse", args=[two.pk]), {"reason": "近亲属"})
    assert response.status_code == 302
    assert Assignment.objects.get(pk=two.pk).status == "recused"
    # another expert's assignment does not exist for expert_a
    theirs = Assignment.objects.get(application=other, expert=experts[2])
    assert client.get(reverse("reviews:score", args=[theirs.pk])).status_code == 404


def test_office_round_page_ranks_and_names(
    songjiang, make_application, experts, persona, client, login_as
):
    app = make_application(songjiang, unit="songjiang_training", stage="expert_scoring")
    office = persona("chen_office")
    login_as("chen_office")
    url = reverse("reviews:office_round", args=[songjiang.pk])
    response = client.post(
        reverse("reviews:assign", args=[songjiang.pk]),
        {"application": app.pk, "count": 2, "seed": "demo"},
    )
    assert response.status_code == 302
    assert Assignment.objects.filter(application=app, method="draw").count() == 2
    page = client.get(url).content.decode()
    assert "随机抽取" in page and "按排名确定入选" in page
    response = client.post(
        reverse("reviews:close_expert_stage", args=[songjiang.pk]), {"stage": "expert_scoring"}
    )
    assert response.status_code == 400 and "尚无专家提交评分" in response.content.decode()
    for a in Assignment.objects.filter(application=app):
        services.save_scores(assignment=a, by=a.expert, points={"A1": 5}, submit=False)
    app.stage = "credit_check"
    app.save()
    response = client.post(
        reverse("reviews:credit_check", args=[songjiang.pk]),
        {"application": app.pk, "result": "pass", "reference": "XY2026-1"},
    )
    assert response.status_code == 302
    app.refresh_from_db()
    assert app.stage == "selection_list_approval"
    app.stage = "publicity"
    app.save()
    response = client.post(
        reverse("reviews:start_publicity", args=[songjiang.pk]),
        {"stage": "publicity", "starts_on": timezone.localdate().isoformat()},
    )
    assert response.status_code == 302
    publicity = Publicity.objects.get()
    expected = working_day_calendar().add_working_days(timezone.localdate(), 5)
    assert publicity.ends_on == expected > timezone.localdate()
    response = client.post(reverse("reviews:close_publicity", args=[songjiang.pk, publicity.pk]))
    assert response.status_code == 400 and "期满后才能结束公示" in response.content.decode()
    services.close_publicity(publicity=publicity, by=office, today=publicity.ends_on + timedelta(1))
    app.refresh_from_db()
    app.stage = "final_approval"
    app.save()
    services.decide(
        application=app,
        stage="final_approval",
        outcome="pass",
        by=office,
        meeting="区人才工作领导小组办公室2026年10月审定",
    )
    response = client.post(
        reverse("reviews:naming", args=[songjiang.pk]),
        {"document_number": "", "named_on": "2026-11-01"},
    )
    assert response.status_code == 400 and "请填写文号" in response.content.decode()
    response = client.post(
        reverse("reviews:naming", args=[songjiang.pk]),
        {"document_number": "松人社〔2026〕30号", "named_on": "2026-11-01"},
    )
    # this test moved the application past stages by hand (app.stage = ...): the gate names no
    # one whose earlier stages were not passed, and says which (the e2e test names for real)
    body = response.content.decode()
    assert (
        response.status_code == 400 and "以下阶段尚未通过" in body and "专家按评价指标评分" in body
    )
    app.refresh_from_db()
    assert app.status == "approved"
    assert not Award.objects.filter(application=app).exists()


def test_public_publicity_page_lists_name_unit_programme_and_takes_objections(
    songjiang, make_application, persona, client
):
    app = make_application(
        songjiang,
        stage="publicity",
        data={"person": {"name": "公示人", "id_number": "310104197503151019"}},
    )
    today = timezone.localdate()
    publicity = services.start_publicity(
        round=songjiang, stage="publicity", starts_on=today, by=persona("chen_office")
    )
    assert client.get(reverse("reviews:publicity_list")).status_code == 200
    url = reverse("reviews:publicity_detail", args=[publicity.pk])
    body = client.get(url).content.decode()
    assert app.applicant.real_name in body and "上海松江精密机械有限公司" in body
    assert "310104" not in body and app.applicant.phone not in body
    response = client.post(
        url, {"application": app.pk, "name": "王某", "contact": "", "text": "不实"}
    )
    assert response.status_code == 400 and "请填写联系方式" in response.content.decode()
    assert "不实" in response.content.decode()
    response = client.post(
        url, {"application": app.pk, "name": "王某", "contact": "13900001111", "text": "不实"}
    )
    assert response.status_code == 302
    assert Objection.objects.get().application == app


def test_office_exports_the_ranking_and_sees_each_experts_sheet(
    songjiang, make_application, experts, persona, client, login_as
):
    import io

    from openpyxl import load_workbook

    app = make_application(songjiang, unit="songjiang_training", stage="expert_scoring")
    office = persona("chen_office")
    login_as("chen_office")
    response = client.post(
        reverse("reviews:assign_balanced", args=[songjiang.pk]),
        {"stage": "expert_scoring", "per_application": 2},
    )
    assert response.status_code == 302
    for a in Assignment.objects.filter(application=app):
        services.save_scores(assignment=a, by=a.expert, points={"A1": 4, "A3": 9}, submit=False)
    first = Assignment.objects.filter(application=app).first()
    services.save_scores(assignment=first, by=first.expert, points={"A1": 4, "A3": 9}, submit=False)
    response = client.get(reverse("reviews:ranking_export", args=[songjiang.pk, "expert_scoring"]))
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("排名", "申报编号", "姓名") and rows[1][1] == app.pk
    body = client.get(reverse("reviews:detail", args=[app.pk])).content.decode()
    # each item by its title on the sheet, not its code (issue 17)
    title = next(i.title for i in services.sheet_items(songjiang.version.ruleset) if i.code == "A1")
    assert "专家评分" in body and f"{title}：4" in body and "A1:" not in body
    assert office.pk


def test_craftsman_round_is_ranked_and_closed_per_group(
    make_round, make_application, experts, persona, client, login_as
):
    from portal.models import Union
    from portal.roles import grant

    city = persona("zhou_union")
    grant(city, "union_reviewer", union=Union.objects.get(code="shanghai-ftu"))
    round_ = make_round("shanghai-craftsman")
    metal = make_application(
        round_,
        channel="union",
        stage="expert_review",
        unit="songjiang_training",
        data={"header": {"group": "metallurgy_machinery_electrical"}},
    )
    catering = make_application(
        round_,
        channel="union",
        stage="expert_review",
        unit="songjiang_training",
        data={"header": {"group": "catering"}},
    )
    for app in (metal, catering):
        a = services.assign_expert(application=app, expert=persona("expert_a"), by=city)
        services.save_scores(assignment=a, by=a.expert, points={"T1": 88}, submit=True)
    login_as("zhou_union")
    url = reverse("reviews:office_round", args=[round_.pk])
    page = client.get(url + "?group=catering").content.decode()
    assert "餐饮" in page and f'data-application="{catering.pk}"' in page
    assert f'data-application="{metal.pk}"' not in page
    response = client.post(
        reverse("reviews:close_expert_stage", args=[round_.pk]),
        {"stage": "expert_review", "group": "catering"},
    )
    assert response.status_code == 302
    metal.refresh_from_db()
    catering.refresh_from_db()
    assert catering.stage == "release_meeting" and metal.stage == "expert_review"


def test_expert_is_not_shown_id_card_materials(
    songjiang, make_application, experts, persona, client, login_as, private_media
):
    from django.core.files.base import ContentFile

    from applications.models import Attachment

    app = make_application(songjiang, unit="songjiang_training", stage="expert_scoring")
    for item, name in (("id_card", "身份证正反面.pdf"), ("skill_certificates", "技师证书.pdf")):
        attachment = Attachment(
            application=app,
            item=item,
            original_name=name,
            content_type="application/pdf",
            size=8,
            sha256="0" * 64,
            uploaded_by=app.applicant,
        )
        attachment.file.save("x.pdf", ContentFile(b"%PDF-1.4"), save=False)
        attachment.save()
    assignment = services.assign_expert(
        application=app, expert=persona("expert_a"), by=persona("chen_office")
    )
    login_as("expert_a")
    body = client.get(reverse("reviews:score", args=[assignment.pk])).content.decode()
    assert "技师证书.pdf" in body and "身份证正反面.pdf" not in body


def test_tied_candidates_show_the_rule_sets_preference(
    make_round, make_application, experts, persona, client, login_as
):
    from portal.models import Region
    from portal.roles import grant

    office = persona("chen_office")
    grant(office, "district_office", region=Region.objects.get(code="shizhong"))
    round_ = make_round("shizhong-chief-technician", quota=1)
    young = make_application(
        round_,
        unit="shizhong_works",
        stage="expert_review",
        data={"person": {"birth_date": "1990-05-01"}},
    )
    older = make_application(
        round_,
        unit="shizhong_works",
        stage="expert_review",
        data={"person": {"birth_date": "1970-05-01"}},
    )
    for app in (young, older):
        a = services.assign_expert(application=app, expert=persona("expert_a"), by=office)
        services.save_scores(assignment=a, by=a.expert, points={"T1": 90}, submit=True)
    login_as("chen_office")
    page = client.get(reverse("reviews:office_round", args=[round_.pk])).content.decode()
    assert page.count("并列</span>") == 2
    assert page.count("符合优先条件") == 1
