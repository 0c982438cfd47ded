"""Every staff URL of review x every role: who may gets the page, everyone else 403 or 404
(404 where the role is right but the organisation or the assignment is not theirs)."""

from __future__ import annotations

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone

from applications.models import Attachment
from reviews import services

USERS = [
    "li_ming", "gu_base", "wang_hr", "zhao_street", "qian_dept", "zhou_union",
    "chen_office", "expert_a", "expert_b", "sun_finance", "admin",
]  # fmt: skip
OFFICE = {"chen_office": None, "admin": None}


@pytest.fixture
def world(make_round, make_application, experts, persona, private_media):
    office = persona("chen_office")
    round_ = make_round("songjiang-chief-technician")
    at_street = make_application(round_, stage="street_review")
    at_experts = make_application(round_, unit="songjiang_training", stage="expert_scoring")
    at_publicity = make_application(round_, unit="songjiang_training", stage="publicity")
    mine = services.assign_expert(application=at_experts, expert=persona("expert_a"), by=office)
    theirs = services.assign_expert(application=at_experts, expert=experts[2], by=office)
    full = {item.code: item.max_points for item in services.sheet_items(round_.version.ruleset)}
    sheet = services.save_scores(assignment=theirs, by=experts[2], points=full, submit=True)
    publicity = services.start_publicity(
        round=round_, stage="publicity", starts_on=timezone.localdate(), by=office
    )
    objection = services.lodge_objection(
        publicity=publicity, application=at_publicity, name="甲", contact="1", text="异议"
    )
    attachment = Attachment(
        application=at_street,
        item="id_card",
        original_name="身份证.pdf",
        content_type="application/pdf",
        size=8,
        sha256="0" * 64,
        uploaded_by=at_street.applicant,
    )
    attachment.file.save("x.pdf", ContentFile(b"%PDF-1.4"), save=False)
    attachment.save()
    return {
        "round": round_.pk,
        "at_street": at_street.pk,
        "at_experts": at_experts.pk,
        "mine": mine.pk,
        "sheet": sheet.pk,
        "publicity": publicity.pk,
        "objection": objection.pk,
        "attachment": attachment.pk,
        "expert_b": persona("expert_b").pk,
    }


def matrix(w):
    """(label, method, url, data, {username: status}, default for other signed-in users)."""
    r = w["round"]
    office_post = {"chen_office": None, "admin": None, "zhou_union": 404}
    return [
        ("queue", "get", reverse("reviews:queue"), None,
         {"zhao_street": 200, "qian_dept": 200, "zhou_union": 200, "chen_office": 200, "admin": 200}, 403),
        ("detail", "get", reverse("reviews:detail", args=[w["at_street"]]), None,
         {"zhao_street": 200, "chen_office": 200, "admin": 200, "qian_dept": 404, "zhou_union": 404}, 403),
        ("attachment", "get", reverse("applications:attachment", args=[w["attachment"]]), None,
         {"zhao_street": 200, "chen_office": 200, "admin": 200, "wang_hr": 200}, 404),
        ("expert queue", "get", reverse("reviews:expert_queue"), None,
         {"expert_a": 200, "expert_b": 200}, 403),
        ("score", "get", reverse("reviews:score", args=[w["mine"]]), None,
         {"expert_a": 200, "expert_b": 404}, 403),
        ("office rounds", "get", reverse("reviews:office_rounds"), None,
         {"chen_office": 200, "admin": 200, "zhou_union": 200}, 403),
        ("office round", "get", reverse("reviews:office_round", args=[r]), None,
         {"chen_office": 200, "admin": 200, "zhou_union": 404}, 403),
        ("ranking export", "get", reverse("reviews:ranking_export", args=[r, "expert_scoring"]),
         None, {"chen_office": 200, "admin": 200, "zhou_union": 404}, 403),
        ("assign balanced", "post", reverse("reviews:assign_balanced", args=[r]),
         {"stage": "expert_scoring", "per_application": 1},
         {**office_post, "chen_office": 302, "admin": 302}, 403),
        ("assign", "post", reverse("reviews:assign", args=[r]),
         {"application": w["at_experts"], "expert": w["expert_b"]},
         {**office_post, "chen_office": 302, "admin": 302}, 403),
        # the office may close the stage, and the gate refuses it (400): 1 of the 3 assigned
        # experts' sheets is submitted; so the application stays, and the credit check too is
        # refused on its merits (not at the credit check), never for want of permission
        ("close expert stage", "post", reverse("reviews:close_expert_stage", args=[r]),
         {"stage": "expert_scoring"}, {**office_post, "chen_office": 400, "admin": 400}, 403),
        ("credit check", "post", reverse("reviews:credit_check", args=[r]),
         {"application": w["at_experts"], "result": "pass"},
         {**office_post, "chen_office": 400, "admin": 400}, 403),
        ("start publicity", "post", reverse("reviews:start_publicity", args=[r]),
         {"stage": "publicity", "starts_on": "2026-12-01"},
         {**office_post, "chen_office": 400, "admin": 400}, 403),
        ("close publicity", "post", reverse("reviews:close_publicity", args=[r, w["publicity"]]),
         {}, {**office_post, "chen_office": 400, "admin": 400}, 403),
        ("naming", "post", reverse("reviews:naming", args=[r]),
         {"document_number": "x", "named_on": "2026-12-01"},
         {**office_post, "chen_office": 400, "admin": 400}, 403),
        ("reopen sheet", "post", reverse("reviews:reopen_sheet", args=[r, w["sheet"]]),
         {"reason": "复核"}, {**office_post, "chen_office": 302, "admin": 302}, 403),
        ("resolve objection", "post",
         reverse("reviews:resolve_objection", args=[r, w["objection"]]),
         {"upheld": "0", "resolution": "不成立"},
         {**office_post, "chen_office": 302, "admin": 302}, 403),
        ("admin list", "get", reverse("admin:applications_application_changelist"), None,
         {"chen_office": 200, "admin": 200}, 302),
        ("admin change", "get",
         reverse("admin:applications_application_change", args=[w["at_street"]]), None,
         {"chen_office": 200, "admin": 200}, 302),
        ("public publicity", "get", reverse("reviews:publicity_detail", args=[w["publicity"]]),
         None, dict.fromkeys(USERS, 200), 200),
        # the deciding POSTs change state: last
        ("recuse", "post", reverse("reviews:recuse", args=[w["mine"]]), {"reason": "亲属"},
         {"expert_a": 302, "expert_b": 404}, 403),
        ("decide", "post", reverse("reviews:decide", args=[w["at_street"]]),
         {"stage": "street_review", "outcome": "pass"},
         {"zhao_street": 302, "admin": 302, "chen_office": 403, "qian_dept": 404, "zhou_union": 404},
         403),
    ]  # fmt: skip


@pytest.mark.parametrize("username", [*USERS, None])
def test_every_staff_url_for_every_role(username, world, client, login_as):
    if username:
        login_as(username)
    wrong = []
    for label, method, url, data, allowed, default in matrix(world):
        response = getattr(client, method)(url, data or {})
        if username is None:
            expected = 200 if label == "public publicity" else (302, 404)
        else:
            expected = allowed.get(username, default)
        ok = (
            response.status_code in expected
            if isinstance(expected, tuple)
            else (response.status_code == expected)
        )
        if not ok:
            wrong.append((label, response.status_code, expected))
    assert not wrong, wrong
