"""Reads of awards, the ledger, assessments, runs and batches; scoped like the permissions."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.db.models import Count, Q, QuerySet, Sum

from portal.models import Role
from subsidies import ledger, reconciliation, schedules
from subsidies.models import Assessment, Award, Payment, PaymentBatch, PaymentRun
from subsidies.permissions import districts

DUE_SOON_DAYS = 60


def _in_districts(queryset: QuerySet, scope: set[str] | None, field: str = "district"):
    return queryset if scope is None else queryset.filter(**{f"{field}__in": scope})


def awards_for(user, *, query: str = "", title: str = "") -> QuerySet[Award]:
    """The awards the office or finance user sees, newest naming first."""
    scope = districts(user, Role.DISTRICT_OFFICE, Role.FINANCE)
    awards = _in_districts(Award.objects.all(), scope).select_related(
        "ruleset_version__programme", "unit", "person"
    )
    if query:
        awards = awards.filter(
            Q(name__icontains=query)
            | Q(document_number__icontains=query)
            | Q(unit__name__icontains=query)
        )
    if title:
        awards = awards.filter(title=title)
    return awards.annotate(paid_total=Sum("payments__amount")).order_by("-named_on", "-pk")


@dataclass(frozen=True)
class Statement:
    award: Award
    payments: list[Payment]
    total: Decimal
    recovered: Decimal
    upcoming: list[schedules.DuePayment]
    state: schedules.AwardState
    assessments: list[Assessment]
    events: list
    # What the facts make due against what the ledger holds, per kind and period (the same
    # comparison as `manage.py audit_ledger`); reconciliation leaves nothing unexplained.
    audit: reconciliation.Audit
    claims: list[Payment]

    @property
    def unexpected(self) -> list:
        return self.audit.unexplained


def statement(award: Award, *, today: date) -> Statement:
    """Everything paid and due for one award, and what the schedule says comes next."""
    payments = list(
        award.payments.select_related(
            "batch", "recovers", "drafted_by", "confirmed_by", "approved_by"
        ).order_by("due_on", "kind", "period", "seq")
    )
    ruleset = award.ruleset_version.ruleset
    events = list(award.events.select_related("recorded_by").order_by("date", "pk"))
    facts = ledger.award_events(award, events)
    state = schedules.award_state(
        ruleset.benefits, ruleset.assessments, ruleset.adjustments, facts, on=today
    )
    horizon = max([today, *(p.due_on for p in payments)]) + timedelta(days=400)
    due = schedules.payments_due(
        ruleset.benefits, ruleset.assessments, ruleset.adjustments, facts, until=horizon
    )
    held = {(p.kind, p.period) for p in payments}
    upcoming = [
        p for p in due if (p.kind, p.period) not in held and p.date <= today + timedelta(days=400)
    ]
    return Statement(
        award=award,
        payments=payments,
        total=sum((p.amount for p in payments), Decimal("0.00")),
        recovered=sum((p.amount for p in payments if p.amount < 0), Decimal("0.00")),
        upcoming=upcoming,
        state=state,
        assessments=list(award.assessments.order_by("due_on", "code")),
        events=events,
        audit=ledger.audit_award(award),
        claims=[p for p in payments if p.recovers_id is not None],
    )


def assessments_for(user, *, today: date, days: int = DUE_SOON_DAYS):
    """(overdue, due soon) assessments without a result, for the office's districts."""
    scope = districts(user, Role.DISTRICT_OFFICE)
    rows = _in_districts(
        Assessment.objects.filter(active=True, result=""), scope, "award__district"
    ).select_related("award__ruleset_version__programme", "award__unit")
    overdue = list(rows.filter(due_on__lt=today).order_by("due_on"))
    soon = list(
        rows.filter(due_on__gte=today, due_on__lte=today + timedelta(days=days)).order_by("due_on")
    )
    return overdue, soon


def batches_for(user) -> QuerySet[PaymentBatch]:
    """Batches with the user's districts' rows in them, with counts and totals of those rows."""
    scope = districts(user, Role.DISTRICT_OFFICE, Role.FINANCE)
    rows = Q() if scope is None else Q(payments__award__district__in=scope)
    return (
        PaymentBatch.objects.annotate(
            rows=Count("payments", filter=rows), amount=Sum("payments__amount", filter=rows)
        )
        .filter(rows__gt=0)
        .select_related("drafted_by", "approved_by")
        .order_by("-period", "funding")
    )


def batch_rows(user, batch: PaymentBatch) -> QuerySet[Payment]:
    scope = districts(user, Role.DISTRICT_OFFICE, Role.FINANCE)
    return (
        _in_districts(batch.payments.all(), scope, "award__district")
        .select_related("award__person", "award__unit", "award__ruleset_version__programme")
        .order_by("award__name", "kind", "period")
    )


def runs(limit: int = 20) -> list[PaymentRun]:
    return list(PaymentRun.objects.select_related("started_by")[:limit])


def recovery_claims(user, *, status: str = "") -> QuerySet[Payment]:
    """追回: every recovery claim of the office's or finance's districts, with its cause."""
    scope = districts(user, Role.DISTRICT_OFFICE, Role.FINANCE)
    rows = _in_districts(Payment.objects.filter(recovers__isnull=False), scope, "award__district")
    if status:
        rows = rows.filter(claim_status=status)
    return rows.select_related(
        "award__ruleset_version__programme",
        "recovers",
        "cause_event",
        "drafted_by",
        "confirmed_by",
        "approved_by",
    ).order_by("claim_status", "-due_on", "award__name", "pk")
