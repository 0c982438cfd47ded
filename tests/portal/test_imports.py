"""Importing the units list from Excel in the admin: preview first, a bad file changes nothing."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse
from openpyxl import Workbook
from stdnum.cn import uscc

from portal.models import Unit

pytestmark = pytest.mark.django_db

HEADERS = ["单位名称", "统一社会信用代码", "单位性质", "税务登记所在区", "所在街道/镇/园区"]


def credit_code(n: int) -> str:
    body = f"91310117MA1K{n:05d}"
    return body + uscc.calc_check_digit(body)


def xlsx(rows) -> io.BytesIO:
    book = Workbook()
    sheet = book.active
    sheet.append(HEADERS)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    buffer.seek(0)
    buffer.name = "units.xlsx"
    return buffer


def _import(client, rows):
    return client.post(
        reverse("admin:portal_unit_import"),
        {"import_file": xlsx(rows), "format": "0", "resource": "0"},
    )


def test_a_file_with_bad_rows_changes_nothing_and_names_each_bad_row(demo_people, client, login_as):
    login_as("admin")
    before = Unit.objects.count()
    rows = [
        ["上海云间智造有限公司", credit_code(1), "企业", "松江区", "车墩镇"],
        ["上海坏代码有限公司", "91310117MA1K000010", "企业", "松江区", "车墩镇"],  # bad check digit
        ["上海九亭精工有限公司", credit_code(3), "企业", "松江区", "九亭镇"],
        ["上海无此区有限公司", credit_code(4), "企业", "火星区", "车墩镇"],  # unknown district
        ["上海性质不明有限公司", credit_code(5), "外星企业", "松江区", "车墩镇"],  # unknown kind
    ]
    response = _import(client, rows)
    page = response.content.decode()
    assert response.status_code == 200
    # Rows are numbered as in Excel's data rows: the 2nd, 4th and 5th are named, with reasons.
    for bad in ("上海坏代码有限公司", "火星区", "外星企业"):
        assert bad in page
    assert "找不到名为“火星区”" in page
    assert "不是有效的选项" in page
    assert 'name="confirm"' not in page and "确认导入" not in page
    assert Unit.objects.count() == before


def test_a_good_file_is_previewed_then_imported_on_confirmation(demo_people, client, login_as):
    login_as("admin")
    before = Unit.objects.count()
    rows = [["上海云间智造有限公司", credit_code(1), "企业", "松江区", "车墩镇"]]
    response = _import(client, rows)
    assert response.status_code == 200
    assert Unit.objects.count() == before  # a preview changes nothing
    form = response.context["confirm_form"]
    response = client.post(reverse("admin:portal_unit_process_import"), form.initial)
    assert response.status_code == 302
    unit = Unit.objects.get(credit_code=credit_code(1))
    assert unit.street.name == "车墩镇" and unit.tax_district.name == "松江区"


@pytest.mark.parametrize("username", ["li_ming", "zhao_street", "expert_a", "sun_finance"])
def test_only_the_office_and_admin_import_units(demo_people, client, login_as, username):
    login_as(username)
    response = client.get(reverse("admin:portal_unit_import"))
    assert response.status_code in (302, 403)


def test_the_office_exports_a_rounds_candidate_list(demo_people, client, login_as):
    from django.core.management import call_command
    from openpyxl import load_workbook

    call_command("load_demo", stdout=io.StringIO())
    login_as("chen_office")
    response = client.post(
        reverse("admin:applications_application_export"),
        {
            "format": "0",
            "resource": "0",
            **{
                f"candidatelistresource_{n}": "on"
                for n in (
                    "number",
                    "round",
                    "programme",
                    "applicant",
                    "unit",
                    "street",
                    "channel",
                    "status",
                    "stage",
                    "submitted_at",
                )
            },
        },
    )
    assert response.status_code == 200, response.content[:500]
    sheet = load_workbook(io.BytesIO(response.content)).active
    headers = [c.value for c in sheet[1]]
    assert headers[:4] == ["申报编号", "申报批次", "人才项目", "申报人"]
    names = {row[3] for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert {"张伟", "刘洋"} <= names


def test_a_credit_code_twice_in_one_file_names_the_second_row(demo_people, client, login_as):
    login_as("admin")
    before = Unit.objects.count()
    rows = [
        ["上海云间智造有限公司", credit_code(11), "企业", "松江区", "车墩镇"],
        ["上海云间智造二厂有限公司", credit_code(11), "企业", "松江区", "车墩镇"],
    ]
    page = _import(client, rows).content.decode()
    assert "统一社会信用代码与第 1 行重复" in page
    assert Unit.objects.count() == before


def test_the_preview_shows_each_rows_values_and_an_unchanged_file_is_skipped(
    demo_people, client, login_as
):
    from import_export.formats.base_formats import XLSX

    from portal.resources import UnitResource

    login_as("admin")
    rows = [["上海云间智造有限公司", credit_code(21), "企业", "松江区", "车墩镇"]]
    page = _import(client, rows).content.decode()
    assert "上海云间智造有限公司" in page and credit_code(21) in page and "车墩镇" in page
    assert not Unit.objects.filter(credit_code=credit_code(21)).exists()

    dataset = XLSX().create_dataset(xlsx(rows).getvalue())
    first = UnitResource().import_data(dataset, dry_run=False)
    assert first.totals["new"] == 1
    again = UnitResource().import_data(dataset, dry_run=False)
    assert (again.totals["new"], again.totals["update"], again.totals["skip"]) == (0, 0, 1)
    rows[0][0] = "上海云间智造集团有限公司"
    changed = UnitResource().import_data(
        XLSX().create_dataset(xlsx(rows).getvalue()), dry_run=False
    )
    assert changed.totals["update"] == 1
    assert Unit.objects.get(credit_code=credit_code(21)).name == "上海云间智造集团有限公司"
