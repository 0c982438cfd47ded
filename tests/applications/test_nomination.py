"""The unit's nomination: collective discussion within the cap, internal publicity, scope."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from applications import services
from applications.models import Application
from portal.models import Unit
from portal.services import register_applicant
from tests.applications.conftest import complete, upload_all

pytestmark = pytest.mark.django_db


@pytest.fixture
def machinery(demo_people):
    return Unit.objects.get(name__contains="松江精密")


def _submitted(round, unit, demo_data, n: int):
    """n people of `unit` who submitted to `round` through the unit channel."""
    submitted = []
    for i in range(n):
        user = register_applicant(
            account=f"1390000{i:04d}",
            account_kind="phone",
            real_name=f"申报人{i}",
            id_number=None,
            password="Applicant@2026",
        )
        application = services.start_application(round=round, by=user, channel="unit", unit=unit)
        application = complete(application, demo_data, user)
        upload_all(application, user)
        services.submit_application(application=application, by=user)
        application.refresh_from_db()
        submitted.append(application)
    return submitted


def test_the_unit_nominates_at_most_its_cap(songjiang_round, machinery, demo_data, persona):
    hr = persona("wang_hr")
    first, second, third = _submitted(songjiang_round, machinery, demo_data, 3)
    discussed = timezone.localdate() - timedelta(days=20)
    for application in (first, second):
        services.record_discussion(
            application=application,
            by=hr,
            discussed_on=discussed,
            note="全体班子成员参加，一致同意",
            outcome="pass",
        )
    with pytest.raises(services.ApplicationError, match="每个单位限推荐2人") as raised:
        services.record_discussion(
            application=third, by=hr, discussed_on=discussed, note="一致同意", outcome="pass"
        )
    assert raised.value.field == "outcome"
    third.refresh_from_db()
    assert third.stage == "unit_discussion"
    first.refresh_from_db()
    assert first.stage == "internal_publicity"


def test_publicity_of_less_than_a_week_is_refused(songjiang_round, machinery, demo_data, persona):
    hr = persona("wang_hr")
    (application,) = _submitted(songjiang_round, machinery, demo_data, 1)
    today = timezone.localdate()
    services.record_discussion(
        application=application,
        by=hr,
        discussed_on=today - timedelta(days=20),
        note="同意",
        outcome="pass",
    )
    start = today - timedelta(days=15)
    with pytest.raises(services.ApplicationError, match="不少于7天"):
        services.record_internal_publicity(
            application=application,
            by=hr,
            starts_on=start,
            ends_on=start + timedelta(days=5),
            objections="无",
            outcome="pass",
        )
    services.record_internal_publicity(
        application=application,
        by=hr,
        starts_on=start,
        ends_on=start + timedelta(days=6),
        objections="无",
        outcome="pass",
    )
    application.refresh_from_db()
    # An enterprise candidate goes on to the street (沪松人社规〔2024〕1号 四(二)).
    assert application.stage == "street_review"
    assert application.nomination.publicity_ends_on == start + timedelta(days=6)


def test_five_working_days_count_the_holidays_out():
    from programmes.loader import RULESET_DIR
    from programmes.ruleset import load_ruleset

    ruleset = load_ruleset(RULESET_DIR / "shizhong-chief-technician.yaml")
    # National Day 2025: 1-8 October off, Sunday 28 September an adjusted working day.
    # 28 Sep .. 9 Oct holds 4 working days (28, 29, 30 Sep, 9 Oct); to 10 Oct, 5.
    assert "只有4个工作日" in services.publicity_long_enough(
        ruleset, date(2025, 9, 28), date(2025, 10, 9)
    )
    assert services.publicity_long_enough(ruleset, date(2025, 9, 28), date(2025, 10, 10)) is None


def test_unit_hr_sees_only_their_units_people(
    songjiang_round, machinery, demo_data, client, login_as
):
    (mine,) = _submitted(songjiang_round, machinery, demo_data, 1)
    school = Unit.objects.get(name__contains="职业技术学校")
    other = register_applicant(
        account="13911112222",
        account_kind="phone",
        real_name="钱老师",
        id_number=None,
        password="Applicant@2026",
    )
    theirs = services.start_application(
        round=songjiang_round, by=other, channel="unit", unit=school
    )
    theirs = complete(theirs, demo_data, other)
    upload_all(theirs, other)
    services.submit_application(application=theirs, by=other)
    login_as("wang_hr")
    page = client.get(reverse("applications:unit_nominations")).content.decode()
    assert "申报人0" in page and "钱老师" not in page
    assert client.get(reverse("applications:unit_nomination", args=[mine.pk])).status_code == 200
    assert client.get(reverse("applications:unit_nomination", args=[theirs.pk])).status_code == 404
    assert client.get(reverse("applications:detail", args=[theirs.pk])).status_code == 404
    # ... and cannot act on another unit's application through the service either.
    with pytest.raises(services.ApplicationError):
        services.record_discussion(
            application=theirs,
            by=login_as("wang_hr"),
            discussed_on=timezone.localdate(),
            note="x",
            outcome="pass",
        )


@pytest.mark.parametrize("username", ["li_ming", "zhao_street", "expert_a", "sun_finance"])
def test_only_unit_hr_opens_the_nomination_pages(demo_people, client, login_as, username):
    login_as(username)
    assert client.get(reverse("applications:unit_nominations")).status_code == 403


def test_the_nomination_page_records_the_discussion(
    songjiang_round, machinery, demo_data, client, login_as
):
    (application,) = _submitted(songjiang_round, machinery, demo_data, 1)
    login_as("wang_hr")
    url = reverse("applications:unit_nomination", args=[application.pk])
    future = (timezone.localdate() + timedelta(days=2)).isoformat()
    response = client.post(url, {"discussed_on": future, "note": "同意推荐", "outcome": "pass"})
    assert "日期不能晚于今天" in response.content.decode()
    assert "同意推荐" in response.content.decode()  # nothing typed is lost
    past = (timezone.localdate() - timedelta(days=10)).isoformat()
    response = client.post(url, {"discussed_on": past, "note": "同意推荐", "outcome": "pass"})
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == Application.Status.IN_REVIEW
    assert application.stage == "internal_publicity"


def test_unit_hr_sees_the_id_number_masked(songjiang_round, machinery, demo_data, client, login_as):
    from portal.identity import mask_id_number

    (application,) = _submitted(songjiang_round, machinery, demo_data, 1)
    full = application.data["person"]["id_number"]
    login_as("wang_hr")
    page = client.get(
        reverse("applications:unit_nomination", args=[application.pk])
    ).content.decode()
    assert full not in page
    assert mask_id_number(full) in page
