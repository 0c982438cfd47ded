"""The office's statistics: what it counts, the xlsx download, and who may see it."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.urls import reverse
from openpyxl import load_workbook

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(demo_people):
    call_command("load_demo", stdout=io.StringIO())


def test_the_office_sees_applications_per_stage_and_street(demo, client, login_as):
    login_as("chen_office")
    response = client.get(reverse("statistics"))
    assert response.status_code == 200
    tables = {t["key"]: t for t in response.context["tables"]}
    stages = tables["stages"]["rows"]
    # The demo: one application at the unit's discussion, two at the street (车墩镇).
    assert sum(r[3] for r in stages) >= 3
    streets = {r[1]: r[2] for r in tables["streets"]["rows"]}
    assert streets.get("车墩镇", 0) >= 3
    page = response.content.decode()
    assert "chart.umd.min.js" in page and "cdn" not in page.lower()


def test_each_table_downloads_as_xlsx_with_chinese_headers(demo, client, login_as):
    login_as("chen_office")
    response = client.get(reverse("statistics") + "?download=streets")
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert [c.value for c in sheet[1]] == ["批次", "街道/镇/园区", "件数"]
    assert sheet.max_row >= 2


def test_a_street_reviewer_sees_only_their_streets_applications(demo, client, login_as, persona):
    from applications import services
    from applications.declaration import prefilled
    from applications.demo_data import demo_form_data
    from applications.models import Application
    from portal.models import Unit
    from portal.services import register_applicant
    from programmes.models import Round
    from tests.applications.conftest import as_post, upload_all

    round = Round.objects.get(version__programme__code="songjiang-chief-technician")
    teacher = register_applicant(
        account="13911110000",
        account_kind="phone",
        real_name="钱老师",
        id_number=None,
        password="Teacher@2026",
    )
    school = Unit.objects.get(name__contains="职业技术学校")
    application = services.start_application(round=round, by=teacher, channel="self", unit=school)
    ruleset = round.version.ruleset
    data = prefilled(
        ruleset,
        demo_form_data(ruleset, on=application.created_at.date()),
        services.known_of(application),
        overwrite=True,
    )
    application, _ = services.save_draft(
        application=application, post=as_post(ruleset, data), by=teacher
    )
    upload_all(application, teacher)
    services.submit_application(application=application, by=teacher)
    assert Application.objects.get(pk=application.pk).street.name == "岳阳街道"

    login_as("chen_office")
    office = {t["key"]: t for t in client.get(reverse("statistics")).context["tables"]}
    client.logout()
    login_as("zhao_street")
    response = client.get(reverse("statistics"))
    assert response.status_code == 200
    tables = {t["key"]: t for t in response.context["tables"]}
    assert set(tables) == {"stages", "streets", "unit_kinds", "time_in_stage"}
    streets = {r[1] for r in tables["streets"]["rows"]}
    assert streets == {"车墩镇"}
    assert "岳阳街道" in {r[1] for r in office["streets"]["rows"]}
    assert sum(r[3] for r in tables["stages"]["rows"]) < sum(r[3] for r in office["stages"]["rows"])


def test_finance_sees_the_money_and_the_awards_only(demo, client, login_as):
    login_as("sun_finance")
    response = client.get(reverse("statistics"))
    assert {t["key"] for t in response.context["tables"]} == {"awards", "money"}
    assert response.context["tables"][1]["rows"], "the demo ledger has payments"


@pytest.mark.parametrize("username", ["li_ming", "wang_hr", "expert_a", "gu_base"])
def test_roles_without_a_dashboard_do_not_see_the_statistics(
    demo_people, client, login_as, username
):
    login_as(username)
    assert client.get(reverse("statistics")).status_code == 403
    assert client.get(reverse("statistics") + "?download=streets").status_code == 403
