"""Payment batches: finance approves (not the office that drafted them), then marks them paid."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from subsidies.models import (
    PaymentBatch,
)
from subsidies.services.common import AwardError
from subsidies.services.naming import payee_missing

# --- batches -------------------------------------------------------------------------------


def approve_batch(*, batch: PaymentBatch, by) -> PaymentBatch:
    """Finance approves a drafted batch; never the person who drafted it (four eyes)."""
    with transaction.atomic():
        batch = PaymentBatch.objects.select_for_update().get(pk=batch.pk)
        if not by.has_perm("subsidies.approve_batch", batch):
            raise PermissionDenied(_("只能审核本机构的发放批次。"))
        if batch.status != PaymentBatch.Status.DRAFT:
            raise AwardError(_("该批次已审核，不能重复审核。"))
        if batch.drafted_by_id is not None and batch.drafted_by_id == by.pk:
            raise AwardError(_("制单人不能审核自己制作的批次。"))
        if not batch.payments.exists():
            raise AwardError(_("该批次没有发放记录。"))
        unknown = sorted(
            {
                row.award.name
                for row in batch.payments.filter(payee="person").select_related(
                    "award__person", "award__ruleset_version"
                )
                if payee_missing(row.award)
            }
        )
        if unknown:
            raise AwardError(
                _("以下待遇的收款人姓名、身份证号或银行账号不全，请先补全：%(names)s")
                % {"names": "、".join(unknown)}
            )
        batch.status = PaymentBatch.Status.APPROVED
        batch.approved_by = by
        batch.approved_at = timezone.now()
        batch.save(update_fields=["status", "approved_by", "approved_at"])
    return batch


def mark_batch_paid(*, batch: PaymentBatch, by) -> PaymentBatch:
    with transaction.atomic():
        batch = PaymentBatch.objects.select_for_update().get(pk=batch.pk)
        if not by.has_perm("subsidies.approve_batch", batch):
            raise PermissionDenied(_("只能处理本机构的发放批次。"))
        if batch.status != PaymentBatch.Status.APPROVED:
            raise AwardError(_("只有已审核的批次才能标记为已发放。"))
        batch.status = PaymentBatch.Status.PAID
        batch.paid_at = timezone.now()
        batch.save(update_fields=["status", "paid_at"])
    return batch
