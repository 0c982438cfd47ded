"""Benchmark: a batch of PDF forms spread over worker processes, and the kept PDF of a form.

`run()` makes (again, each time) a Songjiang round of its own with N submitted applications
(BENCH_PDF_BATCH_N, default 120; the demo form, 8 pages each) in the benchmark database. Floors
and figures, measured in the same run:
- the floor: N single renders of those forms, one after another, in this process (the cache off);
- the batch: `start_pdf_batch` for the round, made by one real Celery worker with
  BENCH_PDF_WORKERS processes (default 2, prefork) on Redis, the cache off in the worker so it
  renders everything; from the start until the zip is stored. Goal: at most 60% of the floor.
- a second download of one submitted form (read from the PDF cache) against its first render.
  Goal: at most 5% of the render.
Prints nothing; needs REDIS_URL (the make target passes the test Redis).
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
import uuid
from datetime import date
from pathlib import Path

from bench.django_setup import setup_django

ROOT = Path(__file__).resolve().parents[1]
COUNT = int(os.environ.get("BENCH_PDF_BATCH_N", "120"))
WORKERS = int(os.environ.get("BENCH_PDF_WORKERS", "2"))
ROUND_NAME = "基准测试：申报表批量导出"
USER_PREFIX = "bench_pdf_"
GOAL_BATCH_RATIO = 0.6
GOAL_CACHED_RATIO = 0.05


def _setup_django() -> None:
    setup_django()


def _prepare(count: int):
    from django.utils import timezone

    from applications.demo_data import demo_form_data
    from applications.models import Application, PdfBatch
    from bench.fixtures import fresh_users, in_material_review, review_round

    PdfBatch.objects.filter(round__name=ROUND_NAME).delete()
    round_, units, street = review_round(ROUND_NAME)
    users = fresh_users(USER_PREFIX, count, "批量")
    version = round_.version
    data = demo_form_data(version.ruleset, on=date(2026, 3, 10))
    Application.objects.bulk_create(
        in_material_review(
            round_,
            user,
            units,
            street,
            data={**data, "person": {**data["person"], "name": user.real_name}},
            submitted_at=timezone.now(),
        )
        for user in users
    )
    return round_


def _start_worker(queue: str, env: dict, log: Path) -> subprocess.Popen:
    from portal.celery import app

    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "portal",
            "worker",
            "--pool=prefork",
            f"--concurrency={WORKERS}",
            "--loglevel=WARNING",
            "-Q",
            queue,
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
            "-n",
            f"{queue}@%h",
        ],
        cwd=ROOT,
        env=env,
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
    )
    import socket

    deadline = time.monotonic() + 60
    while not app.control.ping(destination=[f"{queue}@{socket.gethostname()}"], timeout=0.5):
        if process.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError("the Celery worker did not start:\n" + log.read_text())
    return process


def run() -> list[dict]:
    _setup_django()
    from django.conf import settings

    from applications import pdf
    from applications.models import Application, PdfBatch
    from applications.pdf_batches import start_pdf_batch
    from portal.celery import app
    from portal.models import User

    redis_url = os.environ.get("REDIS_URL", "")
    if not redis_url:
        raise RuntimeError("bench_pdf_batch needs REDIS_URL (a real worker renders the batch)")
    round_ = _prepare(COUNT)
    applications = list(
        Application.objects.filter(round=round_).select_related("round__version", "applicant")
    )
    office = User.objects.get(username="chen_office")

    # The floor: every form rendered once, one after another (the cache off).
    settings.PDF_CACHE = False
    pdf.render_application_pdf(applications[0])  # warm up
    started = time.perf_counter()
    for application in applications:
        pdf.render_application_pdf(application)
    serial = time.perf_counter() - started

    # The batch, on a real worker of WORKERS processes.
    queue = f"bench-pdf-{uuid.uuid4().hex[:8]}"
    log = ROOT / "bench" / "tmp" / f"{queue}.log"
    log.parent.mkdir(parents=True, exist_ok=True)
    env = {
        **os.environ,
        "CELERY_QUEUE": queue,
        "CELERY_TASK_ALWAYS_EAGER": "0",
        "PDF_CACHE": "0",
        "PYTHONPATH": str(ROOT),
    }
    worker = _start_worker(queue, env, log)
    try:
        app.conf.task_always_eager = False
        app.conf.broker_url = redis_url
        app.conf.task_default_queue = queue
        started = time.perf_counter()
        batch = start_pdf_batch(round=round_, by=office)
        while True:
            batch.refresh_from_db()
            if batch.status in (PdfBatch.Status.DONE, PdfBatch.Status.FAILED):
                break
            if time.monotonic() - started > 60 + serial * 3:
                raise RuntimeError(f"batch still {batch.status}:\n" + log.read_text())
            time.sleep(0.1)
        parallel = time.perf_counter() - started
    finally:
        worker.terminate()
        worker.wait(timeout=30)
        log.unlink(missing_ok=True)
    if batch.status != PdfBatch.Status.DONE:
        raise RuntimeError(f"batch failed: {batch.error}")
    chunks = batch.chunks.count()
    batch.file.delete(save=False)

    # A submitted form's second download: the kept PDF.
    settings.PDF_CACHE = True
    one = applications[1]
    started = time.perf_counter()
    first = pdf.render_application_pdf(one)
    rendered = time.perf_counter() - started
    reads = []
    for _ in range(20):
        started = time.perf_counter()
        again = pdf.render_application_pdf(one)
        reads.append(time.perf_counter() - started)
    assert again == first
    cached = sorted(reads)[len(reads) // 2]

    ratio = parallel / serial
    return [
        {
            "name": "pdf_batch_vs_serial_renders",
            "value": round(ratio, 3),
            "unit": "x serial",
            "goal": f"<= {GOAL_BATCH_RATIO} x {COUNT} single renders, on {WORKERS} worker processes",
            "met": ratio <= GOAL_BATCH_RATIO,
            "details": {
                "forms": COUNT,
                "pages_each": 8,
                "serial_seconds": round(serial, 2),
                "batch_seconds": round(parallel, 2),
                "worker_processes": WORKERS,
                "chunks": chunks,
                "chunk_size": settings.PDF_BATCH_CHUNK,
                "command": "python bench/run.py bench_pdf_batch",
            },
        },
        {
            "name": "pdf_second_download_vs_render",
            "value": round(cached / rendered, 4),
            "unit": "x first render",
            "goal": f"<= {GOAL_CACHED_RATIO} x the render (a file read)",
            "met": cached / rendered <= GOAL_CACHED_RATIO,
            "details": {
                "first_render_seconds": round(rendered, 4),
                "cached_read_seconds_median": round(cached, 5),
            },
        },
    ]


if __name__ == "__main__":
    import json

    json.dump(run(), sys.stderr, ensure_ascii=False, indent=2)
