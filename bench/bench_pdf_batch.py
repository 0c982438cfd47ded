"""Benchmark: a batch of PDF forms spread over worker processes, and the kept PDF of a form.

`run()` makes (again, each time) a Songjiang round of its own with N submitted applications
(BENCH_PDF_BATCH_N, default 300; the demo form, 8 pages each) in the benchmark database. Floors
and figures, measured in the same run:
- the floor: N single renders of those forms, one after another, in this process (the cache off);
- the batch: `start_pdf_batch` for the round, made by one real Celery worker with
  BENCH_PDF_WORKERS processes (default 2, prefork) on Redis, the cache off in the worker so it
  renders everything; from the start until the zip is stored. Goal: at most 60% of the floor.
- the same batch on a worker of one process: its zip must hold the same PDFs under the same
  names as the first (each member compared by its SHA-256).
- a second download of one submitted form (read from the PDF cache) against its first render.
  Goal: at most 5% of the render.
Prints nothing; needs REDIS_URL (the make target passes the test Redis).
"""

from __future__ import annotations

import os
import sys
import time
import uuid
from datetime import date
from pathlib import Path

from bench.django_setup import setup_django

ROOT = Path(__file__).resolve().parents[1]
COUNT = int(os.environ.get("BENCH_PDF_BATCH_N", "300"))
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


def _zip_members(batch) -> dict[str, str]:
    """The zip's members: name -> sha256 of the PDF inside (the zip's own bytes carry the
    files' dates, so the members are compared, not the archive)."""
    import hashlib
    import zipfile

    with batch.file.open("rb") as handle, zipfile.ZipFile(handle) as archive:
        return {name: hashlib.sha256(archive.read(name)).hexdigest() for name in archive.namelist()}


def _batch(round_, office, processes: int, redis_url: str, serial: float):
    """The round's batch on a real worker of `processes` processes, from the start until the
    zip is stored: (seconds, chunks, the zip's members)."""
    from applications.models import PdfBatch
    from applications.pdf_batches import start_pdf_batch
    from bench.worker import start_worker, stop_worker
    from portal.celery import app

    queue = f"bench-pdf-{uuid.uuid4().hex[:8]}"
    log = ROOT / "bench" / "tmp" / f"{queue}.log"
    log.parent.mkdir(parents=True, exist_ok=True)
    env = {
        **os.environ,
        "CELERY_TASK_ALWAYS_EAGER": "0",
        "PDF_CACHE": "0",
        "PYTHONPATH": str(ROOT),
    }
    worker = start_worker(queue, processes, env, log)
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
            if time.perf_counter() - started > 60 + serial * 3:
                raise RuntimeError(f"batch still {batch.status}:\n" + log.read_text())
            time.sleep(0.1)
        seconds = time.perf_counter() - started
    finally:
        stop_worker(worker)
        log.unlink(missing_ok=True)
    if batch.status != PdfBatch.Status.DONE:
        raise RuntimeError(f"batch failed: {batch.error}")
    members = _zip_members(batch)
    chunks = batch.chunks.count()
    batch.file.delete(save=False)
    return seconds, chunks, members


def run() -> list[dict]:
    _setup_django()
    from django.conf import settings

    from applications import pdf
    from applications.models import Application
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

    # The batch, on a real worker of WORKERS processes; then on one process, for its zip.
    parallel, chunks, members = _batch(round_, office, WORKERS, redis_url, serial)
    alone, _chunks, members_alone = _batch(round_, office, 1, redis_url, serial)
    same_zip = members == members_alone and len(members) == len(applications)

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
            "met": ratio <= GOAL_BATCH_RATIO and same_zip,
            "details": {
                "forms": COUNT,
                "pages_each": 8,
                "serial_seconds": round(serial, 2),
                "batch_seconds": round(parallel, 2),
                "worker_processes": WORKERS,
                "one_process_batch_seconds": round(alone, 2),
                "same_zip_as_one_process": same_zip,
                "zip_members": len(members),
                "chunks": chunks,
                "chunk_size": settings.PDF_BATCH_CHUNK,
                "command": "python bench/run.py bench_pdf_batch",
            },
        },
        {
            "name": f"pdf_batch_on_{WORKERS}_processes_same_zip_as_one",
            "value": int(same_zip),
            "unit": "bool",
            "goal": "1 (the same PDFs under the same names in the zip)",
            "met": same_zip,
            "details": {"members": len(members), "members_one_process": len(members_alone)},
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
