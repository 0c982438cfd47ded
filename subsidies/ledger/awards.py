"""One award: what is due, what is held, its coverage, and `reconcile_award` after a late fact."""

from __future__ import annotations

from datetime import date

from django.utils import timezone
from django.utils.translation import gettext as _

from programmes.benefit_rules import AdjustmentRules
from subsidies import reconciliation, schedules
from subsidies.ledger.facts import award_events, run_kind_of
from subsidies.ledger.rows import insert_rows
from subsidies.models import Award, AwardEvent, Payment, PaymentBatch, PaymentRun

# --- one award -----------------------------------------------------------------------------


def due_for_award(award: Award, *, until: date, rows=None) -> list[schedules.DuePayment]:
    ruleset = award.ruleset_version.ruleset
    return schedules.payments_due(
        ruleset.benefits,
        ruleset.assessments,
        ruleset.adjustments,
        award_events(award, rows),
        until=until,
    )


def started_until(kind: str) -> date | None:
    """The last day any run of this kind, finished or not, covers (None: no run yet)."""
    run = PaymentRun.objects.filter(kind=kind).order_by("-until").first()
    return run.until if run else None


def _state(row: Payment) -> str:
    if row.recovers_id is not None:
        return row.claim_status or reconciliation.APPROVED
    if row.batch_id is None:
        return reconciliation.WAITING
    if row.batch.status == PaymentBatch.Status.PAID:
        return reconciliation.PAID
    return reconciliation.BATCHED


def held_rows(award: Award) -> list[reconciliation.HeldRow]:
    """The award's ledger rows as the pure comparison reads them."""
    rows = award.payments.select_related("batch").order_by("kind", "period", "seq", "pk")
    return [
        reconciliation.HeldRow(
            pk=row.pk,
            kind=row.kind.removeprefix(reconciliation.RECOVERY_PREFIX)
            if row.recovers_id
            else row.kind,
            period=row.period,
            seq=row.seq,
            amount=row.amount,
            origin=row.origin,
            state=_state(row),
            due_on=row.due_on,
            payee=row.payee,
            funding=row.funding,
            cause=row.cause,
        )
        for row in rows
    ]


def coverage(award: Award):
    """`covered(payment)`: whether a run (finished or not) has covered the payment's date.

    A run still going (or failed) counts: it may have read this award before the fact.
    """
    limits = {kind: started_until(kind) for kind in PaymentRun.Kind.values}
    ruleset = award.ruleset_version.ruleset

    def covered(payment: schedules.DuePayment) -> bool:
        limit = limits[run_kind_of(ruleset, payment.kind)]
        return limit is not None and payment.date <= limit

    return covered


FAR = date(9999, 12, 31)


def audit_award(award: Award) -> reconciliation.Audit:
    """What the recorded facts make due against what the ledger holds (`audit_ledger`)."""
    return reconciliation.audit(
        due_for_award(award, until=FAR), held_rows(award), covered=coverage(award)
    )


def reconcile_award(
    award: Award, *, cause_event: AwardEvent | None = None, by=None, today: date | None = None
) -> list[Payment]:
    """Bring the award's ledger to what its recorded facts make due in every period run so far.

    The one service every recorded fact ends in (naming, an assessment, a studio, an other
    benefit or title, an adjustment, whatever its date): due but not held becomes a payment
    (the next run's batch takes it); held but no longer due becomes a recovery claim (追回)
    pointing at the payment, with the fact and the clause that caused it, pending the
    office's confirmation and finance's approval. Nothing held is changed or deleted. The caller
    holds the award's lock (`select_for_update`); returns the rows made.
    """
    today = today or timezone.localdate()
    ruleset = award.ruleset_version.ruleset
    due = due_for_award(award, until=FAR)
    fixes = reconciliation.corrections(due, held_rows(award), covered=coverage(award), today=today)
    if not fixes:
        return []
    cause, clause = describe_cause(ruleset, cause_event)
    originals = [f for f in fixes if f.origin == reconciliation.SCHEDULE]
    if originals:
        insert_rows(
            [
                (
                    award.pk,
                    schedules.DuePayment(
                        date=f.due_on,
                        period=f.period,
                        payee=f.payee,
                        kind=f.kind,
                        amount=f.amount,
                        funding=f.funding,
                    ),
                )
                for f in originals
            ]
        )
    made = []
    for fix in fixes:
        if fix.origin == reconciliation.SCHEDULE:
            continue
        recovery = fix.amount < 0
        made.append(
            Payment.objects.create(
                award=award,
                kind=fix.kind,
                period=fix.period,
                seq=fix.seq,
                due_on=fix.due_on,
                payee=fix.payee,
                amount=fix.amount,
                funding=fix.funding,
                recovers_id=fix.recovers,
                origin=fix.origin,
                claim_status=Payment.ClaimStatus.PENDING if recovery else "",
                cause=cause,
                clause=clause,
                cause_event=cause_event,
                drafted_by=by,
            )
        )
    return made


def describe_cause(ruleset, event: AwardEvent | None) -> tuple[str, str]:
    """The fact (in words, for the office and finance) and the clause that made a correction."""
    if event is None:
        return _("按已记录情况核对"), ""
    label = AwardEvent.Kind(event.kind).label
    fields = event.fields or {}
    clause = ""
    detail = ""
    if event.kind in ("suspended", "revoked", "left_post"):
        rule = (ruleset.adjustments or AdjustmentRules()).rule_for(event.kind)
        clause = rule.source
        detail = (rule.reasons or {}).get(fields.get("reason", ""), "")
    elif event.kind == "other_benefit":
        rule = ruleset.benefits.no_double_benefit
        clause = rule.source if rule else ""
        detail = _("%(name)s 每月 %(amount)s 元") % {
            "name": fields.get("name", ""),
            "amount": fields.get("monthly_amount", ""),
        }
    elif event.kind == "other_title":
        rule = ruleset.benefits.stops_on_other_title
        clause = rule.source if rule else ""
        detail = fields.get("name", "")
    elif event.kind == "assessment":
        rule = next((a for a in ruleset.assessments if a.code == fields.get("code")), None)
        clause = rule.source if rule else ""
        detail = f"{rule.label if rule else fields.get('code', '')} {fields.get('result', '')}"
    elif event.kind == "studio_established":
        rule = next(
            (s for s in ruleset.benefits.schedules if getattr(s, "event", None) == event.kind),
            None,
        )
        clause = rule.source if rule else ""
        detail = fields.get("level", "")
    text = f"{event.date.isoformat()} {label}"
    if detail:
        text += f"（{detail}）"
    if event.reason:
        text += f"：{event.reason}"
    return text, clause
