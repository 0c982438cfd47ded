"""Benchmark: the monthly ledger run over 100,000 active awards on PostgreSQL.

`run()` empties the subsidies tables of the benchmark database, makes 100,000 awards of four
programmes with SQL (70% Songjiang monthly allowances, the rest Qingpu, the training base and
Shizhong, named on every day from April 2023 to February 2026; 2% with a studio or another
benefit recorded), records February 2026 as run, and then runs March 2026 with the portal's
own service (`subsidies.services.run_payments`) twice. Figures: the run's seconds (goal 30 s or
less); the run as a ratio to its floor, an `INSERT ... SELECT ... ON CONFLICT DO NOTHING` of the
same rows into a table of the ledger's shape and indexes, timed in the same run (goal at most
5x); the rerun's new rows (goal 0); the process's peak resident memory (ru_maxrss: the awards
are made in SQL, so the peak is the run's), and that peak again in a process of its own with
three times the awards (BENCH_AWARDS_LARGE, default 300,000; goal: within 10% of the first, the
awards being streamed). Then the ledger is emptied and the same run is made split
(`subsidies.execute_run` with split, its parts `subsidies.execute_run_part`, as with
PAYMENT_RUN_SPLIT=1) on a real Celery worker of BENCH_RUN_WORKERS processes (default 2): its
rows (every column but the ids, the batch by its key) must be those of the run in one process
(compared by an md5 over the sorted rows in SQL); its seconds are reported. Prints nothing;
the split run needs REDIS_URL.
"""

from __future__ import annotations

import io
import os
import resource
import sys
import time
from datetime import date
from pathlib import Path

from bench.django_setup import setup_django

ROOT = Path(__file__).resolve().parents[1]
AWARDS = int(os.environ.get("BENCH_AWARDS", "100000"))
AWARDS_LARGE = int(os.environ.get("BENCH_AWARDS_LARGE", str(3 * AWARDS)))
GOAL_SECONDS = 30.0
GOAL_MEMORY_MB = 1024.0
GOAL_FLOOR_RATIO = 5.0
GOAL_MEMORY_GROWTH = 0.10
RUN_WORKERS = int(os.environ.get("BENCH_RUN_WORKERS", "2"))
PERIOD = "2026-03"
SHARES = [  # programme, share of the awards, term in months
    ("songjiang-chief-technician", 70, 36),
    ("qingpu-chief-technician-subsidy", 10, 36),
    ("songjiang-training-base", 10, 36),
    ("shizhong-chief-technician", 10, 48),
]


def _setup_django() -> None:
    setup_django()


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _prepare() -> dict:
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import connection

    from programmes.models import ProgrammeVersion
    from subsidies.models import PaymentRun

    call_command("load_programmes", verbosity=0, stdout=io.StringIO(), stderr=io.StringIO())
    user, _ = get_user_model().objects.get_or_create(
        username="bench_office", defaults={"real_name": "基准测试"}
    )
    versions = {v.programme.code: v for v in ProgrammeVersion.objects.select_related("programme")}
    with connection.cursor() as cursor:
        cursor.execute(
            "TRUNCATE subsidies_payment, subsidies_paymentbatch, subsidies_paymentrun, "
            "subsidies_assessment, subsidies_awardevent, subsidies_award RESTART IDENTITY CASCADE"
        )
        start = 0
        for code, share, months in SHARES:
            count = AWARDS * share // 100
            version = max(
                (v for v in versions.values() if v.programme.code == code), key=lambda v: v.number
            )
            district = version.ruleset.identity.district
            cursor.execute(
                """
                INSERT INTO subsidies_award (document_number, named_on, term_start, term_end,
                    title, person_bank, person_account, unit_bank, unit_account, ruleset_version_id,
                    name, district, person_id_number, person_name)
                SELECT '基准' || g, n, s, (s + make_interval(months => %s) - interval '1 day')::date,
                    'held', '', '', '', '', %s, '获得者' || g, %s, '', '获得者' || g
                FROM generate_series(%s, %s) AS g,
                    LATERAL (SELECT date '2023-04-01' + (g %% 1050) AS n) AS named,
                    LATERAL (SELECT (date_trunc('month', n) + interval '1 month')::date AS s) AS t
                """,
                [months, version.pk, district, start + 1, start + count],
            )
            start += count
        # a few facts: studios (Songjiang) and other benefits held
        cursor.execute(
            """
            INSERT INTO subsidies_awardevent (award_id, date, kind, fields, reason, recorded_by_id,
                recorded_at)
            SELECT a.id, a.named_on + 40,
                CASE WHEN a.id %% 2 = 0 THEN 'studio_established' ELSE 'other_benefit' END,
                CASE WHEN a.id %% 2 = 0 THEN '{"level": "district"}'::jsonb
                     ELSE '{"name": "chief_teacher", "monthly_amount": "800.00"}'::jsonb END,
                '', %s, now()
            FROM subsidies_award a
            WHERE a.id %% 50 = 0 AND a.ruleset_version_id = %s
            """,
            [user.pk, versions["songjiang-chief-technician"].pk],
        )
        cursor.execute("ANALYZE subsidies_award; ANALYZE subsidies_awardevent")
    PaymentRun.objects.create(
        kind=PaymentRun.Kind.MONTHLY,
        period="2026-02",
        until=date(2026, 2, 28),
        status=PaymentRun.Status.DONE,
    )
    return {"programmes": {code: share for code, share, _ in SHARES}}


def _floor_seconds() -> float:
    """The same rows again, by one INSERT ... SELECT ... ON CONFLICT DO NOTHING into a table
    with the ledger's columns, defaults, constraints and indexes (its unique key included)."""
    from django.db import connection, transaction

    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS bench_floor_payment")
        cursor.execute(
            "CREATE TABLE bench_floor_payment (LIKE subsidies_payment INCLUDING DEFAULTS "
            "INCLUDING CONSTRAINTS INCLUDING INDEXES)"
        )
    with connection.cursor() as cursor:
        started = time.perf_counter()
        cursor.execute(
            "INSERT INTO bench_floor_payment SELECT * FROM subsidies_payment "
            "ORDER BY award_id, kind, period ON CONFLICT DO NOTHING"
        )
        seconds = time.perf_counter() - started
        cursor.execute("DROP TABLE bench_floor_payment")
    return seconds


_LEDGER_DIGEST = """
SELECT count(*), md5(string_agg(concat_ws('|', p.award_id, p.kind, p.period, p.seq, p.due_on,
    p.payee, p.amount, p.funding, b.period, b.authority_id, b.funding, b.status),
    ',' ORDER BY p.award_id, p.kind, p.period, p.seq))
FROM subsidies_payment AS p LEFT JOIN subsidies_paymentbatch AS b ON b.id = p.batch_id
"""


def _ledger_digest() -> tuple[int, str]:
    """The ledger's rows and an md5 over them (ids left out: they differ between runs)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(_LEDGER_DIGEST)
        count, digest = cursor.fetchone()
    return count, digest or ""


def _split_run() -> dict:
    """The ledger emptied, the same period run again split into parts on a real worker of
    RUN_WORKERS processes; its seconds, parts and the ledger's digest afterwards."""
    import uuid

    from django.db import connection

    from bench.worker import start_worker, stop_worker
    from portal.celery import app
    from subsidies import services, tasks
    from subsidies.models import PaymentRun

    redis_url = os.environ.get("REDIS_URL", "")
    if not redis_url:
        raise RuntimeError("bench_monthly_run needs REDIS_URL (the split run's real worker)")
    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE subsidies_payment, subsidies_paymentbatch CASCADE")
    PaymentRun.objects.exclude(period="2026-02").delete()
    queue = f"bench-run-{uuid.uuid4().hex[:8]}"
    log = ROOT / "bench" / "tmp" / f"{queue}.log"
    log.parent.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "CELERY_TASK_ALWAYS_EAGER": "0", "PYTHONPATH": str(ROOT)}
    worker = start_worker(queue, RUN_WORKERS, env, log)
    try:
        app.conf.task_always_eager = False
        app.conf.broker_url = redis_url
        app.conf.task_default_queue = queue
        run = services.start_run(kind=PaymentRun.Kind.MONTHLY, period=PERIOD, enqueue=False)
        started = time.perf_counter()
        queued = tasks.execute_run.delay(run.pk, None, True).get(timeout=120)
        while True:
            run.refresh_from_db()
            if run.status in (PaymentRun.Status.DONE, PaymentRun.Status.FAILED):
                break
            if time.perf_counter() - started > 600:
                raise RuntimeError(f"split run still {run.status}:\n" + log.read_text())
            time.sleep(0.1)
        seconds = time.perf_counter() - started
    finally:
        stop_worker(worker)
        log.unlink(missing_ok=True)
    if run.status != PaymentRun.Status.DONE:
        raise RuntimeError(f"split run failed: {run.error}")
    rows, digest = _ledger_digest()
    return {
        "seconds": round(seconds, 3),
        "worker_processes": RUN_WORKERS,
        "parts": queued["parts"],
        "awards_done": run.awards_done,
        "created": run.created,
        "rows": rows,
        "digest": digest,
    }


def _peak_alone(awards: int) -> dict:
    """The run's peak memory over `awards` awards, in a process of its own."""
    import json
    import subprocess

    code = (
        "import json, sys; from bench import bench_monthly_run as b; "
        "sys.stdout.write('@@' + json.dumps(b.measure_peak()))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={**os.environ, "BENCH_AWARDS": str(awards), "PYTHONPATH": str(ROOT)},
        check=True,
    )
    return json.loads(done.stdout.rsplit("@@", 1)[1])


def measure_peak() -> dict:
    """One run over BENCH_AWARDS awards: its seconds and the process's peak memory."""
    _setup_django()
    from subsidies import services

    _prepare()
    started = time.perf_counter()
    created, _existing = services.run_payments(period=PERIOD)
    return {
        "awards": AWARDS,
        "seconds": round(time.perf_counter() - started, 3),
        "created": created,
        "peak_rss_mb": round(_peak_mb(), 1),
    }


def run() -> list[dict]:
    _setup_django()
    from subsidies import services
    from subsidies.models import Award, Payment

    details = _prepare()
    awards = Award.objects.count()
    baseline_mb = _peak_mb()

    started = time.perf_counter()
    created, existing = services.run_payments(period=PERIOD)
    seconds = time.perf_counter() - started
    started = time.perf_counter()
    again_created, again_existing = services.run_payments(period=PERIOD)
    rerun_seconds = time.perf_counter() - started
    peak_mb = _peak_mb()
    rows = Payment.objects.count()
    single_rows, single_digest = _ledger_digest()
    floor_seconds = _floor_seconds()
    ratio = seconds / floor_seconds if floor_seconds else float("inf")
    split = _split_run()
    same_rows = (split["rows"], split["digest"]) == (single_rows, single_digest) and rows > 0
    large = _peak_alone(AWARDS_LARGE)
    growth = large["peak_rss_mb"] / peak_mb - 1

    details.update(
        {
            "awards": awards,
            "period": PERIOD,
            "created": created,
            "existing": existing,
            "ledger_rows": rows,
            "rerun_seconds": round(rerun_seconds, 3),
            "rerun_existing": again_existing,
            "baseline_peak_rss_mb": round(baseline_mb, 1),
        }
    )
    return [
        {
            "name": f"monthly run over {awards:,} active awards (seconds)",
            "value": round(seconds, 3),
            "unit": "s",
            "goal": f"<= {GOAL_SECONDS:g} s",
            "met": seconds <= GOAL_SECONDS,
            "details": details,
        },
        {
            "name": "monthly run / INSERT ... SELECT ... ON CONFLICT DO NOTHING of the same rows",
            "value": round(ratio, 2),
            "unit": "x",
            "goal": f"<= {GOAL_FLOOR_RATIO:g}x",
            "met": ratio <= GOAL_FLOOR_RATIO,
            "details": {
                "run_seconds": round(seconds, 3),
                "floor_seconds": round(floor_seconds, 3),
                "rows": created + existing,
            },
        },
        {
            "name": f"monthly run split over {RUN_WORKERS} worker processes: same rows as one",
            "value": int(same_rows),
            "unit": "bool",
            "goal": "1 (every row and its batch the same as the run in one process)",
            "met": same_rows,
            "details": {**split, "single_rows": single_rows, "single_digest": single_digest},
        },
        {
            "name": "monthly run repeated: new rows",
            "value": again_created,
            "unit": "rows",
            "goal": "0",
            "met": again_created == 0 and again_existing == created + existing,
            "details": {"rerun_seconds": round(rerun_seconds, 3)},
        },
        {
            "name": "monthly run: peak resident memory of the process",
            "value": round(peak_mb, 1),
            "unit": "MB",
            "goal": f"<= {GOAL_MEMORY_MB:g} MB",
            "met": peak_mb <= GOAL_MEMORY_MB,
            "details": {"baseline_peak_rss_mb": round(baseline_mb, 1)},
        },
        {
            "name": f"monthly run: peak memory at {AWARDS_LARGE:,} awards over that at {awards:,}",
            "value": round(growth * 100, 1),
            "unit": "%",
            "goal": f"<= {GOAL_MEMORY_GROWTH * 100:g}%",
            "met": growth <= GOAL_MEMORY_GROWTH,
            "details": {"small_peak_rss_mb": round(peak_mb, 1), "large": large},
        },
    ]


if __name__ == "__main__":  # pragma: no cover - `make bench` imports run()
    import json

    sys.stderr.write(json.dumps(run(), ensure_ascii=False, indent=2) + "\n")
