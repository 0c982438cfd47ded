"""The declaration: drafts that keep everything typed, the pre-check, materials, submission."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from applications import services
from applications.models import Application
from tests.applications.conftest import as_post, complete, pdf_bytes, png_bytes, upload_all

pytestmark = pytest.mark.django_db


def test_every_programme_form_renders_with_its_sections(rounds, login_as, client, persona):
    user = login_as("li_ming")
    from portal.models import Role, Unit
    from portal.roles import grant

    org_unit = Unit.objects.get(name__contains="培训中心")
    grant(user, Role.APPLICANT_ORG, unit=org_unit)
    for code, round in rounds.items():
        ruleset = round.version.ruleset
        channel = ruleset.eligibility.channels[0].code
        kind = ruleset.identity.applicant_kind
        unit = Unit.objects.get(name__contains="松江精密")
        if kind != "person":
            unit = org_unit
        elif channel == "union":
            unit = Unit.objects.exclude(union=None).filter(union__held_own_selection=True).first()
        application = services.start_application(round=round, by=user, channel=channel, unit=unit)
        response = client.get(reverse("applications:edit", args=[application.pk]))
        assert response.status_code == 200, code
        page = response.content.decode()
        for section in ruleset.form.sections:
            assert section.title in page, (code, section.title)
        for item in ruleset.form.checklist:
            assert item.title in page


def test_autosave_keeps_what_was_typed_even_when_it_is_wrong(draft, client, login_as):
    login_as("li_ming")
    long_text = "技" * 250
    response = client.post(
        reverse("applications:autosave", args=[draft.pk]),
        {
            "person-name": "李明",
            "person-id_number": "310104197503151010",
            "person-birth_date": (timezone.localdate() + timedelta(days=3)).isoformat(),
            "achievements-summary": long_text,
        },
    )
    assert response.status_code == 200
    body = response.json()
    errors = body["errors"]
    assert "身份证号码校验位不正确" in " ".join(errors["person-id_number"])
    assert "晚于今天" in " ".join(errors["person-birth_date"])
    assert "最多200个字" in " ".join(errors["achievements-summary"])
    draft.refresh_from_db()
    # Nothing typed is lost: the wrong values are stored as typed.
    assert draft.data["person"]["id_number"] == "310104197503151010"
    assert draft.data["achievements"]["summary"] == long_text
    page = client.get(reverse("applications:edit", args=[draft.pk])).content.decode()
    assert long_text in page
    assert "310104197503151010" in page
    assert "最多200个字" in page


def test_autosave_after_the_login_expired_says_so_and_changes_nothing(draft, client):
    response = client.post(reverse("applications:autosave", args=[draft.pk]), {"x": "1"})
    assert response.status_code == 401
    assert "登录已过期" in response.json()["error"]


def test_rows_older_than_five_years_are_refused_with_a_message(draft, persona):
    ruleset = draft.round.version.ruleset
    old = (timezone.localdate() - timedelta(days=6 * 366)).isoformat()
    post = as_post(ruleset, {"awards": [{"project": "技能大赛", "awarded_on": old}]})
    _, errors = services.save_draft(application=draft, post=post, by=persona("li_ming"))
    assert any("近5年内" in m for m in errors["awards-0-awarded_on"])


def test_precheck_is_live_and_uses_the_rule_set(draft, persona, demo_data):
    user = persona("li_ming")
    application = complete(draft, demo_data, user)
    checks = {c.code: c.result for c in services.precheck(application)}
    assert checks and set(checks.values()) <= {"pass", "warn"}
    # A man born in 1958 is past the statutory retirement age: a fail (legal working age).
    ruleset = application.round.version.ruleset
    data = dict(application.data)
    personal = dict(data["person"])
    personal["birth_date"] = "1958-01-10"
    data["person"] = personal
    application, _ = services.save_draft(
        application=application, post=as_post(ruleset, data), by=user
    )
    results = {c.code: c for c in services.precheck(application)}
    assert results["legal_working_age"].result == "fail"
    assert results["legal_working_age"].source
    assert results["years_to_retirement"].result in ("warn", "fail")


def test_submission_freezes_a_version_and_goes_to_the_unit(draft, persona, demo_data):
    user = persona("li_ming")
    application = complete(draft, demo_data, user)
    upload_all(application, user)
    services.submit_application(application=application, by=user)
    application.refresh_from_db()
    assert application.status == Application.Status.IN_REVIEW
    assert application.stage == "unit_discussion"
    version = application.versions.get()
    assert version.number == 1 and version.data == application.data
    assert version.ruleset_version == application.round.version
    with pytest.raises(services.ApplicationError, match="不能重复提交"):
        services.submit_application(application=application, by=user)
    assert application.versions.count() == 1


def test_submission_lists_every_problem_and_loses_nothing(draft, client, login_as, demo_data):
    login_as("li_ming")
    ruleset = draft.round.version.ruleset
    data = demo_data(draft.round)
    data["person"]["name"] = ""
    post = as_post(ruleset, data, action="submit")
    response = client.post(reverse("applications:edit", args=[draft.pk]), post)
    assert response.status_code == 400
    page = response.content.decode()
    assert "请填写姓名" in page
    assert "请上传" in page  # the missing materials
    draft.refresh_from_db()
    assert draft.status == Application.Status.DRAFT
    assert draft.data["achievements"] == data["achievements"]


def test_a_warn_needs_a_written_reason(rounds, persona, demo_people, demo_data):
    from portal.models import Unit

    user = persona("li_ming")
    round = rounds["songjiang-chief-technician"]
    unit = Unit.objects.get(name__contains="松江精密")
    application = services.start_application(round=round, by=user, channel="unit", unit=unit)
    ruleset = round.version.ruleset
    data = demo_data(round)
    data["person"]["skill_level"] = "senior_worker"  # below technician: warn (一般)
    application, _ = services.save_draft(
        application=application, post=as_post(ruleset, data), by=user
    )
    warns = [c for c in services.precheck(application) if c.result == "warn"]
    assert warns, "a senior worker is warned, not refused"
    upload_all(application, user)
    with pytest.raises(services.ApplicationError) as raised:
        services.submit_application(application=application, by=user)
    assert f"warn_reason-{warns[0].code}" in raised.value.errors
    post = as_post(
        ruleset, data, **{f"warn_reason-{w.code}": "获市级技能大赛一等奖" for w in warns}
    )
    application, _ = services.save_draft(application=application, post=post, by=user)
    services.submit_application(application=application, by=user)
    version = application.versions.get()
    assert version.warn_reasons[warns[0].code] == "获市级技能大赛一等奖"


def test_materials_are_checked_by_content(draft, client, login_as):
    login_as("li_ming")
    url = reverse("applications:upload", args=[draft.pk])
    fake = SimpleUploadedFile("photo.png", b"<html><script>alert(1)</script></html>", "image/png")
    response = client.post(url, {"item": "id_card", "file": fake}, follow=True)
    assert "不是这几种格式" in response.content.decode()
    assert draft.attachments.count() == 0
    good = SimpleUploadedFile("证书.png", png_bytes(), "image/png")
    client.post(url, {"item": "id_card", "file": good})
    attachment = draft.attachments.get()
    assert attachment.original_name == "证书.png"
    assert "证书" not in attachment.file.name and attachment.file.name.endswith(".png")
    response = client.get(reverse("applications:attachment", args=[attachment.pk]))
    assert response.status_code == 200
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"].startswith("attachment")


def test_a_file_too_large_is_refused(draft, client, login_as, settings):
    login_as("li_ming")
    settings.MAX_UPLOAD_BYTES = 1024
    big = SimpleUploadedFile("big.pdf", pdf_bytes() + b"0" * 2048, "application/pdf")
    response = client.post(
        reverse("applications:upload", args=[draft.pk]),
        {"item": "id_card", "file": big},
        follow=True,
    )
    assert "超过了" in response.content.decode()
    assert draft.attachments.count() == 0


@pytest.mark.parametrize("other", ["expert_a", "wang_hr", "gu_base"])
def test_nobody_else_opens_an_applicants_draft_or_materials(draft, client, login_as, other):
    login_as("li_ming")
    client.post(
        reverse("applications:upload", args=[draft.pk]),
        {"item": "id_card", "file": SimpleUploadedFile("a.png", png_bytes())},
    )
    attachment = draft.attachments.get()
    client.logout()
    login_as(other)
    for name, args in [
        ("applications:edit", [draft.pk]),
        ("applications:detail", [draft.pk])
        if other != "wang_hr"
        else ("applications:edit", [draft.pk]),
        ("applications:attachment", [attachment.pk])
        if other != "wang_hr"
        else ("applications:edit", [draft.pk]),
    ]:
        assert client.get(reverse(name, args=args)).status_code == 404
    assert client.post(reverse("applications:autosave", args=[draft.pk]), {}).status_code == 404


def test_another_applicant_cannot_open_it(draft, client, django_user_model):
    from portal.services import register_applicant

    stranger = register_applicant(
        account="13900000009",
        account_kind="phone",
        real_name="张三",
        id_number=None,
        password="Stranger@2026",
    )
    client.force_login(stranger, backend="portal.auth_backends.PhoneOrEmailBackend")
    assert client.get(reverse("applications:detail", args=[draft.pk])).status_code == 404
    assert client.get(reverse("applications:pdf", args=[draft.pk])).status_code == 404


def test_a_second_application_in_the_same_round_is_refused(draft, songjiang_round, persona):
    with pytest.raises(services.ApplicationError, match="已有一份申报"):
        services.start_application(
            round=songjiang_round, by=persona("li_ming"), channel="self", unit=draft.unit
        )


def test_an_assigned_expert_gets_the_materials_but_never_the_id_card(
    draft, client, login_as, persona
):
    from reviews.models import Assignment, Panel

    login_as("li_ming")
    upload = reverse("applications:upload", args=[draft.pk])
    for item in ("id_card", "skill_certificates"):
        client.post(upload, {"item": item, "file": SimpleUploadedFile("a.png", png_bytes())})
    id_card = draft.attachments.get(item="id_card")
    certificate = draft.attachments.get(item="skill_certificates")
    client.logout()
    office, expert = persona("chen_office"), persona("expert_a")
    panel = Panel.objects.create(round=draft.round, stage="expert_scoring", created_by=office)
    Assignment.objects.create(
        panel=panel, application=draft, expert=expert, method="manual", assigned_by=office
    )
    login_as("expert_a")
    assert client.get(reverse("applications:attachment", args=[certificate.pk])).status_code == 200
    assert client.get(reverse("applications:attachment", args=[id_card.pk])).status_code == 404
    # The whole declaration (with ID number and phone) is not the expert's page.
    assert client.get(reverse("applications:detail", args=[draft.pk])).status_code == 404
    assert client.get(reverse("applications:pdf", args=[draft.pk])).status_code == 404


def test_autosave_writes_nothing_unchanged_and_checks_only_when_facts_change(
    draft, client, login_as, demo_data
):
    """A keystroke in a long text: one UPDATE; the pre-check is evaluated again only when the
    facts it reads change; the same form again writes nothing (issue 18, 6)."""
    login_as("li_ming")
    url = reverse("applications:autosave", args=[draft.pk])
    ruleset = draft.round.version.ruleset
    post = as_post(ruleset, demo_data(draft.round))

    def changed(**values):
        form = post.copy()
        for key, value in values.items():
            form[key.replace("__", "-")] = value
        return form

    first = client.post(url, post).json()
    assert first["ok"] and isinstance(first["checks_html"], str)
    typed = client.post(url, changed(achievements__summary="又写了几个字")).json()
    assert typed["revision"] == first["revision"] + 1
    assert typed["checks_html"] is None  # the long text is no fact of the checks
    again = client.post(url, changed(achievements__summary="又写了几个字")).json()
    assert again["revision"] == typed["revision"] and again["checks_html"] is None
    draft.refresh_from_db()
    assert draft.revision == typed["revision"]
    assert draft.data["achievements"]["summary"] == "又写了几个字"
    born = client.post(
        url, changed(achievements__summary="又写了几个字", person__birth_date="1958-01-10")
    ).json()
    assert isinstance(born["checks_html"], str) and born["revision"] == typed["revision"] + 1
