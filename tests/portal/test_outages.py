"""Issue 16, item 6: /healthz names what is down; with the broker down an action answers at
once, commits whole and keeps its task (the outbox) until the broker is back; stalled runs are
resumed; PDF renders have limits.

Every outage here is of a redis-server this test starts on a port of its own; the shared Redis
is never touched.
"""

from __future__ import annotations

import socket
import subprocess
import time
from datetime import date

import pytest
from django.urls import reverse

from portal import outbox
from portal.models import OutboxMessage


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class OwnRedis:
    """A redis-server of this test's own, stopped and started at will."""

    def __init__(self, tmp_path):
        self.port = _free_port()
        self.dir = tmp_path
        self.proc = None
        self.url = f"redis://127.0.0.1:{self.port}/0"

    def start(self):
        self.proc = subprocess.Popen(
            [
                "redis-server",
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.dir),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        import redis

        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                redis.Redis(port=self.port, socket_connect_timeout=0.2).ping()
                return
            except redis.ConnectionError:
                time.sleep(0.05)
        raise RuntimeError("redis-server did not start")

    def stop(self):
        if self.proc is not None:
            self.proc.terminate()
            self.proc.wait(timeout=10)
            self.proc = None

    def queue_length(self, queue: str) -> int:
        import redis

        return redis.Redis(port=self.port).llen(queue)


@pytest.fixture
def own_redis(tmp_path):
    server = OwnRedis(tmp_path)
    server.start()
    yield server
    server.stop()


@pytest.fixture
def broker(own_redis, settings):
    """Point the web side's Celery at the test's own Redis (not eager)."""
    from portal.celery import app

    # Only the broker: the outbox sends without results (ignore_result), so the result
    # backend stays the shared one the real-worker tests use.
    saved = (app.conf.broker_url, app.conf.task_always_eager)
    app.conf.broker_url = own_redis.url
    app.conf.task_always_eager = False
    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.REDIS_URL = own_redis.url
    _fresh_connections(app)
    yield own_redis
    app.conf.broker_url, app.conf.task_always_eager = saved
    _fresh_connections(app)
    app.conf.task_always_eager = True


def _fresh_connections(app):
    """Forget pooled broker connections so the next send connects to the current broker_url.

    kombu keeps producer pools in a process-wide registry too; it is emptied with them, so no
    later test (the real-worker ones) is handed a pool closed here.
    """
    from kombu import pools

    pools.reset()
    app._pool = None
    app.amqp._producer_pool = None


# --- /healthz -------------------------------------------------------------------------------


@pytest.mark.django_db
def test_healthz_with_redis_down_answers_503_naming_redis(client, broker):
    broker.stop()
    started = time.monotonic()
    response = client.get("/healthz")
    assert time.monotonic() - started < 3
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "down" and "redis" in body["down"] and "celery" in body["down"]
    assert body["checks"]["database"] == "ok"


@pytest.mark.django_db
def test_healthz_with_no_worker_answers_503_naming_celery(client, broker):
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["down"] == ["celery"]
    assert response.json()["checks"]["redis"] == "ok"


@pytest.mark.celery
def test_healthz_with_everything_up_answers_200(client, celery_worker):
    response = client.get("/healthz")
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "ok" and response.json()["down"] == []


# --- the broker down: the outbox ----------------------------------------------------------------


@pytest.fixture
def office_client(client, demo_people):
    from portal.models import User

    client.force_login(
        User.objects.get(username="chen_office"),
        backend="portal.auth_backends.PhoneOrEmailBackend",
    )
    return client


@pytest.mark.django_db(transaction=True)
def test_starting_a_run_with_the_broker_down_answers_at_once_and_sends_later(office_client, broker):
    """Real commits (a transactional test): the task is sent when the request's transaction
    commits, as in production, so the page can say it was kept."""
    from portal.celery import app
    from subsidies.models import PaymentRun

    broker.stop()
    started = time.monotonic()
    response = office_client.post(
        reverse("subsidies:runs"), {"kind": "monthly", "period": "2026-03"}
    )
    assert time.monotonic() - started < 2
    assert response.status_code == 302
    page = office_client.get(response["Location"]).content.decode()
    assert "后台任务队列暂时不可用" in page and "无需重复操作" in page
    run = PaymentRun.objects.get(period="2026-03")
    assert run.status == "queued"
    message = OutboxMessage.objects.get(task="subsidies.execute_run")
    assert message.args == [run.pk] and message.sent_at is None and message.last_error

    broker.start()
    sent, pending = outbox.relay()
    assert (sent, pending) == (1, 0)
    assert broker.queue_length(app.conf.task_default_queue) == 1
    message.refresh_from_db()
    assert message.sent_at is not None


@pytest.mark.django_db(transaction=True)
def test_a_pdf_batch_with_the_broker_down_stays_pending_with_its_task_kept(office_client, broker):
    from applications.models import PdfBatch
    from programmes.models import Round

    call = __import__("django.core.management", fromlist=["call_command"]).call_command
    call("load_programmes", verbosity=0)
    call("open_demo_rounds", verbosity=0)
    round_ = Round.objects.first()
    broker.stop()
    started = time.monotonic()
    response = office_client.post(reverse("pdf_batches:list"), {"round": round_.pk})
    assert time.monotonic() - started < 2
    assert response.status_code == 302, response.content.decode()[:500]
    assert "后台任务队列暂时不可用" in office_client.get(response["Location"]).content.decode()
    batch = PdfBatch.objects.get()
    assert batch.status == "pending"
    assert OutboxMessage.objects.get(task="applications.render_batch").args == [batch.pk]


@pytest.mark.django_db
def test_a_decision_with_the_broker_down_is_committed_with_its_mail_kept(
    broker, demo_people, django_capture_on_commit_callbacks
):
    """Recording a review decision sends mail through Celery; with the broker down the
    decision commits, its mail waits in the outbox, and nothing raises."""
    from django.db import transaction

    from portal.notifications import notify

    broker.stop()
    started = time.monotonic()
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        notify(recipients=["li_ming@example.cn"], subject="审核结果", body="已通过")
    assert time.monotonic() - started < 2
    message = OutboxMessage.objects.get(task="portal.send_notification")
    assert message.sent_at is None and message.args[0] == ["li_ming@example.cn"]


@pytest.mark.django_db
def test_a_rolled_back_change_sends_nothing(broker, django_capture_on_commit_callbacks):
    from django.db import transaction

    with (
        pytest.raises(RuntimeError),
        django_capture_on_commit_callbacks(execute=True),
        transaction.atomic(),
    ):
        outbox.enqueue("portal.ping")
        raise RuntimeError("the change failed")
    assert not OutboxMessage.objects.exists()
    assert broker.queue_length("portal") == 0


# --- a killed worker's run ----------------------------------------------------------------------


@pytest.mark.django_db
def test_a_run_that_stopped_progressing_is_queued_again(demo_people, settings):
    from subsidies.models import PaymentRun

    settings.WORK_STALL_SECONDS = 120
    stuck = PaymentRun.objects.create(
        kind="monthly",
        period="2026-04",
        until=date(2026, 4, 30),
        status="running",
        awards_total=10,
        awards_done=3,
    )
    moving = PaymentRun.objects.create(
        kind="monthly",
        period="2026-05",
        until=date(2026, 5, 31),
        status="running",
        awards_total=10,
        awards_done=3,
    )
    now = time.time()
    assert outbox.resume_stalled(now=now) == []  # first sight: remembered
    PaymentRun.objects.filter(pk=moving.pk).update(awards_done=6)
    assert outbox.resume_stalled(now=now + 60) == []  # not yet two minutes
    resumed = outbox.resume_stalled(now=now + 125)
    assert resumed == [f"subsidies.PaymentRun:{stuck.pk}"]
    stuck.refresh_from_db()
    assert stuck.status == "queued"
    assert OutboxMessage.objects.filter(task="subsidies.execute_run", args=[stuck.pk]).exists()
    moving.refresh_from_db()
    assert moving.status == "running"


def test_the_watchdog_and_the_relay_are_in_beat(settings):
    tasks = {entry["task"]: entry["schedule"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert tasks["portal.resume_stalled"] <= 60
    assert tasks["portal.relay_outbox"] <= 60
    # found after WORK_STALL_SECONDS plus at most one beat interval: within 5 minutes
    assert settings.WORK_STALL_SECONDS + 2 * tasks["portal.resume_stalled"] <= 300


# --- PDF limits ---------------------------------------------------------------------------------


def _big_html(rows: int) -> str:
    body = "".join(f"<p>第{n}行 内容内容内容内容</p>" for n in range(rows))
    return f"<html><body>{body}</body></html>"


@pytest.mark.django_db
def test_a_pdf_over_the_page_limit_stops_with_a_chinese_message(settings):
    # render_limited: the one way (with the kept stylesheets) every PDF is laid out and written
    from applications.pdf import PdfLimitExceeded, render_limited

    settings.PDF_MAX_PAGES = 3
    with pytest.raises(PdfLimitExceeded, match="超过了3页的上限"):
        render_limited(_big_html(400))
    settings.PDF_MAX_PAGES = 200
    assert render_limited(_big_html(40)).startswith(b"%PDF")


@pytest.mark.django_db
def test_a_pdf_over_the_time_limit_stops_in_time(settings):
    from applications.pdf import PdfLimitExceeded, render_limited, stylesheet

    settings.PDF_MAX_SECONDS = 1
    settings.PDF_MAX_PAGES = 0
    stylesheet()  # the kept stylesheet and font parsed beforehand: the second is the render's
    html = _big_html(60000)  # would take far longer than a second
    started = time.monotonic()
    with pytest.raises(PdfLimitExceeded, match="超过了1秒的时限"):
        render_limited(html)
    # stopped at the limit (a loose bound: two CPUs shared by several test runs)
    assert time.monotonic() - started < 5


@pytest.mark.django_db
def test_the_application_pdf_page_explains_the_limit(client, settings, draft_pdf_url):
    settings.PDF_MAX_PAGES = 1
    response = client.get(draft_pdf_url)
    assert response.status_code == 503
    assert "超过了1页的上限" in response.content.decode()


@pytest.fixture
def draft_pdf_url(client, demo_people):
    from django.core.management import call_command

    from applications import services
    from portal.models import Unit, User
    from programmes.models import Round

    call_command("load_programmes", verbosity=0)
    call_command("open_demo_rounds", verbosity=0)
    li = User.objects.get(username="li_ming")
    round_ = Round.objects.get(version__programme__code="songjiang-chief-technician")
    application = services.start_application(
        round=round_, by=li, channel="unit", unit=Unit.objects.get(name__contains="松江精密")
    )
    client.force_login(li, backend="portal.auth_backends.PhoneOrEmailBackend")
    return f"/applications/{application.pk}/pdf/"


@pytest.mark.django_db
def test_the_relay_command_sends_what_was_kept(broker, capsys):
    from django.core.management import call_command

    broker.stop()
    outbox.send(outbox.enqueue("portal.ping").pk)
    with pytest.raises(SystemExit):
        call_command("relay_outbox")
    assert "仍待发送 1 个" in capsys.readouterr().out
    broker.start()
    call_command("relay_outbox")
    assert "已发送 1 个任务，仍待发送 0 个" in capsys.readouterr().out
