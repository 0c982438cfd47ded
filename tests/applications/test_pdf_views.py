"""The batch pages: who may open them (each role both ways), starting a batch, its progress,
downloading the zip; bad input gets a Chinese message next to the field."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from applications.models import PdfBatch
from applications.pdf_batches import start_pdf_batch
from portal.models import Region
from tests.applications.test_pdf_batch import round_with_applications  # noqa: F401 (fixture)

MAY = ["chen_office", "admin", "zhao_street"]
MAY_NOT = [
    "li_ming",
    "gu_base",
    "wang_hr",
    "qian_dept",
    "zhou_union",
    "expert_a",
    "expert_b",
    "sun_finance",
]


def made_batch(round_, *, street, by, count):
    """A finished batch with a small zip (the rendering itself is tested in test_pdf_batch)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for n in range(count):
            archive.writestr(f"{n}.pdf", b"%PDF-1.7 test")
    batch = PdfBatch.objects.create(
        round=round_, street=street, requested_by=by, status="done", total=count, done=count
    )
    batch.file.save(f"{batch.pk}.zip", ContentFile(buffer.getvalue()))
    return batch


@pytest.fixture
def batches(round_with_applications, persona):  # noqa: F811
    """A whole-round batch by the office and a 车墩镇 batch by the street reviewer, both made."""
    round_, chedun, _apps = round_with_applications
    whole = made_batch(round_, street=None, by=persona("chen_office"), count=3)
    street = made_batch(round_, street=chedun, by=persona("zhao_street"), count=2)
    return whole, street


@pytest.mark.parametrize("username", MAY)
def test_the_batch_page_opens_for_office_and_street(client, login_as, username, batches):
    login_as(username)
    response = client.get(reverse("pdf_batches:list"))
    assert response.status_code == 200
    assert "申报表批量导出" in response.content.decode()


@pytest.mark.parametrize("username", MAY_NOT)
def test_the_batch_pages_are_forbidden_to_other_roles(client, login_as, username, batches):
    login_as(username)
    whole, street = batches
    assert client.get(reverse("pdf_batches:list")).status_code == 403
    for batch in (whole, street):
        for name in ("detail", "progress", "download"):
            url = reverse(f"pdf_batches:{name}", args=[batch.pk])
            assert client.get(url).status_code == 403, (name, batch)


def test_anonymous_is_sent_to_sign_in(client, batches):
    response = client.get(reverse("pdf_batches:list"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    response = client.get(reverse("pdf_batches:download", args=[batches[0].pk]))
    assert response.status_code == 302


def test_office_sees_and_downloads_every_batch(client, login_as, batches):
    login_as("chen_office")
    for batch in batches:
        response = client.get(reverse("pdf_batches:download", args=[batch.pk]))
        assert response.status_code == 200
        assert response["Content-Type"] == "application/zip"
        assert response["X-Content-Type-Options"] == "nosniff"
        assert "attachment" in response["Content-Disposition"]
        archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
        assert len(archive.namelist()) == batch.total
        progress = client.get(reverse("pdf_batches:progress", args=[batch.pk])).json()
        assert progress["status"] == "done" and progress["percent"] == 100


def test_street_reviewer_sees_only_their_streets_batch(client, login_as, batches):
    whole, street = batches
    login_as("zhao_street")
    assert client.get(reverse("pdf_batches:detail", args=[street.pk])).status_code == 200
    assert client.get(reverse("pdf_batches:download", args=[street.pk])).status_code == 200
    for name in ("detail", "progress", "download"):
        assert client.get(reverse(f"pdf_batches:{name}", args=[whole.pk])).status_code == 404
    listing = client.get(reverse("pdf_batches:list")).context["batches"]
    assert list(listing) == [street]


def test_office_starts_a_round_batch_from_the_page(
    client,
    login_as,
    round_with_applications,  # noqa: F811
    django_capture_on_commit_callbacks,
):
    round_, _chedun, _apps = round_with_applications
    login_as("chen_office")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("pdf_batches:list"), {"round": round_.pk, "street": ""})
    batch = PdfBatch.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("pdf_batches:detail", args=[batch.pk])
    batch.refresh_from_db()
    assert (batch.status, batch.total, batch.street, batch.mask_id) == ("done", 3, None, False)
    page = client.get(response["Location"]).content.decode()
    assert "下载压缩包" in page


def test_street_reviewer_must_choose_their_own_street(
    client,
    login_as,
    round_with_applications,  # noqa: F811
):
    round_, chedun, _apps = round_with_applications
    yueyang = Region.objects.get(code="songjiang-yueyang")
    login_as("zhao_street")
    response = client.post(reverse("pdf_batches:list"), {"round": round_.pk, "street": ""})
    assert response.status_code == 200
    assert "请选择本街镇" in response.content.decode()
    response = client.post(reverse("pdf_batches:list"), {"round": round_.pk, "street": yueyang.pk})
    assert response.status_code == 200
    assert "您只能导出本街镇的申报" in response.content.decode()
    # what was chosen stays chosen
    assert f'value="{round_.pk}" selected' in response.content.decode()
    assert not PdfBatch.objects.exists()
    response = client.post(reverse("pdf_batches:list"), {"round": round_.pk, "street": chedun.pk})
    assert response.status_code == 302
    batch = PdfBatch.objects.get()
    assert batch.street == chedun and batch.mask_id is True


def test_a_round_must_be_chosen(client, login_as, round_with_applications):  # noqa: F811
    login_as("chen_office")
    response = client.post(reverse("pdf_batches:list"), {"round": "", "street": ""})
    assert response.status_code == 200
    assert "请选择申报批次" in response.content.decode()


def test_download_before_the_zip_is_made_is_not_found(
    client,
    login_as,
    round_with_applications,  # noqa: F811
    persona,
):
    round_, _chedun, _apps = round_with_applications
    batch = start_pdf_batch(round=round_, by=persona("chen_office"))  # not run: no commit
    login_as("chen_office")
    assert client.get(reverse("pdf_batches:download", args=[batch.pk])).status_code == 404
    page = client.get(reverse("pdf_batches:detail", args=[batch.pk])).content.decode()
    assert 'http-equiv="refresh"' in page
