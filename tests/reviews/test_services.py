"""Decisions move an application along its rule set's path, one locked change at a time."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied

from applications.models import Application
from applications.services import record_discussion
from reviews.services import (
    ReviewError,
    StaleDecision,
    decide,
    resume_after_revision,
    return_reasons,
)


@pytest.fixture
def songjiang(make_round):
    return make_round("songjiang-chief-technician")


def test_submission_starts_at_the_unit_and_the_path_follows_the_rule_set(
    songjiang, make_application, persona
):
    app = make_application(songjiang)
    assert (app.status, app.stage) == ("in_review", "unit_discussion")
    record_discussion(
        application=app,
        by=persona("wang_hr"),
        discussed_on=date.today(),
        note="同意",
        outcome="pass",
    )
    app.refresh_from_db()
    assert app.stage == "internal_publicity"
    decide(
        application=app,
        stage="internal_publicity",
        outcome="pass",
        by=persona("wang_hr"),
        publicity_dates=(date.today() - timedelta(days=10), date.today() - timedelta(days=1)),
    )
    app.refresh_from_db()
    assert (app.status, app.stage) == ("in_review", "street_review")
    assert app.stage_entered_at is not None
    decide(application=app, stage="street_review", outcome="pass", by=persona("zhao_street"))
    app.refresh_from_db()
    assert app.stage == "material_review"
    events = list(app.events.values_list("action", "from_stage", "to_stage"))
    assert events[-1] == ("passed", "street_review", "material_review")


def test_public_institution_goes_to_its_department(songjiang, make_application, persona):
    app = make_application(songjiang, unit="songjiang_school", stage="street_review")
    app.stage = "internal_publicity"
    app.save()
    decide(
        application=app,
        stage="internal_publicity",
        outcome="pass",
        by=persona("admin"),
        publicity_dates=(date.today() - timedelta(days=10), date.today() - timedelta(days=1)),
    )
    assert app.stage == "department_review"
    with pytest.raises(PermissionDenied):
        decide(
            application=app, stage="department_review", outcome="pass", by=persona("zhao_street")
        )
    decide(application=app, stage="department_review", outcome="pass", by=persona("qian_dept"))
    assert app.stage == "material_review"


def test_only_the_scoped_role_decides(songjiang, make_application, persona):
    app = make_application(songjiang, stage="street_review")
    for username in ("li_ming", "wang_hr", "qian_dept", "zhou_union", "expert_a", "sun_finance"):
        with pytest.raises(PermissionDenied):
            decide(application=app, stage="street_review", outcome="pass", by=persona(username))
    app.refresh_from_db()
    assert app.stage == "street_review"
    # the office decides the office's stages, and records the coordination group's
    app.stage = "material_review"
    app.save()
    office = persona("chen_office")
    decide(application=app, stage="material_review", outcome="pass", by=office)
    decide(
        application=app,
        stage="preliminary_list_approval",
        outcome="pass",
        by=office,
        meeting="区协调小组2026年5月10日会议审核同意",
    )
    assert app.stage == "expert_scoring"


def test_return_keeps_field_reasons_and_resubmission_comes_back(
    songjiang, make_application, persona, mailoutbox, django_capture_on_commit_callbacks
):
    app = make_application(songjiang, stage="street_review")
    with django_capture_on_commit_callbacks(execute=True):
        decide(
            application=app,
            stage="street_review",
            outcome="return",
            by=persona("zhao_street"),
            field_reasons={"person.name": "姓名与身份证不一致", "work.employer": ""},
            note="请补正",
        )
    app.refresh_from_db()
    assert (app.status, app.stage) == ("returned", "street_review")
    assert return_reasons(app) == {"person.name": "姓名与身份证不一致"}
    event = app.events.get(action="returned")
    assert "姓名与身份证不一致" in event.note
    assert len(mailoutbox) == 1 and "退回修改" in mailoutbox[0].subject
    assert mailoutbox[0].to == [app.applicant.email]

    with pytest.raises(StaleDecision):
        decide(application=app, stage="street_review", outcome="pass", by=persona("zhao_street"))
    resume_after_revision(application=app, by=app.applicant)
    app.refresh_from_db()
    assert (app.status, app.stage) == ("in_review", "street_review")
    decide(application=app, stage="street_review", outcome="pass", by=persona("zhao_street"))
    assert app.stage == "material_review"


def test_return_and_reject_need_reasons(songjiang, make_application, persona):
    app = make_application(songjiang, stage="street_review")
    zhao = persona("zhao_street")
    with pytest.raises(ReviewError, match="退回修改须写明理由"):
        decide(application=app, stage="street_review", outcome="return", by=zhao)
    with pytest.raises(ReviewError, match="不通过须写明理由"):
        decide(application=app, stage="street_review", outcome="reject", by=zhao)
    decide(application=app, stage="street_review", outcome="reject", by=zhao, note="不符合条件")
    app.refresh_from_db()
    assert app.status == Application.Status.REJECTED


def test_outcome_must_be_allowed_at_the_stage(songjiang, make_application, persona):
    app = make_application(songjiang, stage="publicity")
    with pytest.raises(ReviewError, match="不允许"):
        decide(
            application=app,
            stage="publicity",
            outcome="return",
            by=persona("chen_office"),
            note="x",
        )


def test_stale_decision_says_what_happened(songjiang, make_application, persona):
    app = make_application(songjiang, stage="street_review")
    other_copy = Application.objects.get(pk=app.pk)
    decide(application=app, stage="street_review", outcome="pass", by=persona("zhao_street"))
    with pytest.raises(StaleDecision) as raised:
        decide(
            application=other_copy,
            stage="street_review",
            outcome="reject",
            by=persona("admin"),
            note="x",
        )
    assert "赵强" in raised.value.message and "未生效" in raised.value.message
    assert Application.objects.get(pk=app.pk).stage == "material_review"


def test_passing_the_last_stage_before_naming_approves(songjiang, make_application, persona):
    app = make_application(songjiang, stage="final_approval")
    decide(
        application=app,
        stage="final_approval",
        outcome="pass",
        by=persona("chen_office"),
        meeting="区人才工作领导小组办公室2026年6月1日审定",
    )
    app.refresh_from_db()
    assert (app.status, app.stage) == ("approved", "naming")


def test_other_districts_office_may_not_decide(make_round, make_application, persona):
    shizhong = make_round("shizhong-chief-technician")
    app = make_application(shizhong, unit="shizhong_works", stage="qualification_review")
    with pytest.raises(PermissionDenied):
        decide(
            application=app, stage="qualification_review", outcome="pass", by=persona("chen_office")
        )


def test_mail_after_commit_to_the_next_stage_and_history_for_the_applicant(
    songjiang, make_application, persona, mailoutbox, django_capture_on_commit_callbacks
):
    app = make_application(songjiang, stage="street_review")
    with django_capture_on_commit_callbacks(execute=True):
        decide(
            application=app,
            stage="street_review",
            outcome="pass",
            by=persona("zhao_street"),
            note="同意推荐",
            internal_note="原件已退回单位",
        )
    recipients = {address for message in mailoutbox for address in message.to}
    assert {app.applicant.email, "chen_office@example.cn"} <= recipients
    from reviews.services import applicant_history

    history = applicant_history(app)
    assert history[-1]["note"] == "同意推荐"
    assert all("原件已退回单位" not in str(entry) for entry in history)
    assert history[-1]["from_stage"].startswith("街镇")


def test_no_mail_when_the_decision_is_rolled_back(
    songjiang, make_application, persona, mailoutbox, django_capture_on_commit_callbacks
):
    from django.db import transaction

    app = make_application(songjiang, stage="street_review")
    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        decide(application=app, stage="street_review", outcome="pass", by=persona("zhao_street"))
        raise RuntimeError("rolled back")
    assert mailoutbox == []
    app.refresh_from_db()
    assert app.stage == "street_review"
