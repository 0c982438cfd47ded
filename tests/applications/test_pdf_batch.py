"""A round's PDF forms as one zip, made by the Celery task on a real worker; who may start one."""

from __future__ import annotations

import subprocess
import time
import zipfile
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied

from applications.models import Application, PdfBatch
from applications.pdf_batches import start_pdf_batch
from portal.models import Region
from tests.applications.test_pdf import make_application

CODE = "songjiang-chief-technician"


def applicants(django_user_model, names):
    return [
        django_user_model.objects.create(username=f"applicant_{n}", real_name=name)
        for n, name in enumerate(names)
    ]


@pytest.fixture
def round_with_applications(demo_people, django_user_model):
    """Two applications on 车墩镇, one on 岳阳街道, and a draft that is not exported."""
    chedun = Region.objects.get(code="songjiang-chedun")
    yueyang = Region.objects.get(code="songjiang-yueyang")
    people = applicants(django_user_model, ["张伟", "王磊", "刘洋", "陈草稿"])
    apps = [
        make_application(CODE, people[0], street=chedun),
        make_application(CODE, people[1], street=chedun, status="approved"),
        make_application(CODE, people[2], street=yueyang),
        make_application(CODE, people[3], street=chedun, status=Application.Status.DRAFT),
    ]
    yield apps[0].round, chedun, apps
    for batch in PdfBatch.objects.all():
        if batch.file:
            batch.file.delete(save=False)


def wait_for(batch: PdfBatch, seconds: float = 90) -> PdfBatch:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        batch.refresh_from_db()
        if batch.status in (PdfBatch.Status.DONE, PdfBatch.Status.FAILED):
            return batch
        time.sleep(0.2)
    raise AssertionError(f"batch still {batch.status} after {seconds}s")


def zip_texts(batch: PdfBatch, tmp_path: Path) -> dict[str, str]:
    texts = {}
    with zipfile.ZipFile(batch.file.path) as archive:
        for name in archive.namelist():
            content = archive.read(name)
            assert content.startswith(b"%PDF")
            path = tmp_path / "one.pdf"
            path.write_bytes(content)
            out = subprocess.run(
                ["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, check=True
            )
            texts[name] = "".join(out.stdout.decode("utf-8").split())
    return texts


@pytest.mark.celery
def test_batches_are_made_by_the_worker_one_pdf_per_application(
    celery_worker, round_with_applications, persona, tmp_path
):
    """A whole round by the office (IDs in full), then one street by its reviewer (masked)."""
    round_, chedun, apps = round_with_applications
    full_id = apps[0].data["person"]["id_number"]
    masked_id = full_id[:3] + "*" * 11 + full_id[-4:]

    batch = wait_for(start_pdf_batch(round=round_, by=persona("chen_office")))
    assert batch.status == PdfBatch.Status.DONE, batch.error
    assert (batch.done, batch.total, batch.percent) == (3, 3, 100)
    assert Path(batch.file.path).is_relative_to(Path(batch.file.storage.location))
    texts = zip_texts(batch, tmp_path)
    assert sorted(texts) == sorted(f"2026-{a.pk:06d}-{a.applicant.real_name}.pdf" for a in apps[:3])
    for text in texts.values():
        assert "松江区首席技师（2026年）申报表" in text
        assert full_id in text  # the office sees ID numbers in full

    batch = wait_for(start_pdf_batch(round=round_, street=chedun, by=persona("zhao_street")))
    assert batch.status == PdfBatch.Status.DONE, batch.error
    texts = zip_texts(batch, tmp_path)
    assert sorted(texts) == sorted(f"2026-{a.pk:06d}-{a.applicant.real_name}.pdf" for a in apps[:2])
    for text in texts.values():
        assert full_id not in text and masked_id in text


@pytest.mark.parametrize(
    ("username", "whole_round", "allowed"),
    [
        ("chen_office", True, True),
        ("admin", True, True),
        ("zhao_street", False, True),
        ("zhao_street", True, False),
        ("li_ming", True, False),
        ("li_ming", False, False),
        ("wang_hr", False, False),
        ("qian_dept", False, False),
        ("zhou_union", False, False),
        ("expert_a", False, False),
        ("sun_finance", False, False),
        ("gu_base", False, False),
    ],
)
def test_who_may_start_a_batch(round_with_applications, persona, username, whole_round, allowed):
    round_, chedun, _apps = round_with_applications
    street = None if whole_round else chedun
    if allowed:
        batch = start_pdf_batch(round=round_, street=street, by=persona(username))
        # queued after commit (the worker tests above make it)
        assert batch.status == PdfBatch.Status.PENDING
        assert batch.total == (3 if whole_round else 2)
        assert batch.mask_id == (username not in ("chen_office", "admin"))
    else:
        with pytest.raises(PermissionDenied):
            start_pdf_batch(round=round_, street=street, by=persona(username))
        assert not PdfBatch.objects.exists()


def test_a_street_reviewer_may_not_export_another_street(round_with_applications, persona):
    round_, _chedun, _apps = round_with_applications
    yueyang = Region.objects.get(code="songjiang-yueyang")
    with pytest.raises(PermissionDenied):
        start_pdf_batch(round=round_, street=yueyang, by=persona("zhao_street"))


def test_a_batch_that_cannot_be_written_is_marked_failed_with_a_reason(
    round_with_applications, persona, settings, tmp_path
):
    from applications.pdf_batches import build_batch

    round_, _chedun, _apps = round_with_applications
    batch = start_pdf_batch(round=round_, by=persona("chen_office"))
    blocker = tmp_path / "not-a-directory"
    blocker.write_text("x")
    settings.PRIVATE_MEDIA_ROOT = blocker
    build_batch(batch.pk)
    batch.refresh_from_db()
    assert batch.status == PdfBatch.Status.FAILED
    assert batch.error.startswith("生成申报表时出错")
    assert batch.finished_at is not None
    # a redelivered task does not start it again
    build_batch(batch.pk)
    batch.refresh_from_db()
    assert batch.status == PdfBatch.Status.FAILED
