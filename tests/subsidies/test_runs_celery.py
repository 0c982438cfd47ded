"""The run on a real Celery worker: twice, twice at once, killed half-way and resumed.

Checked against the schedule functions: every due payment exactly once, nothing else.
"""

from __future__ import annotations

import signal
import time
from datetime import date

import psycopg
import pytest
from django.db import connection

from subsidies import ledger, schedules, services, tasks
from subsidies.models import Award, Payment, PaymentRun

pytestmark = [pytest.mark.celery, pytest.mark.pg]

PERIOD = "2026-03"
UNTIL = date(2026, 3, 31)


@pytest.fixture
def awards(versions, demo_people, persona):
    """30 awards of three programmes named on different days of 2023-2026."""
    office = persona("chen_office")
    made = []
    programmes = [
        ("songjiang-chief-technician", "songjiang_machinery"),
        ("qingpu-chief-technician-subsidy", "qingpu_manufacturing"),
        ("songjiang-training-base", "songjiang_training"),
    ]
    for index in range(30):
        code, unit = programmes[index % 3]
        named = date(2023 + index % 3, 1 + index % 12, 1 + index % 27)
        made.append(
            services.name_award(
                version=versions[code],
                name=f"获得者{index}",
                person=persona("li_ming"),
                unit=demo_people[unit],
                document_number=f"文号{index}",
                named_on=named,
                by=office,
            )
        )
    return made


def expected_rows() -> set[tuple[int, str, str]]:
    """What the schedule functions say is due by the end of the period (monthly-run kinds)."""
    rows = set()
    for award in Award.objects.select_related("ruleset_version"):
        ruleset = award.ruleset_version.ruleset
        for p in ledger.due_for_award(award, until=UNTIL):
            if ledger.run_kind_of(ruleset, p.kind) == PaymentRun.Kind.MONTHLY:
                rows.add((award.pk, p.kind, p.period))
    return rows


def ledger_rows() -> list[tuple[int, str, str]]:
    return list(Payment.objects.values_list("award_id", "kind", "period"))


def assert_exactly_once() -> None:
    rows = ledger_rows()
    assert len(rows) == len(set(rows)), "a payment is in the ledger twice"
    assert set(rows) == expected_rows(), "the ledger differs from the schedule"


def run_task(chunk_size=None):
    run = services.start_run(kind=PaymentRun.Kind.MONTHLY, period=PERIOD, enqueue=False)
    return run, tasks.execute_run.delay(run.pk, chunk_size)


def test_the_month_run_twice(celery_worker, awards):
    _first, result = run_task()
    assert result.get(timeout=120)["existing"] == 0
    assert_exactly_once()
    # the rerun looks at the month again (earlier months were covered by the first run)
    in_month = Payment.objects.filter(due_on__gte=date(2026, 3, 1)).count()
    assert in_month > 0
    second, result = run_task()
    assert result.get(timeout=120) == {"created": 0, "existing": in_month}
    assert_exactly_once()
    assert PaymentRun.objects.get(pk=second.pk).status == "done"


def test_the_month_run_twice_at_once(celery_worker, second_worker, awards):
    # two tasks, one on each worker process, on small chunks so that they overlap
    _first, one = run_task(chunk_size=2)
    _second, two = run_task(chunk_size=2)
    results = [one.get(timeout=120), two.get(timeout=120)]
    assert sum(r["created"] for r in results) == len(expected_rows())
    assert all(r["created"] + r["existing"] == len(expected_rows()) for r in results)
    assert_exactly_once()


def _db_dsn() -> str:
    db = connection.settings_dict
    return f"host={db['HOST'] or '127.0.0.1'} port={db['PORT'] or 5432} user={db['USER']} dbname={db['NAME']}"


def test_the_month_run_killed_half_way_and_resumed(celery_worker, awards):
    ids = sorted(a.pk for a in awards)
    # Another session holds a row the worker's second chunk will insert: the worker commits
    # its first chunk, then waits on that row, and is killed while waiting.
    blocker_award = Award.objects.get(pk=ids[10])
    due = [
        p for p in ledger.due_for_award(blocker_award, until=UNTIL) if p.date >= date(2000, 1, 1)
    ]
    blocking = due[0]
    with (
        psycopg.connect(_db_dsn()) as other,
        psycopg.connect(_db_dsn(), autocommit=True) as watcher,
    ):
        other.execute(
            "INSERT INTO subsidies_payment (award_id, kind, period, due_on, payee, amount, funding,"
            " created_at) VALUES (%s, %s, %s, %s, %s, %s, %s, now())",
            [
                blocker_award.pk,
                blocking.kind,
                blocking.period,
                blocking.date,
                blocking.payee,
                blocking.amount,
                blocking.funding,
            ],
        )
        run, _ = run_task(chunk_size=10)
        deadline = time.monotonic() + 60
        while True:  # until the worker waits on the lock
            waiting = watcher.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                "AND wait_event_type = 'Lock'"
            ).fetchone()[0]
            if waiting:
                break
            assert time.monotonic() < deadline, celery_worker.log.read_text()
            time.sleep(0.1)
        celery_worker.process.send_signal(signal.SIGKILL)
        celery_worker.process.wait(timeout=30)
        other.rollback()
    run.refresh_from_db()
    assert run.status == "running" and run.awards_done == 10
    partial = ledger_rows()
    assert 0 < len(partial) < len(expected_rows())
    assert {award_id for award_id, _, _ in partial} <= set(ids[:10])
    # resumed: the run again (as the command or a redelivered task would)
    created, existing = services.run_payments(period=PERIOD)
    assert (created, existing) == (len(expected_rows()) - len(partial), len(partial))
    assert_exactly_once()
    run.refresh_from_db()
    assert run.status == "failed" and "中断" in run.error


def test_every_due_payment_is_a_schedule_row(awards):
    """Without a worker: the same check in-process (the demo's eager mode)."""
    services.run_payments(period=PERIOD)
    assert_exactly_once()
    assert schedules.payments_due  # the ledger is driven by these functions
