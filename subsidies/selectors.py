"""Reads of awards, the ledger, assessments, runs and batches; scoped like the permissions."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.db.models import Count, Q, QuerySet, Sum

from portal import scope
from subsidies import ledger, reconciliation, schedules
from subsidies.models import Assessment, Award, Payment, PaymentBatch, PaymentRun
from subsidies.permissions import money_ids, office_ids

DUE_SOON_DAYS = 60


AUTHORITY = "ruleset_version__programme__authority_id"


def _in_authorities(queryset: QuerySet, ids: set[int] | None, field: str = AUTHORITY):
    return queryset.filter(scope.in_ids(field, ids))


def awards_for(user, *, query: str = "", title: str = "") -> QuerySet[Award]:
    """The awards the office or finance user sees, newest naming first (the list's columns;
    `with_paid_totals` adds the money paid to one page of them)."""
    awards = (
        _in_authorities(Award.objects.all(), money_ids(user))
        .select_related("ruleset_version__programme", "unit")
        .only(*AWARD_LIST_COLUMNS)
    )
    if query:
        awards = awards.filter(
            Q(name__icontains=query)
            | Q(document_number__icontains=query)
            | Q(unit__name__icontains=query)
        )
    if title:
        awards = awards.filter(title=title)
    return awards.order_by("-named_on", "-pk")


# The columns of the award list (subsidies:awards): no payee's encrypted fields, no rule set.
AWARD_LIST_COLUMNS = (
    "name",
    "document_number",
    "named_on",
    "term_start",
    "term_end",
    "title",
    "ruleset_version__programme__name",
    "unit__name",
)


def with_paid_totals(awards) -> list[Award]:
    """The awards of one page, each with `paid_total` (the sum of its ledger), summed for the
    page's awards only in one query (never the whole ledger)."""
    awards = list(awards)
    totals = dict(
        Payment.objects.filter(award__in=[a.pk for a in awards])
        .values("award")
        .annotate(total=Sum("amount"))
        .values_list("award", "total")
    )
    for award in awards:
        award.paid_total = totals.get(award.pk)
    return awards


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
    rows = _in_authorities(
        Assessment.objects.filter(active=True, result=""), office_ids(user), f"award__{AUTHORITY}"
    ).select_related("award__ruleset_version__programme", "award__unit")
    overdue = list(rows.filter(due_on__lt=today).order_by("due_on"))
    soon = list(
        rows.filter(due_on__gte=today, due_on__lte=today + timedelta(days=days)).order_by("due_on")
    )
    return overdue, soon


def batches_for(user) -> QuerySet[PaymentBatch]:
    """The batches of the user's authorities (office or finance), with counts and totals."""
    return (
        _in_authorities(PaymentBatch.objects.all(), money_ids(user), "authority_id")
        .annotate(rows=Count("payments"), amount=Sum("payments__amount"))
        .filter(rows__gt=0)
        .select_related("drafted_by", "approved_by")
        .order_by("-period", "funding")
    )


def batch_rows(user, batch: PaymentBatch) -> QuerySet[Payment]:
    return (
        _in_authorities(batch.payments.all(), money_ids(user), f"award__{AUTHORITY}")
        .select_related("award__person", "award__unit", "award__ruleset_version__programme")
        .order_by("award__name", "kind", "period")
    )


def runs(user, limit: int = 20) -> list[PaymentRun]:
    """The runs of the user's office's authority (beat's runs, for every authority: the admin)."""
    return list(scope.visible(user, PaymentRun.objects.select_related("started_by"))[:limit])


def recovery_claims(user, *, status: str = "") -> QuerySet[Payment]:
    """追回: every recovery claim of the awards the office or finance of their authority see,
    with its cause (portal.scope: Payment's view scope)."""
    rows = scope.visible(user, Payment.objects.filter(recovers__isnull=False))
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
