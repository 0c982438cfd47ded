"""Money ordered back: the office's order, its confirmation and approval (four eyes)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from subsidies.models import (
    Award,
    AwardEvent,
    Payment,
)
from subsidies.reconciliation import recovery_kind
from subsidies.services.common import AwardError


def order_recovery(
    *, award: Award, payments: Iterable[Payment], on: date, reason: str, by
) -> list[Payment]:
    """Money paid and ordered back (青人社〔2020〕54号 五(三)4; 市中政办字〔2020〕33号 第十五条).

    The office's own decision (责令追回), not a consequence of the recorded facts: each
    recovered payment gets a negative row pointing at it, confirmed by the office that orders
    it and waiting for finance's approval; nothing is deleted. A payment is recovered at most
    once, and reconciliation never pays it out again.
    """
    if not reason.strip():
        raise AwardError(_("请填写追回原因。"))
    with transaction.atomic():
        award = Award.objects.select_for_update().get(pk=award.pk)
        ids = [p.pk for p in payments]
        rows = list(
            Payment.objects.select_for_update()
            .filter(pk__in=ids, award=award, recovers__isnull=True, amount__gt=0)
            .order_by("pk")
        )
        if not rows or len(rows) != len(ids):
            raise AwardError(_("请选择本待遇下的发放记录。"))
        made = []
        for row in rows:
            if row.recoveries.exists():
                raise AwardError(
                    _("%(period)s %(kind)s 已追回。") % {"period": row.period, "kind": row.kind}
                )
            kind = recovery_kind(row.kind)
            seq = Payment.objects.filter(award=award, kind=kind, period=row.period).count()
            made.append(
                Payment.objects.create(
                    award=award,
                    kind=kind,
                    period=row.period,
                    seq=seq,
                    due_on=on,
                    payee=row.payee,
                    amount=-row.amount,
                    funding=row.funding,
                    recovers=row,
                    origin=Payment.Origin.ORDER,
                    claim_status=Payment.ClaimStatus.CONFIRMED,
                    cause=reason.strip(),
                    drafted_by=by,
                    confirmed_by=by,
                    confirmed_at=timezone.now(),
                )
            )
        AwardEvent.objects.create(
            award=award,
            date=on,
            kind=AwardEvent.Kind.RECOVERY,
            fields={
                "payments": [r.pk for r in rows],
                "amount": f"{sum((r.amount for r in rows), Decimal('0')):.2f}",
            },
            reason=reason,
            recorded_by=by,
        )
    return made


def _record_claim_step(claim: Payment, *, by, reason: str) -> None:
    """The award's history keeps each step of a recovery claim (its status and amount)."""
    AwardEvent.objects.create(
        award_id=claim.award_id,
        date=timezone.localdate(),
        kind=AwardEvent.Kind.RECOVERY,
        fields={
            "claim": claim.pk,
            "status": claim.claim_status,
            "amount": f"{-claim.amount:.2f}",
        },
        reason=reason,
        recorded_by=by,
    )


def _step_claim(
    claim: Payment, *, by, was: str, refused: str, to: str, who: str, reason: str, check=None
) -> Payment:
    """Move a recovery claim from status `was` to `to` (else AwardError `refused`) under its
    lock, `by` and the time kept as `<who>_by` and `<who>_at`, the step in the award's history;
    `check(claim)` may refuse first."""
    with transaction.atomic():
        claim = Payment.objects.select_for_update().get(pk=claim.pk)
        if claim.recovers_id is None or claim.claim_status != was:
            raise AwardError(refused)
        if check is not None:
            check(claim)
        claim.claim_status = to
        setattr(claim, f"{who}_by", by)
        setattr(claim, f"{who}_at", timezone.now())
        claim.save(update_fields=["claim_status", f"{who}_by", f"{who}_at"])
        _record_claim_step(claim, by=by, reason=reason)
    return claim


def confirm_recovery(*, claim: Payment, by, note: str = "") -> Payment:
    """The office confirms a recovery claim made by reconciliation (then finance approves it)."""
    return _step_claim(
        claim,
        by=by,
        was=Payment.ClaimStatus.PENDING,
        refused=_("该追回记录不在待确认状态。"),
        to=Payment.ClaimStatus.CONFIRMED,
        who="confirmed",
        reason=note or _("经办确认追回"),
    )


def approve_recovery(*, claim: Payment, by, note: str = "") -> Payment:
    """Finance approves a confirmed recovery claim; never the one who drafted or confirmed it."""

    def not_the_drafter_nor_the_confirmer(claim):
        if by.pk in {claim.drafted_by_id, claim.confirmed_by_id}:
            raise AwardError(_("制单或确认追回的人不能审批同一笔追回。"))

    return _step_claim(
        claim,
        by=by,
        was=Payment.ClaimStatus.CONFIRMED,
        refused=_("该追回记录须先经经办确认。"),
        to=Payment.ClaimStatus.APPROVED,
        who="approved",
        reason=note or _("财务审批追回"),
        check=not_the_drafter_nor_the_confirmer,
    )
