"""The workflow engine over the five rule sets' stages (pure, no database)."""

from __future__ import annotations

from pathlib import Path

import pytest

from programmes.ruleset import load_ruleset
from reviews import workflow
from reviews.workflow import Route

pytestmark = pytest.mark.unit

PROGRAMMES = Path(__file__).resolve().parents[2] / "fixtures" / "programmes"


def rs(code: str):
    return load_ruleset(PROGRAMMES / f"{code}.yaml")


def codes(stages):
    return [s.code for s in stages]


SONGJIANG = rs("songjiang-chief-technician")
QINGPU = rs("qingpu-chief-technician-subsidy")
CRAFTSMAN = rs("shanghai-craftsman")
SHIZHONG = rs("shizhong-chief-technician")
BASE = rs("songjiang-training-base")


def test_songjiang_enterprise_goes_through_the_street():
    route = Route(channel="unit", unit_kind="enterprise")
    assert codes(workflow.path(SONGJIANG.workflow, route)) == [
        "application",
        "unit_discussion",
        "internal_publicity",
        "street_review",
        "material_review",
        "preliminary_list_approval",
        "expert_scoring",
        "credit_check",
        "selection_list_approval",
        "talent_office_review",
        "publicity",
        "final_approval",
        "naming",
    ]


def test_songjiang_public_institution_goes_through_its_department():
    route = Route(channel="unit", unit_kind="public_institution", via_competent_department=True)
    path = codes(workflow.path(SONGJIANG.workflow, route))
    assert "department_review" in path and "street_review" not in path


def test_songjiang_self_nominee_skips_internal_publicity():
    route = Route(channel="self", unit_kind="enterprise")
    path = codes(workflow.path(SONGJIANG.workflow, route))
    assert "internal_publicity" not in path and "street_review" in path


def test_qingpu_routes_by_competent_department():
    via_street = Route(channel="unit", unit_kind="enterprise", via_competent_department=False)
    via_dept = Route(channel="unit", unit_kind="enterprise", via_competent_department=True)
    assert workflow.first_stage(QINGPU.workflow, via_street).code == "street_review"
    assert workflow.first_stage(QINGPU.workflow, via_dept).code == "department_review"
    assert workflow.next_stage(QINGPU.workflow, via_dept, "department_review").code == (
        "expert_review"
    )


def test_craftsman_channels():
    self_nominee = codes(workflow.path(CRAFTSMAN.workflow, Route(channel="self")))
    assert self_nominee[:5] == [
        "application",
        "office_qualification_review",
        "audition_interview",
        "union_opinion",
        "expert_review",
    ]
    union = codes(workflow.path(CRAFTSMAN.workflow, Route(channel="union")))
    assert union[:3] == ["application", "unit_opinion", "union_qualification_review"]
    assert "audition_interview" not in union
    social = codes(workflow.path(CRAFTSMAN.workflow, Route(channel="social_org")))
    assert "unit_opinion" not in social and "union_qualification_review" in social


def test_shizhong_freelancer_goes_through_the_street():
    path = codes(workflow.path(SHIZHONG.workflow, Route(channel="self")))
    assert path[:4] == [
        "application",
        "street_nomination",
        "street_publicity",
        "qualification_review",
    ]
    unit = codes(workflow.path(SHIZHONG.workflow, Route(channel="unit", unit_kind="enterprise")))
    assert unit[:4] == [
        "application",
        "unit_evaluation",
        "internal_publicity",
        "qualification_review",
    ]


def test_next_stage_and_the_end():
    route = Route(channel="unit", unit_kind="training_institution")
    assert workflow.first_stage(BASE.workflow, route).code == "expert_review"
    assert workflow.next_stage(BASE.workflow, route, "publicity").code == "naming"
    assert workflow.next_stage(BASE.workflow, route, "naming") is None
    with pytest.raises(ValueError):
        workflow.next_stage(BASE.workflow, route, "nowhere")


def test_status_on_entering_naming_is_approved():
    assert workflow.status_on_entering(SONGJIANG.stage("naming")) == "approved"
    assert workflow.status_on_entering(SONGJIANG.stage("publicity")) == "in_review"


def test_allowed_outcomes_in_order():
    assert workflow.allowed_outcomes(SONGJIANG.stage("street_review")) == (
        "pass",
        "return",
        "reject",
    )
    assert workflow.allowed_outcomes(SONGJIANG.stage("publicity")) == ("pass", "reject")


def test_acting_roles():
    assert workflow.organiser_role(SONGJIANG.workflow) == "district_office"
    assert workflow.organiser_role(CRAFTSMAN.workflow) == "union_reviewer"
    assert workflow.acting_role(SONGJIANG.workflow, SONGJIANG.stage("expert_scoring")) == (
        "district_office"
    )
    assert workflow.acting_role(SONGJIANG.workflow, SONGJIANG.stage("naming")) == "district_office"
    assert workflow.acting_role(SONGJIANG.workflow, SONGJIANG.stage("street_review")) == (
        "street_reviewer"
    )
    assert workflow.acting_role(SHIZHONG.workflow, SHIZHONG.stage("leading_group_review")) == (
        "district_office"
    )


@pytest.mark.parametrize("ruleset", [SONGJIANG, QINGPU, CRAFTSMAN, SHIZHONG, BASE])
def test_every_route_ends_in_naming(ruleset):
    channels = [c.code for c in ruleset.eligibility.channels]
    for channel in channels:
        for unit_kind in ("enterprise", "public_institution", None):
            for via in (True, False):
                route = Route(channel=channel, unit_kind=unit_kind, via_competent_department=via)
                stages = workflow.path(ruleset.workflow, route)
                assert stages[-1].kind == "naming"
                assert workflow.first_stage(ruleset.workflow, route).kind != "nomination"
