"""Celery tasks of the ledger: idempotent, acknowledged late, safe to deliver twice.

A task redelivered after its worker died (acks_late + reject_on_worker_lost) or after Redis's
visibility timeout runs the same run again: each chunk inserts only the rows still missing.
"""

from __future__ import annotations

from celery import shared_task
from django.utils import timezone

from subsidies import ledger, services
from subsidies.models import PaymentRun


@shared_task(name="subsidies.execute_run", acks_late=True, reject_on_worker_lost=True)
def execute_run(run_id: int, chunk_size: int | None = None) -> dict:
    """Carry out a run record (started by the office, beat or the command)."""
    run = PaymentRun.objects.get(pk=run_id)
    try:
        created, existing = ledger.execute_run(run, chunk_size=chunk_size or ledger.CHUNK)
    except Exception as exc:
        PaymentRun.objects.filter(pk=run_id).update(
            status=PaymentRun.Status.FAILED, error=str(exc)[:2000], finished_at=timezone.now()
        )
        raise
    return {"created": created, "existing": existing}


@shared_task(name="subsidies.monthly_run", acks_late=True, reject_on_worker_lost=True)
def monthly_run(period: str | None = None) -> int:
    """Beat, on the 1st: the month's run (this month's allowances, anything missed before)."""
    period = period or timezone.localdate().strftime("%Y-%m")
    run = services.start_run(kind=PaymentRun.Kind.MONTHLY, period=period, enqueue=False)
    execute_run(run.pk)
    return run.pk


@shared_task(name="subsidies.annual_run", acks_late=True, reject_on_worker_lost=True)
def annual_run(year: int | None = None) -> int:
    """Beat, in January: the allowances paid once a year in arrears (市中 200 a month)."""
    year = year or timezone.localdate().year
    run = services.start_run(kind=PaymentRun.Kind.ANNUAL, period=f"{year:04d}", enqueue=False)
    execute_run(run.pk)
    return run.pk


@shared_task(name="subsidies.assessment_reminders", acks_late=True)
def assessment_reminders() -> int:
    """Daily: mail about assessments coming due (each once)."""
    return services.send_assessment_reminders(today=timezone.localdate())
