"""A round's (or one street's) PDF forms as one zip: the service that starts a batch and the
work the Celery task `applications.tasks.render_batch` does, counting progress on PdfBatch."""

from __future__ import annotations

import logging
import re
import shutil
import tempfile
import zipfile
from pathlib import Path

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.files import File
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from applications.models import Application, PdfBatch, PdfBatchChunk
from applications.pdf import PdfLimitExceeded, application_number, render_application_pdf
from portal import scope
from portal.models import Region, RegionKind, Role
from portal.outbox import enqueue
from portal.roles import has_role, scopes
from portal.scope import may_see_full_identity
from programmes.models import Round

logger = logging.getLogger(__name__)

# Drafts and withdrawn applications are not forms anyone signs or stamps.
EXCLUDED_STATUSES = (Application.Status.DRAFT, Application.Status.WITHDRAWN)


def may_start_batch(user, *, street=None, round=None) -> bool:
    """The district office (or an administrator) for a whole round or any street of its own
    authority's rounds; a street reviewer for their own street only."""
    if round is not None and not scope.visible(user, Round.objects.filter(pk=round.pk)).exists():
        return False
    if getattr(user, "is_superuser", False):
        return True
    if has_role(user, Role.DISTRICT_OFFICE):
        offices = scope.office_authority_ids(user) or set()
        if round is not None and round.version.programme.authority_id not in offices:
            return False
        return street is None or exportable_streets(user).filter(pk=street.pk).exists()
    if street is not None and has_role(user, Role.STREET_REVIEWER):
        return street in scopes(user, Role.STREET_REVIEWER, "region")
    return False


def batch_applications(batch: PdfBatch):
    """The applications a batch renders, in a stable order."""
    applications = Application.objects.filter(round_id=batch.round_id).exclude(
        status__in=EXCLUDED_STATUSES
    )
    if batch.street_id:
        applications = applications.filter(street_id=batch.street_id)
    return applications.select_related("round__version", "applicant").order_by("pk")


def start_pdf_batch(*, round, street=None, by) -> PdfBatch:
    """Queue the PDF forms of a round (or of one street's applications in it) as one zip.

    ID numbers are shown in full only when `by` may see them (portal.scope.may_see_full_identity).
    """
    if not may_start_batch(by, street=street, round=round):
        raise PermissionDenied("您没有导出该批次申报表的权限。")
    with transaction.atomic():
        batch = PdfBatch.objects.create(
            round=round,
            street=street,
            requested_by=by,
            mask_id=not may_see_full_identity(by),
            total=0,
        )
        batch.total = batch_applications(batch).count()
        batch.save(update_fields=["total"])
        # Recorded in this transaction, sent after commit (or later, if the broker is down).
        enqueue("applications.render_batch", batch.pk)
    return batch


_UNSAFE = re.compile(r"[\\/:*?\"<>|\x00-\x1f]+")


def entry_name(application: Application) -> str:
    """The PDF's name inside the zip: the application number and the applicant's name."""
    name = application.applicant.real_name or application.applicant.get_username()
    return f"{application_number(application)}-{_UNSAFE.sub('_', name)[:40]}.pdf"


def work_dir(batch_id: int) -> Path:
    """Where a batch's chunks leave their PDFs for the zip (the volume every worker shares)."""
    return Path(settings.PRIVATE_MEDIA_ROOT) / "pdf_batches" / "tmp" / str(batch_id)


def build_batch(batch_id: int) -> None:
    """Split the batch into chunks of PDF_BATCH_CHUNK applications, one task each, so the
    forms render on every worker process at once; the last chunk done assembles the zip.

    Runs once: a batch no longer pending (a redelivered task) is left as it is. A batch the
    watchdog set back to pending (its worker died, portal.outbox.resume_stalled) is split again;
    the forms already in its work folder are not rendered twice.
    """
    with transaction.atomic():
        batch = PdfBatch.objects.select_for_update().filter(pk=batch_id).first()
        if batch is None or batch.status != PdfBatch.Status.PENDING:
            return
        batch.chunks.all().delete()
        ids = list(batch_applications(batch).values_list("pk", flat=True))
        size = max(1, settings.PDF_BATCH_CHUNK)
        chunks = PdfBatchChunk.objects.bulk_create(
            PdfBatchChunk(batch=batch, index=n, application_ids=ids[start : start + size])
            for n, start in enumerate(range(0, len(ids), size))
        )
        batch.status = PdfBatch.Status.RUNNING
        batch.started_at = timezone.now()
        batch.total = len(ids)
        batch.done = 0
        batch.save(update_fields=["status", "started_at", "total", "done"])
        try:
            work_dir(batch_id).mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            logger.exception("PDF batch %s: no work folder", batch_id)
            batch.chunks.all().delete()
            _fail(batch_id, f"生成申报表时出错：{type(exc).__name__}")
            return
        if chunks:
            # Recorded in this transaction, sent after commit (or once the broker is back).
            for chunk in chunks:
                enqueue("applications.render_batch_chunk", chunk.pk)
        else:
            transaction.on_commit(lambda: assemble_batch(batch_id))


def render_chunk(chunk_id: int) -> None:
    """Render one chunk's forms into the batch's work folder, counting each on the batch; the
    chunk that completes the batch assembles the zip. A redelivered chunk renders nothing twice
    (its forms come from the PDF cache) and counts nothing twice."""
    chunk = PdfBatchChunk.objects.select_related("batch").filter(pk=chunk_id).first()
    if chunk is None or chunk.done_at is not None:
        return
    batch = chunk.batch
    if batch.status != PdfBatch.Status.RUNNING:
        return
    folder = work_dir(batch.pk)
    folder.mkdir(parents=True, exist_ok=True)
    applications = Application.objects.filter(pk__in=chunk.application_ids).select_related(
        "round__version", "applicant"
    )
    try:
        for application in applications.order_by("pk"):
            target = folder / f"{application.pk}.pdf"
            if not target.exists():
                content = render_application_pdf(application, mask_id=batch.mask_id)
                partial = target.with_suffix(".part")
                partial.write_bytes(content)
                partial.replace(target)
            PdfBatch.objects.filter(pk=batch.pk).update(done=F("done") + 1)
    except Exception as exc:
        logger.exception("PDF batch %s, chunk %s failed", batch.pk, chunk.index)
        _fail(
            batch.pk,
            str(exc)
            if isinstance(exc, PdfLimitExceeded)
            else f"生成申报表时出错：{type(exc).__name__}",
        )
        return
    with transaction.atomic():
        marked = PdfBatchChunk.objects.filter(pk=chunk_id, done_at__isnull=True).update(
            done_at=timezone.now()
        )
        if not marked:  # another delivery of this chunk got here first
            return
        # The chunk that finds no chunk left to do moves the batch on, exactly once.
        finished = not PdfBatchChunk.objects.filter(batch=batch, done_at__isnull=True).exists()
        if finished and PdfBatch.objects.filter(pk=batch.pk, status=PdfBatch.Status.RUNNING).update(
            status=PdfBatch.Status.ASSEMBLING
        ):
            transaction.on_commit(lambda: assemble_batch(batch.pk))


def _fail(batch_id: int, error: str) -> None:
    PdfBatch.objects.filter(pk=batch_id).exclude(status=PdfBatch.Status.DONE).update(
        status=PdfBatch.Status.FAILED, error=error, finished_at=timezone.now()
    )


def assemble_batch(batch_id: int) -> None:
    """Zip the batch's rendered forms, in application order, and store the zip (once)."""
    batch = PdfBatch.objects.get(pk=batch_id)
    if batch.status not in (PdfBatch.Status.ASSEMBLING, PdfBatch.Status.RUNNING):
        return
    folder = work_dir(batch_id)
    with tempfile.NamedTemporaryFile(dir=folder.parent, suffix=".zip", delete=False) as handle:
        temporary = Path(handle.name)
    try:
        done = 0
        with zipfile.ZipFile(temporary, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            for application in batch_applications(batch).filter(
                pk__in=[pk for chunk in batch.chunks.all() for pk in chunk.application_ids]
            ):
                archive.write(folder / f"{application.pk}.pdf", entry_name(application))
                done += 1
        with temporary.open("rb") as stored:
            batch.file.save(f"{batch.pk}.zip", File(stored), save=False)
        PdfBatch.objects.filter(pk=batch.pk).update(
            file=batch.file.name,
            done=done,
            total=done,
            status=PdfBatch.Status.DONE,
            finished_at=timezone.now(),
        )
    except Exception as exc:
        logger.exception("PDF batch %s failed while zipping", batch_id)
        _fail(batch_id, f"打包申报表时出错：{type(exc).__name__}")
    finally:
        temporary.unlink(missing_ok=True)
        shutil.rmtree(folder, ignore_errors=True)


# --- reads --------------------------------------------------------------------------------------


def may_use_batches(user) -> bool:
    """Who sees the batch pages at all: the office, administrators, street reviewers."""
    return has_role(user, Role.DISTRICT_OFFICE, Role.SYSTEM_ADMIN, Role.STREET_REVIEWER)


def exportable_streets(user):
    """The streets a user may export: any for the office, their own for a street reviewer."""
    streets = Region.objects.filter(
        kind__in=[RegionKind.STREET, RegionKind.TOWN, RegionKind.ZONE]
    ).order_by("parent__code", "code")
    if has_role(user, Role.DISTRICT_OFFICE, Role.SYSTEM_ADMIN):
        return scope.visible(user, streets)  # the streets of the office's own district
    own = [region.pk for region in scopes(user, Role.STREET_REVIEWER, "region")]
    return streets.filter(pk__in=own)


def visible_batches(user):
    """The batches a user may watch and download, newest first."""
    batches = PdfBatch.objects.select_related("round", "street", "requested_by")
    if has_role(user, Role.DISTRICT_OFFICE, Role.SYSTEM_ADMIN):
        return scope.visible(user, batches)
    if has_role(user, Role.STREET_REVIEWER):
        return batches.filter(street__in=exportable_streets(user))
    return batches.none()
