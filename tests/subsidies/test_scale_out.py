"""Scaling past one machine, shown on one (issue 18, 7): two gunicorn processes and three Celery
worker processes, against the test's PostgreSQL and Redis, sharing nothing but those and one
private-files folder (what a volume is to containers).

A browser signs in on one web process and goes on on the other (sessions in PostgreSQL); a
payment run split over the three workers gives the ledger of one process; a PDF batch spread
over the three workers gives the zip (member names and bytes) of one worker.
"""

from __future__ import annotations

import http.client
import os
import socket
import subprocess
import sys
import time
import uuid
import zipfile
from pathlib import Path

import pytest
from django.db import connection
from django.utils.functional import empty

from applications.models import PdfBatch, private_storage
from applications.pdf_batches import start_pdf_batch
from subsidies import ledger, services, tasks
from subsidies.models import Payment, PaymentBatch, PaymentRun
from tests.applications.test_pdf import make_application
from tests.applications.test_pdf_batch import applicants, wait_for
from tests.subsidies.test_runs_celery import PERIOD, awards  # noqa: F401
from tests.subsidies.test_runs_split import _ledger, _wait_done

pytestmark = [pytest.mark.slow, pytest.mark.celery, pytest.mark.browser, pytest.mark.pg]

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")

# Signed in on one web process, the other knows the session (cookies do not depend on the port).
BROWSER_JOURNEY = """
import sys
from playwright.sync_api import sync_playwright

chromium, one, other = sys.argv[1:4]
with sync_playwright() as p:
    browser = p.chromium.launch(
        executable_path=chromium,
        headless=True,
        args=["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"],
    )
    page = browser.new_context(locale="zh-CN").new_page()
    page.set_default_timeout(20000)
    page.goto(f"{one}/accounts/login/")
    page.get_by_label("用户名 / 手机号 / 邮箱").fill("li_ming")
    page.get_by_label("密码").fill("Demo@2026")
    page.get_by_role("button", name="登录").click()
    page.wait_for_url("**/workbench/")
    page.goto(f"{other}/applications/")
    assert "/accounts/login/" not in page.url, page.url
    assert page.get_by_role("heading", name="我的申报").count() >= 1
    page.goto(f"{one}/workbench/")
    assert "/accounts/login/" not in page.url, page.url
    page.goto(f"{other}/workbench/")
    assert "/accounts/login/" not in page.url, page.url
    browser.close()
print("ok")
"""


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _wait_http(port: int, proc: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + 60
    while True:
        try:
            probe = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            probe.request("GET", "/accounts/login/")
            if probe.getresponse().status == 200:
                return
        except OSError:
            pass
        if proc.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError("gunicorn did not start:\n" + log.read_text()[-3000:])
        time.sleep(0.3)


@pytest.fixture
def cluster(transactional_db, tmp_path, settings):
    """Two web processes (ports of their own) and three named worker processes on one queue."""
    from portal.celery import app

    redis_url = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")
    queue = f"portal-scale-{uuid.uuid4().hex[:8]}"
    private = tmp_path / "shared-volume"
    private.mkdir()
    settings.PRIVATE_MEDIA_ROOT = settings.MEDIA_ROOT = str(private)
    private_storage._wrapped = empty  # the private storage is made again on that folder
    db = connection.settings_dict
    env = {
        **os.environ,
        "DATABASE_URL": (
            f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
        ),
        "REDIS_URL": redis_url,
        "CELERY_QUEUE": queue,
        "CELERY_TASK_ALWAYS_EAGER": "0",
        "PRIVATE_MEDIA_ROOT": str(private),
        "PDF_BATCH_CHUNK": "1",
        "PYTHONPATH": str(ROOT),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
    }
    procs: list[subprocess.Popen] = []
    workers: dict[str, tuple[subprocess.Popen, Path]] = {}
    ports = []
    try:
        for n in range(3):
            name = f"{queue}-w{n}"
            log = tmp_path / f"{name}.log"
            proc = subprocess.Popen(
                [
                    *(sys.executable, "-m", "celery", "-A", "portal", "worker", "--pool=solo"),
                    *("--loglevel=INFO", "-Q", queue, "--without-gossip", "--without-mingle"),
                    *("--without-heartbeat", "-n", f"{name}@%h"),
                ],
                cwd=ROOT,
                env=env,
                stdout=log.open("w"),
                stderr=subprocess.STDOUT,
            )
            procs.append(proc)
            workers[name] = (proc, log)
        for n in range(2):
            port = _free_port()
            log = tmp_path / f"web{n}.log"
            proc = subprocess.Popen(
                [
                    *(sys.executable, "-m", "gunicorn", "portal.wsgi"),
                    *("--bind", f"127.0.0.1:{port}", "--workers", "1", "--threads", "2"),
                    *("--worker-class", "gthread"),
                ],
                cwd=ROOT,
                env=env,
                stdout=log.open("w"),
                stderr=subprocess.STDOUT,
            )
            procs.append(proc)
            ports.append((port, proc, log))
        app.conf.task_always_eager = False
        settings.CELERY_TASK_ALWAYS_EAGER = False
        app.conf.broker_url = redis_url
        app.conf.result_backend = redis_url
        app.conf.task_default_queue = queue
        host = socket.gethostname()
        deadline = time.monotonic() + 60
        for name, (proc, log) in workers.items():
            while not app.control.ping(destination=[f"{name}@{host}"], timeout=0.5):
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("a Celery worker did not start:\n" + log.read_text())
        for port, proc, log in ports:
            _wait_http(port, proc, log)

        class Cluster:
            pass

        handle = Cluster()
        handle.urls = [f"http://127.0.0.1:{port}" for port, _p, _l in ports]
        handle.workers = workers
        handle.private = private
        yield handle
    finally:
        for proc in procs:
            if proc.poll() is None:
                proc.terminate()
        for proc in procs:
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()
        app.conf.task_default_queue = "portal"
        app.conf.task_always_eager = True
        private_storage._wrapped = empty


def _took(workers, task: str) -> int:
    """How many of the worker processes received at least one `task`."""
    return sum(f"{task}[" in log.read_text() for _proc, log in workers.values())


def _zip(batch: PdfBatch) -> dict[str, bytes]:
    with zipfile.ZipFile(batch.file.path) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def test_two_web_processes_and_three_workers_share_everything_that_matters(
    cluster,
    awards,  # noqa: F811
    persona,
    django_user_model,
):
    one, other = cluster.urls
    # --- a browser journey alternating between the two web processes ---------------------
    # In a child process: the browser tests' session keeps Playwright's sync API running in this
    # one, and a second sync Playwright cannot start beside it.
    journey = subprocess.run(
        [sys.executable, "-c", BROWSER_JOURNEY, CHROMIUM, one, other],
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert journey.returncode == 0, journey.stdout + journey.stderr
    assert journey.stdout.strip() == "ok"

    # --- a payment run spread over the three workers, then in one process ----------------
    run = services.start_run(kind=PaymentRun.Kind.MONTHLY, period=PERIOD, enqueue=False)
    assert tasks.execute_run.delay(run.pk, 5, True).get(timeout=60)["parts"] == 6
    run = _wait_done(run)
    assert run.status == PaymentRun.Status.DONE, run.error
    split = _ledger()
    assert split and _took(cluster.workers, "subsidies.execute_run_part") >= 2
    Payment.objects.all().delete()
    PaymentBatch.objects.all().delete()
    PaymentRun.objects.all().delete()
    single = services.start_run(kind=PaymentRun.Kind.MONTHLY, period=PERIOD, enqueue=False)
    ledger.execute_run(single)
    assert _ledger() == split

    # --- a PDF batch spread over the three workers, then on one worker -------------------
    people = applicants(django_user_model, ["甲一", "乙二", "丙三", "丁四", "戊五", "己六"])
    made = [make_application("songjiang-chief-technician", person) for person in people]
    spread = wait_for(start_pdf_batch(round=made[0].round, by=persona("chen_office")), 120)
    assert spread.status == PdfBatch.Status.DONE, spread.error
    assert spread.chunks.count() == 6
    assert _took(cluster.workers, "applications.render_batch_chunk") >= 2
    names = list(cluster.workers)
    for name in names[1:]:  # two workers stop: one is left
        proc, _log = cluster.workers[name]
        proc.terminate()
        proc.wait(timeout=30)
    alone = wait_for(start_pdf_batch(round=made[0].round, by=persona("chen_office")), 120)
    assert alone.status == PdfBatch.Status.DONE, alone.error
    assert Path(alone.file.path).is_relative_to(cluster.private)
    spread_zip, alone_zip = _zip(spread), _zip(alone)
    assert len(spread_zip) == 6
    assert spread_zip == alone_zip  # the same member names, the same bytes
