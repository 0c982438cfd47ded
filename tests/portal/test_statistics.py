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


@pytest.mark.parametrize(
    "username", ["li_ming", "wang_hr", "zhao_street", "expert_a", "sun_finance", "zhou_union"]
)
def test_other_roles_do_not_see_the_statistics(demo_people, client, login_as, username):
    login_as(username)
    assert client.get(reverse("statistics")).status_code == 403
    assert client.get(reverse("statistics") + "?download=streets").status_code == 403
