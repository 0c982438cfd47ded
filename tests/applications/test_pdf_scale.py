"""PDFs at scale: a submitted form is rendered once and then read from the cache; a batch is
split into chunks that any worker process takes, and the zip is the same however it is split."""

from __future__ import annotations

import zipfile

import pytest

from applications import pdf
from applications.models import Application, PdfBatch, PdfBatchChunk
from applications.pdf_batches import build_batch, start_pdf_batch
from applications.pdf_cache import cache_dir
from portal import crypto
from tests.applications.test_pdf import make_application
from tests.applications.test_pdf_batch import applicants, wait_for

CODE = "songjiang-chief-technician"


@pytest.fixture
def private_root(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = str(tmp_path / "private")
    return tmp_path / "private"


def cached_entries() -> list:
    return sorted(cache_dir().rglob("*.pdf")) if cache_dir().exists() else []


@pytest.fixture
def count_renders(monkeypatch):
    """How many times WeasyPrint actually draws a form (the real renderer, counted)."""
    calls = []
    real = pdf.render_form_data_pdf

    def counting(*args, **kwargs):
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(pdf, "render_form_data_pdf", counting)
    return calls


def test_a_submitted_form_is_rendered_once_then_read(
    demo_people, django_user_model, private_root, count_renders
):
    (person,) = applicants(django_user_model, ["张伟"])
    application = make_application(CODE, person)
    first = pdf.render_application_pdf(application, mask_id=True)
    second = pdf.render_application_pdf(application, mask_id=True)
    assert first == second and first.startswith(b"%PDF")
    assert len(count_renders) == 1
    assert len(cached_entries()) == 1

    # Another viewer's masking, or changed data, is another document.
    pdf.render_application_pdf(application, mask_id=False)
    application.data["person"]["name"] = "张伟伟"
    application.save(update_fields=["data"])
    pdf.render_application_pdf(application, mask_id=True)
    assert len(count_renders) == 3
    assert len(cached_entries()) == 3


def test_a_kept_form_is_encrypted_at_rest_and_a_retired_key_means_a_new_render(
    demo_people, django_user_model, private_root, count_renders, settings
):
    (person,) = applicants(django_user_model, ["王密文"])
    application = make_application(CODE, person)
    full = pdf.render_application_pdf(application, mask_id=False)
    (entry,) = cached_entries()
    stored = entry.read_bytes()
    assert full.startswith(b"%PDF") and not stored.startswith(b"%PDF")
    assert crypto.fernet().decrypt(stored) == full  # a token under the field-encryption keys
    assert pdf.render_application_pdf(application, mask_id=False) == full
    assert len(count_renders) == 1

    settings.SALT_KEY = ["a-new-key-of-this-test", *settings.SALT_KEY]  # rotated: old still opens
    assert pdf.render_application_pdf(application, mask_id=False) == full
    assert len(count_renders) == 1
    settings.SALT_KEY = ["a-new-key-of-this-test"]  # the old key retired: drawn again, kept anew
    assert pdf.render_application_pdf(application, mask_id=False) == full
    assert len(count_renders) == 2


def test_a_draft_is_always_drawn_anew_and_never_kept(
    demo_people, django_user_model, private_root, count_renders
):
    (person,) = applicants(django_user_model, ["陈草稿"])
    draft = make_application(CODE, person, status=Application.Status.DRAFT)
    pdf.render_application_pdf(draft)
    pdf.render_application_pdf(draft)
    assert len(count_renders) == 2
    assert cached_entries() == []


def test_the_cache_can_be_turned_off(
    demo_people, django_user_model, private_root, count_renders, settings
):
    settings.PDF_CACHE = False
    (person,) = applicants(django_user_model, ["王磊"])
    application = make_application(CODE, person)
    pdf.render_application_pdf(application)
    pdf.render_application_pdf(application)
    assert len(count_renders) == 2
    assert cached_entries() == []


def zip_entries(batch: PdfBatch) -> dict[str, bytes]:
    with zipfile.ZipFile(batch.file.path) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


@pytest.fixture
def five_applications(demo_people, django_user_model):
    people = applicants(django_user_model, ["甲一", "乙二", "丙三", "丁四", "戊五"])
    return [make_application(CODE, person) for person in people]


def run_batch(round_, by, django_capture_on_commit_callbacks) -> PdfBatch:
    """Start a batch and run every task it queues, in process, until none is left."""
    with django_capture_on_commit_callbacks(execute=True):
        batch = start_pdf_batch(round=round_, by=by)
    batch.refresh_from_db()
    return batch


def test_a_batch_is_split_into_chunks_and_zipped_once_the_same_however_split(
    five_applications, persona, private_root, settings, django_capture_on_commit_callbacks
):
    round_ = five_applications[0].round
    settings.PDF_BATCH_CHUNK = 2
    split = run_batch(round_, persona("chen_office"), django_capture_on_commit_callbacks)
    assert split.status == PdfBatch.Status.DONE, split.error
    assert (split.done, split.total) == (5, 5)
    assert [len(c.application_ids) for c in split.chunks.all()] == [2, 2, 1]
    assert all(c.done_at for c in split.chunks.all())

    settings.PDF_BATCH_CHUNK = 100
    whole = run_batch(round_, persona("chen_office"), django_capture_on_commit_callbacks)
    assert whole.status == PdfBatch.Status.DONE, whole.error
    assert whole.chunks.count() == 1
    assert zip_entries(split) == zip_entries(whole)  # the same names, the same PDFs
    assert len(zip_entries(whole)) == 5
    # Nothing is left in the work folders.
    assert not list((private_root / "pdf_batches" / "tmp").glob("*/*"))


def test_a_redelivered_chunk_counts_nothing_twice(
    five_applications, persona, private_root, settings, django_capture_on_commit_callbacks
):
    from applications.pdf_batches import render_chunk

    settings.PDF_BATCH_CHUNK = 2
    batch = run_batch(
        five_applications[0].round, persona("chen_office"), django_capture_on_commit_callbacks
    )
    assert batch.status == PdfBatch.Status.DONE
    file_name = batch.file.name
    for chunk in PdfBatchChunk.objects.filter(batch=batch):
        render_chunk(chunk.pk)  # the broker delivers it again
    batch.refresh_from_db()
    assert (batch.done, batch.status, batch.file.name) == (5, PdfBatch.Status.DONE, file_name)


def test_an_empty_batch_is_done_with_an_empty_zip(
    demo_people, persona, private_root, django_capture_on_commit_callbacks, django_user_model
):
    (person,) = applicants(django_user_model, ["只有草稿"])
    draft = make_application(CODE, person, status=Application.Status.DRAFT)
    batch = run_batch(draft.round, persona("chen_office"), django_capture_on_commit_callbacks)
    assert batch.status == PdfBatch.Status.DONE
    assert zip_entries(batch) == {}


@pytest.fixture
def one_form_a_chunk(monkeypatch):
    """The worker splits batches one form a chunk (it reads PDF_BATCH_CHUNK at start)."""
    monkeypatch.setenv("PDF_BATCH_CHUNK", "1")


@pytest.mark.celery
def test_a_batch_on_a_real_worker_renders_its_chunks_and_counts_across_them(
    one_form_a_chunk, celery_worker, five_applications, persona
):
    batch = wait_for(start_pdf_batch(round=five_applications[0].round, by=persona("chen_office")))
    assert batch.status == PdfBatch.Status.DONE, batch.error
    assert batch.chunks.count() == 5
    assert (batch.done, batch.total, batch.percent) == (5, 5, 100)
    assert len(zip_entries(batch)) == 5
    build_batch(batch.pk)  # a redelivered start changes nothing
    batch.refresh_from_db()
    assert batch.chunks.count() == 5
