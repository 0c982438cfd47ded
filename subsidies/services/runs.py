"""Payment runs (queued through the outbox by task name) and the assessment reminders."""

from __future__ import annotations

from datetime import date, timedelta

from django.db import transaction
from django.utils.translation import gettext as _

from portal import outbox
from portal.notifications import notify
from subsidies import ledger
from subsidies.models import (
    Assessment,
    Award,
    PaymentRun,
)
from subsidies.services.common import _recipients

# --- runs ----------------------------------------------------------------------------------


def start_run(
    *, kind: str, period: str, by=None, enqueue: bool = True, authority=None
) -> PaymentRun:
    """A run record, and its task queued after commit (the office watches the record).

    `authority`: the run covers that authority's awards only (an office's run); None: all."""
    ledger.window_for(kind, period)  # raises RunError for a malformed period
    with transaction.atomic():
        run = PaymentRun.objects.create(
            kind=kind,
            authority=authority,
            period=period,
            until=ledger.window_for(kind, period).until,
            started_by=by,
        )
        if enqueue:
            # Recorded in this transaction, sent after commit (or later, if the broker is down).
            outbox.enqueue("subsidies.execute_run", run.pk)
    return run


def run_payments(*, period: str, by=None) -> tuple[int, int]:
    """The monthly run for `period` ("YYYY-MM"): (created, existing). Idempotent."""
    run = start_run(kind=PaymentRun.Kind.MONTHLY, period=period, by=by, enqueue=False)
    return ledger.execute_run(run)


def run_annual(*, year: int, by=None) -> tuple[int, int]:
    """The annual run (allowances paid in arrears in January of `year`): (created, existing)."""
    run = start_run(kind=PaymentRun.Kind.ANNUAL, period=f"{int(year):04d}", by=by, enqueue=False)
    return ledger.execute_run(run)


# --- reminders -----------------------------------------------------------------------------

REMIND_DAYS = 30


def send_assessment_reminders(*, today: date, days: int = REMIND_DAYS) -> int:
    """Mail those concerned about assessments due within `days`, once each; the number sent."""
    sent = 0
    due = (
        Assessment.objects.select_related("award__person", "award__ruleset_version")
        .filter(
            active=True,
            result="",
            reminded_on__isnull=True,
            due_on__gte=today,
            due_on__lte=today + timedelta(days=days),
        )
        .order_by("pk")
    )
    for assessment in due:
        with transaction.atomic():
            locked = (
                Assessment.objects.select_for_update(skip_locked=True)
                .filter(pk=assessment.pk, reminded_on__isnull=True)
                .first()
            )
            if locked is None:
                continue
            locked.reminded_on = today
            locked.save(update_fields=["reminded_on"])
            award = assessment.award
            label = _assessment_label(award, assessment.code)
            notify(
                recipients=_recipients(award, office=True),
                subject=_("考核提醒：%(name)s %(label)s") % {"name": award.name, "label": label},
                body=_("%(name)s 的%(label)s应于%(due)s前完成。")
                % {"name": award.name, "label": label, "due": assessment.due_on.isoformat()},
            )
            sent += 1
    return sent


def _assessment_label(award: Award, code: str) -> str:
    for rule in award.ruleset_version.ruleset.assessments:
        if rule.code == code:
            return rule.label
    return code
