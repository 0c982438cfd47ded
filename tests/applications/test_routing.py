"""Routing without a unit, the apply page's units, and unit HR only after sending (issue 12, 5.)."""

from __future__ import annotations

import pytest
from django.utils import timezone

from applications.models import Application
from portal.models import Region, Role, Unit
from portal.roles import grant


@pytest.fixture
def freelancer(demo_people):
    from portal.models import User

    user = User.objects.create(username="kong_fanxin", real_name="孔凡新")
    grant(user, Role.APPLICANT)
    return user


def _apply(client, round_, **data):
    return client.post(f"/rounds/{round_.pk}/apply/", data)


def test_the_apply_page_offers_only_the_programmes_districts_units(client, login_as, rounds):
    login_as("li_ming")
    page = client.get(f"/rounds/{rounds['shizhong-chief-technician'].pk}/apply/")
    units = list(page.context["form"].fields["unit"].queryset)
    assert units == list(Unit.objects.filter(tax_district__code="shizhong"))
    assert "上海松江精密机械有限公司" not in page.content.decode()
    # The craftsman round is the city's: Songjiang's and Qingpu's units, not Shizhong's.
    page = client.get(f"/rounds/{rounds['shanghai-craftsman'].pk}/apply/")
    districts = {u.tax_district.code for u in page.context["form"].fields["unit"].queryset}
    assert districts == {"songjiang", "qingpu"}
    # Found by search.
    page = client.get(f"/rounds/{rounds['shanghai-craftsman'].pk}/apply/?unit_q=青浦")
    names = [u.name for u in page.context["form"].fields["unit"].queryset]
    assert names == ["上海青浦智能制造股份有限公司"]
    page = client.get(f"/rounds/{rounds['shanghai-craftsman'].pk}/apply/?unit_q=不存在的单位")
    assert "没有找到“不存在的单位”" in page.content.decode()


def test_a_unit_of_another_district_is_refused(client, login_as, rounds):
    login_as("li_ming")
    songjiang_unit = Unit.objects.get(name="上海松江精密机械有限公司")
    response = _apply(
        client, rounds["shizhong-chief-technician"], channel="unit", unit=songjiang_unit.pk
    )
    assert response.status_code == 200
    assert response.context["form"].errors["unit"] == ["请从列表中选择单位"]
    assert not Application.objects.filter(round=rounds["shizhong-chief-technician"]).exists()


def test_a_freelancer_names_the_residence_street_and_its_reviewer_acts(
    client, freelancer, rounds, login_as
):
    round_ = rounds["shizhong-chief-technician"]
    client.force_login(freelancer, backend="portal.auth_backends.PhoneOrEmailBackend")
    missing = _apply(client, round_, channel="self")
    assert missing.status_code == 200
    assert missing.context["form"].errors["street"] == [
        "没有工作单位的，请选择户籍或居住地所在街道（镇）。"
    ]
    assert (
        'value="self" selected' in missing.content.decode()
        or missing.context["form"]["channel"].value() == "self"
    )  # what was entered is kept
    songjiang_street = Region.objects.get(code="songjiang-chedun")
    wrong = _apply(client, round_, channel="self", street=songjiang_street.pk)
    assert wrong.context["form"].errors["street"] == ["请从列表中选择街道（镇）"]
    street = Region.objects.get(code="shizhong-guangminglu")
    done = _apply(client, round_, channel="self", street=street.pk)
    assert done.status_code == 302
    application = Application.objects.get(round=round_, applicant=freelancer)
    assert application.street == street and application.unit is None
    # Sent on, it waits at that street: its reviewer opens it, another street's does not.
    Application.objects.filter(pk=application.pk).update(
        status="in_review", stage="street_nomination", submitted_at=timezone.now()
    )
    from portal.models import User

    reviewer = User.objects.create(username="guangming_reviewer", real_name="田卫东")
    grant(reviewer, Role.STREET_REVIEWER, region=street)
    other = User.objects.create(username="wenhua_reviewer", real_name="文化路审核员")
    grant(other, Role.STREET_REVIEWER, region=Region.objects.get(code="shizhong-wenhualu"))
    client.force_login(reviewer, backend="portal.auth_backends.PhoneOrEmailBackend")
    assert client.get(f"/reviews/applications/{application.pk}/").status_code == 200
    assert f"/reviews/applications/{application.pk}/" in client.get("/reviews/").content.decode()
    client.force_login(other, backend="portal.auth_backends.PhoneOrEmailBackend")
    assert client.get(f"/reviews/applications/{application.pk}/").status_code == 404


def test_unit_hr_sees_an_application_only_once_sent_to_the_unit(client, login_as, draft):
    login_as("wang_hr")
    assert client.get(f"/applications/{draft.pk}/").status_code == 404
    assert client.get(f"/unit/nominations/{draft.pk}/").status_code == 404
    assert draft.pk not in {
        row["application"].pk for row in client.get("/unit/nominations/").context["rows"]
    }
    Application.objects.filter(pk=draft.pk).update(
        status="in_review", stage="unit_discussion", submitted_at=timezone.now()
    )
    assert client.get(f"/applications/{draft.pk}/").status_code == 200
    assert client.get(f"/unit/nominations/{draft.pk}/").status_code == 200
