"""Celery tasks of the ledger: idempotent, acknowledged late, safe to deliver twice.

A task redelivered after its worker died (acks_late + reject_on_worker_lost) or after Redis's
visibility timeout runs the same run again: each chunk inserts only the rows still missing.
"""

from __future__ import annotations

from celery import shared_task
from django.conf import settings
from django.db.models import F
from django.utils import timezone

from subsidies import ledger, services
from subsidies.models import PaymentRun


@shared_task(name="subsidies.execute_run", acks_late=True, reject_on_worker_lost=True)
def execute_run(run_id: int, chunk_size: int | None = None, split: bool | None = None) -> dict:
    """Carry out a run record (started by the office, beat or the command).

    `split` (default: settings.PAYMENT_RUN_SPLIT): queue the run as parts of `chunk_size`
    awards each (id ranges, `execute_run_part`) that any worker process takes, instead of
    running every chunk here; the last part to end marks the run done."""
    run = PaymentRun.objects.get(pk=run_id)
    chunk_size = chunk_size or ledger.CHUNK
    if settings.PAYMENT_RUN_SPLIT if split is None else split:
        return _split(run, chunk_size)
    try:
        created, existing = ledger.execute_run(run, chunk_size=chunk_size)
    except Exception as exc:
        _failed(run_id, exc)
        raise
    return {"created": created, "existing": existing}


def _failed(run_id: int, exc: Exception) -> None:
    PaymentRun.objects.filter(pk=run_id).update(
        status=PaymentRun.Status.FAILED, error=str(exc)[:2000], finished_at=timezone.now()
    )


def _split(run: PaymentRun, chunk_size: int) -> dict:
    try:
        window = ledger.window_for(run.kind, run.period)
        total = ledger.begin_run(run, window)
        bounds = ledger.part_bounds(run, chunk_size) if total else []
    except Exception as exc:
        _failed(run.pk, exc)
        raise
    if not bounds:
        ledger.finish_run(run)
    for low, high in bounds:
        execute_run_part.delay(run.pk, low, high, chunk_size)
    return {"parts": len(bounds), "awards": total}


@shared_task(name="subsidies.execute_run_part", acks_late=True, reject_on_worker_lost=True)
def execute_run_part(run_id: int, low: int, high: int | None, chunk_size: int) -> dict:
    """One part of a split run: its awards with ids in (low, high]. Idempotent like the run
    (each chunk inserts only what is missing), so a part delivered twice adds no row."""
    run = PaymentRun.objects.get(pk=run_id)
    try:
        window = ledger.window_for(run.kind, run.period)
        created, existing = ledger.execute_part(
            run, window, low=low, high=high, chunk_size=chunk_size
        )
    except Exception as exc:
        _failed(run_id, exc)
        raise
    # The part that brings the count to the total finishes the run (one conditional UPDATE:
    # exactly one part sees it match).
    if PaymentRun.objects.filter(
        pk=run_id, status=PaymentRun.Status.RUNNING, awards_done__gte=F("awards_total")
    ).update(status=PaymentRun.Status.DONE, finished_at=timezone.now()):
        ledger.finish_run(run)
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
