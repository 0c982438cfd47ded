"""Returns point at what to fix (issue 17, 4): at least one field or material with its reason,
shown beside it to the applicant and kept with the version that was returned."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from applications.models import ApplicationVersion
from reviews import display, services
from reviews.models import FieldReason

pytestmark = pytest.mark.django_db


@pytest.fixture
def at_street(make_round, make_application):
    return make_application(make_round("songjiang-chief-technician"), stage="street_review")


def test_a_return_without_a_field_or_material_is_refused(at_street, persona):
    with pytest.raises(services.ReviewError, match="至少指明一项需修改的字段或材料"):
        services.decide(
            application=at_street,
            stage="street_review",
            outcome="return",
            by=persona("zhao_street"),
            note="材料不全",
        )
    with pytest.raises(services.ReviewError, match="不在本申报表中"):
        services.decide(
            application=at_street,
            stage="street_review",
            outcome="return",
            by=persona("zhao_street"),
            field_reasons={"nothing.here": "x"},
        )
    at_street.refresh_from_db()
    assert at_street.status == at_street.Status.IN_REVIEW


def test_the_reviewers_form_asks_for_a_field_and_keeps_what_was_typed(at_street, client, login_as):
    login_as("zhao_street")
    url = reverse("reviews:decide", args=[at_street.pk])
    response = client.post(url, {"stage": "street_review", "outcome": "return", "note": "材料不全"})
    assert response.status_code == 400
    page = response.content.decode()
    assert "至少指明一项需修改的字段或材料" in page and "材料不全" in page
    choices = dict(display.field_choices(at_street.round.version.ruleset))
    assert choices["material.id_card"].startswith("申报材料·")
    response = client.post(
        url,
        {
            "stage": "street_review",
            "outcome": "return",
            "note": "材料不全",
            "reason_field_0": "material.id_card",
            "reason_text_0": "身份证复印件不清晰，请重新扫描",
        },
    )
    assert response.status_code == 302


def test_reasons_beside_the_field_the_table_and_the_material_and_kept_with_the_version(
    at_street, persona, client
):
    applicant = at_street.applicant
    services.decide(
        application=at_street,
        stage="street_review",
        outcome="return",
        by=persona("zhao_street"),
        field_reasons={
            "person.mobile": "手机号码无法接通",
            "work_history": "请补全2010年以来的工作经历",
            "material.id_card": "身份证复印件不清晰",
        },
    )
    first = ApplicationVersion.objects.get(application=at_street, number=1)
    assert {r.field for r in FieldReason.objects.filter(version=first)} == {
        "person.mobile",
        "work_history",
        "material.id_card",
    }
    client.force_login(applicant, backend="portal.auth_backends.PhoneOrEmailBackend")
    page = client.get(reverse("applications:edit", args=[at_street.pk])).content.decode()

    def beside(name: str, reason: str) -> bool:
        marker = f'data-reason-for="{name}"'
        return marker in page and reason in page[page.index(marker) : page.index(marker) + 300]

    assert beside("person-mobile", "手机号码无法接通")
    assert beside("work_history", "请补全2010年以来的工作经历")
    assert beside("material-id_card", "身份证复印件不清晰")
    # the field's reason sits inside that field's block, after its input
    block = page[page.index('data-field="person-mobile"') :]
    assert block.index("手机号码无法接通") < block.index('data-field="', 10)

    version_page = client.get(reverse("applications:version", args=[at_street.pk, 1]))
    text = version_page.content.decode()
    assert "本版被退回修改的意见" in text
    assert "申报材料·" in text and "身份证复印件不清晰" in text
    assert "二、申报人员基本信息·手机号码" in text

    # resubmitted as version 2: version 1 keeps its reasons, version 2 has none
    ApplicationVersion.objects.create(
        application=at_street,
        number=2,
        data=at_street.data,
        ruleset_version=at_street.round.version,
        submitted_by=applicant,
        submitted_at=timezone.now(),
    )
    services.resume_after_revision(application=at_street, by=applicant)
    assert (
        "本版被退回修改的意见"
        not in client.get(reverse("applications:version", args=[at_street.pk, 2])).content.decode()
    )
    assert (
        "身份证复印件不清晰"
        in client.get(reverse("applications:version", args=[at_street.pk, 1])).content.decode()
    )


@pytest.mark.parametrize(
    ("other", "status"),
    [
        ("zhao_street", 200),  # the street that returned it
        ("wang_hr", 200),  # the applicant's own unit
        ("li_ming", 404),
        ("qian_dept", 404),
        ("expert_a", 404),
        ("gu_base", 404),
    ],
)
def test_who_sees_a_returned_versions_reasons(at_street, persona, client, other, status):
    services.decide(
        application=at_street,
        stage="street_review",
        outcome="return",
        by=persona("zhao_street"),
        field_reasons={"material.id_card": "身份证复印件不清晰"},
    )
    client.force_login(persona(other), backend="portal.auth_backends.PhoneOrEmailBackend")
    response = client.get(reverse("applications:version", args=[at_street.pk, 1]))
    assert response.status_code == status
    if status == 200:
        assert "身份证复印件不清晰" in response.content.decode()
