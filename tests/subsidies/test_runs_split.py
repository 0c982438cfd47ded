"""A run split into parts (id ranges) over two real worker processes: the same ledger rows,
batches and counters as the same run in one process (issue 18, 5)."""

from __future__ import annotations

import time

import pytest

from subsidies import ledger, services, tasks
from subsidies.models import Payment, PaymentBatch, PaymentRun
from tests.subsidies.test_runs_celery import PERIOD, assert_exactly_once, awards  # noqa: F401

pytestmark = [pytest.mark.celery, pytest.mark.pg]


def _ledger() -> list[tuple]:
    """The ledger's rows, with their batch named by its key (ids differ between runs)."""
    return sorted(
        Payment.objects.values_list(
            "award_id",
            "kind",
            "period",
            "seq",
            "due_on",
            "payee",
            "amount",
            "funding",
            "batch__period",
            "batch__authority_id",
            "batch__funding",
            "batch__status",
        )
    )


def _wait_done(run: PaymentRun, timeout: float = 120) -> PaymentRun:
    deadline = time.monotonic() + timeout
    while True:
        run.refresh_from_db()
        if run.status in (PaymentRun.Status.DONE, PaymentRun.Status.FAILED):
            return run
        assert time.monotonic() < deadline, "the split run did not finish"
        time.sleep(0.2)


def test_a_split_run_on_two_workers_gives_the_rows_of_one_process(
    celery_worker,
    second_worker,
    awards,  # noqa: F811
    tmp_path,
):
    run = services.start_run(kind=PaymentRun.Kind.MONTHLY, period=PERIOD, enqueue=False)
    # parts of 4 awards: 8 parts for the 30 awards, taken by both workers
    queued = tasks.execute_run.delay(run.pk, 4, True).get(timeout=60)
    assert queued == {"parts": 8, "awards": 30}
    run = _wait_done(run)
    assert run.status == PaymentRun.Status.DONE, run.error
    split = _ledger()
    assert split and (run.awards_done, run.created, run.existing) == (30, len(split), 0)
    assert_exactly_once()
    logs = [celery_worker.log.read_text(), (tmp_path / "worker2.log").read_text()]
    assert sum(log.count("subsidies.execute_run_part[") for log in logs) >= 8
    assert all("subsidies.execute_run_part[" in log for log in logs), "one worker took all"

    Payment.objects.all().delete()
    PaymentBatch.objects.all().delete()
    PaymentRun.objects.all().delete()
    single = services.start_run(kind=PaymentRun.Kind.MONTHLY, period=PERIOD, enqueue=False)
    created, existing = ledger.execute_run(single)
    assert (created, existing) == (len(split), 0)
    assert _ledger() == split

    again = services.start_run(kind=PaymentRun.Kind.MONTHLY, period=PERIOD, enqueue=False)
    tasks.execute_run.delay(again.pk, 4, True).get(timeout=60)
    again = _wait_done(again)
    assert (again.status, again.created) == (PaymentRun.Status.DONE, 0)
    assert _ledger() == split
