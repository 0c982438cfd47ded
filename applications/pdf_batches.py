"""A round's (or one street's) PDF forms as one zip: the service that starts a batch and the
work the Celery task `applications.tasks.render_batch` does, counting progress on PdfBatch."""

from __future__ import annotations

import logging
import re
import tempfile
import zipfile
from pathlib import Path

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.files import File
from django.db import transaction
from django.utils import timezone

from applications.models import Application, PdfBatch
from applications.pdf import PdfLimitExceeded, application_number, render_application_pdf
from portal.models import Role
from portal.outbox import enqueue
from portal.roles import has_role, scopes, sees_full_identity

logger = logging.getLogger(__name__)

# Drafts and withdrawn applications are not forms anyone signs or stamps.
EXCLUDED_STATUSES = (Application.Status.DRAFT, Application.Status.WITHDRAWN)


def may_start_batch(user, *, street=None) -> bool:
    """The district office (or an administrator) for a whole round or any street; a street
    reviewer for their own street only."""
    if has_role(user, Role.DISTRICT_OFFICE, Role.SYSTEM_ADMIN):
        return True
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

    ID numbers are shown in full only when `by` may see them (portal.roles.sees_full_identity).
    """
    if not may_start_batch(by, street=street):
        raise PermissionDenied("您没有导出该批次申报表的权限。")
    with transaction.atomic():
        batch = PdfBatch.objects.create(
            round=round,
            street=street,
            requested_by=by,
            mask_id=not sees_full_identity(by),
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


def build_batch(batch_id: int) -> None:
    """Render every application of the batch into one zip under PRIVATE_MEDIA_ROOT.

    Runs once: a batch no longer pending (a redelivered task) is left as it is.
    """
    with transaction.atomic():
        batch = PdfBatch.objects.select_for_update().filter(pk=batch_id).first()
        if batch is None or batch.status != PdfBatch.Status.PENDING:
            return
        batch.status = PdfBatch.Status.RUNNING
        batch.started_at = timezone.now()
        batch.total = batch_applications(batch).count()
        batch.save(update_fields=["status", "started_at", "total"])
    try:
        _write_zip(batch)
    except Exception as exc:
        logger.exception("PDF batch %s failed", batch_id)
        PdfBatch.objects.filter(pk=batch_id).update(
            status=PdfBatch.Status.FAILED,
            error=str(exc)
            if isinstance(exc, PdfLimitExceeded)
            else f"生成申报表时出错：{type(exc).__name__}",
            finished_at=timezone.now(),
        )


def _write_zip(batch: PdfBatch) -> None:
    work_dir = Path(settings.PRIVATE_MEDIA_ROOT) / "pdf_batches" / "tmp"
    work_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile(dir=work_dir, suffix=".zip", delete=False) as handle:
        temporary = Path(handle.name)
    try:
        done = 0
        with zipfile.ZipFile(temporary, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            for application in batch_applications(batch).iterator(chunk_size=50):
                content = render_application_pdf(application, mask_id=batch.mask_id)
                archive.writestr(entry_name(application), content)
                done += 1
                PdfBatch.objects.filter(pk=batch.pk).update(done=done)
        with temporary.open("rb") as stored:
            batch.file.save(f"{batch.pk}.zip", File(stored), save=False)
        PdfBatch.objects.filter(pk=batch.pk).update(
            file=batch.file.name,
            done=done,
            total=done,
            status=PdfBatch.Status.DONE,
            finished_at=timezone.now(),
        )
    finally:
        temporary.unlink(missing_ok=True)


# --- reads --------------------------------------------------------------------------------------


def may_use_batches(user) -> bool:
    """Who sees the batch pages at all: the office, administrators, street reviewers."""
    return has_role(user, Role.DISTRICT_OFFICE, Role.SYSTEM_ADMIN, Role.STREET_REVIEWER)


def exportable_streets(user):
    """The streets a user may export: any for the office, their own for a street reviewer."""
    from portal.models import Region, RegionKind

    streets = Region.objects.filter(
        kind__in=[RegionKind.STREET, RegionKind.TOWN, RegionKind.ZONE]
    ).order_by("parent__code", "code")
    if has_role(user, Role.DISTRICT_OFFICE, Role.SYSTEM_ADMIN):
        return streets
    own = [region.pk for region in scopes(user, Role.STREET_REVIEWER, "region")]
    return streets.filter(pk__in=own)


def visible_batches(user):
    """The batches a user may watch and download, newest first."""
    batches = PdfBatch.objects.select_related("round", "street", "requested_by")
    if has_role(user, Role.DISTRICT_OFFICE, Role.SYSTEM_ADMIN):
        return batches
    if has_role(user, Role.STREET_REVIEWER):
        return batches.filter(street__in=exportable_streets(user))
    return batches.none()
